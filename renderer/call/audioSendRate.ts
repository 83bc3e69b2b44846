/**
 * How much audio to send when the path to the other side cannot carry it all. Chromium's
 * Opus does not step down by itself in an audio-only call when the link is narrower than
 * its rate: on a 40 kbit/s link a third of what is said was lost for as long as the call
 * lasted (tests/e2e/badNetwork.test.ts). The other side reports what it lost of our packets
 * (RTCP, `remote-inbound-rtp.fractionLost`); when that is high we cap the encoder a step
 * lower, and when it has been clean for a while we try a step higher again.
 *
 * Not all loss is ours to fix. Random loss (a poor radio link) stays the same whatever we
 * send, and a lower rate only costs: Opus's in-band FEC, which rebuilds most single losses
 * at full rate, has few or no bits at 8–12 kbit/s (`npm run bench -- --loss`: at 10 %
 * random loss, 7 % of speech concealed when every loss stepped the cap down, 2 % without). So each
 * step down is a trial, judged on the second report after it (the first may still cover
 * time before the step). It stands if the loss fell clearly below what caused it, or if the
 * path is still queueing: a link narrower than what we send fills its queue, so the round
 * trip stands well above the lowest this call has seen (on a 40 kbit/s link the loss stays
 * about the same from one step to the next until one fits, while the queue stays full).
 * While it is queueing, any loss above clean counts and a step needs no trial, so the
 * cap goes on down, a step per report, until what we send fits. Otherwise — the loss unchanged and no queue, which is random loss — the
 * step is undone and that loss is remembered; steps down are tried again only when the loss reaches twice
 * that, or after a clean report.
 * Pure: the engine feeds it each reading.
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
/** Reports after a step down before it is judged (the first may cover time before it). */
export const TRIAL_REPORTS = 2;
/**
 * A step down helped when the loss fell to this share of what caused it or lower, and by at
 * least HELPED_DROP: a report covers about 250 packets, so random loss alone moves a reading
 * by a point or two (at 10 % random loss, a reading at or under 6 % is about 1 in 70).
 */
export const HELPED_SHARE = 0.8;
export const HELPED_DROP = 0.04;
/** A round trip this far above the call's lowest means a queue on the path: more than it carries. */
export const QUEUEING_MS = 50;

export interface AudioRateState {
  /** Index into AUDIO_RATE_STEPS. */
  step: number;
  /** When the step last changed. */
  changedAt: number;
  /** Since when every reading has been clean (null: the last was not). */
  cleanSince: number | null;
  /** A step down being judged: the loss that caused it, the step it left, reports since. */
  trial: { lossBefore: number; from: number; reports: number } | null;
  /** Loss that stepping down did not lessen (not ours to fix), until a clean report. */
  unhelped: number | null;
  /** The lowest round trip seen in this call, ms (null before the first). */
  lowestRoundTripMs: number | null;
}

export const initialAudioRate = (now: number): AudioRateState => ({
  step: 0,
  changedAt: now,
  cleanSince: null,
  trial: null,
  unhelped: null,
  lowestRoundTripMs: null,
});

/**
 * The next state for one reading: the other side's loss of our audio (0…1, null when no
 * report came since the last reading) and the round trips measured now, ms (the report's and
 * the connection's; null when unknown). `changed` says when the encoder's cap must be set to
 * `AUDIO_RATE_STEPS[state.step]`.
 */
export function nextAudioRate(
  state: AudioRateState,
  reading: { fractionLost: number | null; at: number; roundTripsMs?: readonly (number | null)[] },
): { state: AudioRateState; changed: boolean } {
  const { fractionLost, at } = reading;
  const roundTrips = (reading.roundTripsMs ?? []).filter(
    (ms): ms is number => ms !== null && Number.isFinite(ms) && ms >= 0,
  );
  const lowest = Math.min(state.lowestRoundTripMs ?? Infinity, ...roundTrips);
  const withLowest = { ...state, lowestRoundTripMs: Number.isFinite(lowest) ? lowest : null };
  if (fractionLost === null || !Number.isFinite(fractionLost)) {
    return { state: withLowest.lowestRoundTripMs === state.lowestRoundTripMs ? state : withLowest, changed: false };
  }
  const lowestMs = withLowest.lowestRoundTripMs;
  const queueing = lowestMs !== null && roundTrips.some((ms) => ms - lowestMs >= QUEUEING_MS);
  let current = withLowest;
  if (current.trial !== null) {
    const trial = { ...current.trial, reports: current.trial.reports + 1 };
    const judged = trial.reports >= TRIAL_REPORTS && at - current.changedAt >= MIN_STEP_INTERVAL_MS;
    if (!judged) return { state: { ...current, trial, cleanSince: null }, changed: false };
    const helped =
      queueing || (fractionLost <= trial.lossBefore * HELPED_SHARE && trial.lossBefore - fractionLost >= HELPED_DROP);
    if (!helped) {
      // The lower rate did not lessen the loss: undo the step and leave this loss alone.
      return {
        state: {
          step: trial.from,
          changedAt: at,
          cleanSince: null,
          trial: null,
          unhelped: Math.max(fractionLost, trial.lossBefore),
          lowestRoundTripMs: current.lowestRoundTripMs,
        },
        changed: true,
      };
    }
    current = { ...current, trial: null };
  }
  const settled = at - current.changedAt >= MIN_STEP_INTERVAL_MS;
  // A path that is queueing and losing some of what we send is still too narrow for it.
  if (fractionLost >= STEP_DOWN_LOSS || (queueing && fractionLost > CLEAN_LOSS)) {
    const held = !queueing && current.unhelped !== null && fractionLost < 2 * current.unhelped;
    if (!held && settled && current.step < AUDIO_RATE_STEPS.length - 1) {
      const steps = fractionLost >= STEP_DOWN_TWICE_LOSS ? 2 : 1;
      const step = Math.min(AUDIO_RATE_STEPS.length - 1, current.step + steps);
      return {
        state: {
          step,
          changedAt: at,
          cleanSince: null,
          // A queue is evidence enough that we send too much: only a step down on loss alone is a trial.
          trial: queueing ? null : { lossBefore: fractionLost, from: current.step, reports: 0 },
          unhelped: current.unhelped,
          lowestRoundTripMs: current.lowestRoundTripMs,
        },
        changed: true,
      };
    }
    return { state: { ...current, cleanSince: null }, changed: false };
  }
  if (fractionLost > CLEAN_LOSS) return { state: { ...current, cleanSince: null }, changed: false };
  const cleanSince = current.cleanSince ?? at;
  if (current.step > 0 && settled && at - cleanSince >= STEP_UP_AFTER_MS) {
    return {
      state: {
        step: current.step - 1,
        changedAt: at,
        cleanSince: null,
        trial: null,
        unhelped: null,
        lowestRoundTripMs: current.lowestRoundTripMs,
      },
      changed: true,
    };
  }
  return { state: { ...current, cleanSince, unhelped: null }, changed: false };
}
