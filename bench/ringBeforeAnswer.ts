/**
 * How long every call of the benchmark rings before Answer is pressed. Nobody picks up a
 * ringing phone within milliseconds; a second is quick for a person. Each case (the floor,
 * Switchboard, MatrixCall, MatrixRTC) rings this long, so work a client does while ringing
 * counts as it does for the person, and setup (Answer → audio) compares like with like.
 */
export const RING_BEFORE_ANSWER_MS = 1_000;

export function ringBeforeAnswer(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RING_BEFORE_ANSWER_MS));
}
