/**
 * How much audio to send when the path to the other side cannot carry it all. Chromium's
 * Opus (with RED, its redundant copy of the previous frame) sends about 80 kbit/s on the
 * wire and, in an audio-only call, does not step down when the link is narrower: on a
 * 40 kbit/s link a third of what is said was lost for as long as the call lasted
 * (tests/e2e/badNetwork.test.ts). The other side reports what it lost of our packets
 * (RTCP, `remote-inbound-rtp.fractionLost`); when that stays high we cap the encoder a step
 * lower, and when it has been clean for a while we try a step higher again. Random loss on a
 * wide link also lowers the cap, which costs a little fidelity and nothing else; RED still
 * covers single losses at every step. Pure: the engine feeds it each reading.
 */

/** Caps to step through, bit/s of Opus; null is Chromium's own choice (about 32 kbit/s for voice). */
export const AUDIO_RATE_STEPS: readonly (number | null)[] = [null, 24_000, 16_000, 12_000, 8_000];
/** What the other side lost of ours, at or above which we step down. */
export const STEP_DOWN_LOSS = 0.05;
/** At or above which the path is far too narrow for the rate: two steps down at once. */
export const STEP_DOWN_TWICE_LOSS = 0.2;
/** At or below which the path counts as clean. */
export const CLEAN_LOSS = 0.01;
/** A step takes effect before the next reading can judge it (RTCP arrives every second or so). */
export const MIN_STEP_INTERVAL_MS = 2_000;
/** Clean for this long, and we try one step higher. */
export const STEP_UP_AFTER_MS = 15_000;

export interface AudioRateState {
  /** Index into AUDIO_RATE_STEPS. */
  step: number;
  /** When the step last changed. */
  changedAt: number;
  /** Since when every reading has been clean (null: the last was not). */
  cleanSince: number | null;
}

export const initialAudioRate = (now: number): AudioRateState => ({ step: 0, changedAt: now, cleanSince: null });

/**
 * The next state for one reading of the other side's loss of our audio (0…1, null when no
 * report came since the last reading). `changed` says when the encoder's cap must be set to
 * `AUDIO_RATE_STEPS[state.step]`.
 */
export function nextAudioRate(
  state: AudioRateState,
  reading: { fractionLost: number | null; at: number },
): { state: AudioRateState; changed: boolean } {
  const { fractionLost, at } = reading;
  if (fractionLost === null || !Number.isFinite(fractionLost)) return { state, changed: false };
  const settled = at - state.changedAt >= MIN_STEP_INTERVAL_MS;
  if (fractionLost >= STEP_DOWN_LOSS) {
    if (settled && state.step < AUDIO_RATE_STEPS.length - 1) {
      const steps = fractionLost >= STEP_DOWN_TWICE_LOSS ? 2 : 1;
      const step = Math.min(AUDIO_RATE_STEPS.length - 1, state.step + steps);
      return { state: { step, changedAt: at, cleanSince: null }, changed: true };
    }
    return { state: { ...state, cleanSince: null }, changed: false };
  }
  if (fractionLost > CLEAN_LOSS) return { state: { ...state, cleanSince: null }, changed: false };
  const cleanSince = state.cleanSince ?? at;
  if (state.step > 0 && settled && at - cleanSince >= STEP_UP_AFTER_MS) {
    return { state: { step: state.step - 1, changedAt: at, cleanSince: null }, changed: true };
  }
  return { state: { ...state, cleanSince }, changed: false };
}
