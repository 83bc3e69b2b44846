/**
 * How long a MatrixRTC call keeps trying to get back to its SFU before it ends as
 * "Connection lost": livekit-client asks after every failed attempt (a ReconnectPolicy).
 * Its own default tries ten times over about 45 s; a phone call that has been silent that
 * long is over for the person, so the attempts come quickly at first and stop once the
 * window (30 s, about as long as Chromium waits before declaring ICE failed) is used up.
 * Pure: the clock is livekit-client's (elapsed since the link was lost), the jitter given.
 */

/** Ends a call whose SFU has not come back within this long. */
export const SFU_RECONNECT_WINDOW_MS = 30_000;

/** The waits before each attempt: fast while it may be a blip, then every few seconds. */
const STEPS_MS = [0, 300, 1_000, 2_000, 3_000];
const LATER_MS = 4_000;

export interface ReconnectAttempt {
  /** Failed attempts so far. */
  retryCount: number;
  /** Since the connection was lost. */
  elapsedMs: number;
}

/**
 * The wait before the next attempt, or null to give up: an attempt is only made if it
 * starts within the window. `jitter` in [0, 1) spreads clients that lost the SFU together.
 */
export function nextSfuAttemptMs(attempt: ReconnectAttempt, windowMs: number, jitter: number): number | null {
  if (!Number.isFinite(attempt.elapsedMs) || attempt.retryCount < 0) return null;
  const base = STEPS_MS[attempt.retryCount] ?? LATER_MS;
  const wait = Math.round(base * (0.75 + 0.5 * Math.min(Math.max(jitter, 0), 1)));
  return attempt.elapsedMs + wait <= windowMs ? wait : null;
}
