import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUDIO_RATE_STEPS,
  MIN_STEP_INTERVAL_MS,
  STEP_UP_AFTER_MS,
  initialAudioRate,
  nextAudioRate,
  type AudioRateState,
} from './audioSendRate.js';

/** Feeds one reading a second (the first 2 s into the call); returns the cap after each. */
function run(losses: (number | null)[], start: AudioRateState = initialAudioRate(0)): (number | null)[] {
  let state = start;
  return losses.map((fractionLost, i) => {
    state = nextAudioRate(state, { fractionLost, at: (i + 2) * 1_000 }).state;
    return AUDIO_RATE_STEPS[state.step] ?? null;
  });
}

describe('the audio send rate on a path that cannot carry it', () => {
  it('leaves Chromium’s own rate alone on a clean path', () => {
    expect(run(Array(30).fill(0))).toEqual(Array(30).fill(null));
  });

  it('steps down while each step lessens what the other side loses (two steps at a time when it loses a fifth), and undoes the one that did not', () => {
    // A narrow link: each lower rate fits better, until the last step changes nothing and is undone.
    expect(run([0.3, 0.3, 0.12, 0.12, 0.06, 0.06, 0.06, 0.02, 0.005, 0.005])).toEqual([
      16_000, 16_000, 12_000, 12_000, 8_000, 8_000, 12_000, 12_000, 12_000, 12_000,
    ]);
  });

  it('undoes a step that did not lessen the loss (random loss: a lower rate only costs) and leaves that loss alone', () => {
    const caps = run(Array(30).fill(0.1));
    // Tried once, judged on the second report after it, undone; never tried again at this loss.
    expect(caps.slice(0, 3)).toEqual([24_000, 24_000, null]);
    expect(caps.slice(3)).toEqual(Array(27).fill(null));
  });

  it('judges a step by a clear fall: a third less on a narrow link stands, random loss reading a little lower is undone', () => {
    // Measured on a 40 kbit/s link with RED: 35 % lost, then 24 % once capped at 16 kbit/s.
    expect(run([0.35, 0.3, 0.24, 0.24])).toEqual([16_000, 16_000, 8_000, 8_000]);
    // 10 % random loss reading 7 % once: within what a report of 250 packets wanders.
    expect(run([0.1, 0.1, 0.07, 0.1])).toEqual([24_000, 24_000, null, null]);
  });

  it('keeps stepping down while the path is queueing (the round trip far above the call’s lowest), even when the loss holds steady', () => {
    let state = initialAudioRate(0);
    const caps: (number | null)[] = [];
    // The connection's first round trip was 1 ms; a full queue on a narrow link adds 200 ms or more.
    const readings: [number, number][] = [
      [0.25, 1],
      [0.25, 240],
      [0.25, 250],
      [0.25, 250],
      [0.25, 250],
      [0.02, 3],
    ];
    for (const [i, [fractionLost, rtt]] of readings.entries()) {
      state = nextAudioRate(state, { fractionLost, at: (i + 2) * 1_000, roundTripsMs: [rtt, null] }).state;
      caps.push(AUDIO_RATE_STEPS[state.step] ?? null);
    }
    expect(caps).toEqual([16_000, 16_000, 8_000, 8_000, 8_000, 8_000]);
    expect(state.lowestRoundTripMs).toBe(1);
  });

  it('while the path is queueing, a little loss is enough to step down; without a queue it is not', () => {
    const feed = (rtt: number) => {
      let state = initialAudioRate(0);
      for (const [i, [fractionLost, ms]] of (
        [
          [0, 1],
          [0.03, rtt],
          [0.03, rtt],
        ] as const
      ).entries())
        state = nextAudioRate(state, { fractionLost, at: (i + 2) * 1_000, roundTripsMs: [ms] }).state;
      return AUDIO_RATE_STEPS[state.step] ?? null;
    };
    expect(feed(200)).toBe(24_000);
    expect(feed(2)).toBe(null);
  });

  it('tries again when the loss doubles, or after a clean report', () => {
    expect(run([...Array(5).fill(0.1), 0.15, 0.2])).toEqual([24_000, 24_000, null, null, null, null, 16_000]);
    expect(run([...Array(5).fill(0.1), 0, 0.1])).toEqual([24_000, 24_000, null, null, null, null, 24_000]);
  });

  it('holds a cap while the loss is moderate, and steps back up after 15 s clean', () => {
    let state = initialAudioRate(0);
    for (const [i, loss] of [0.3, 0.3, 0.04, 0.04].entries())
      state = nextAudioRate(state, { fractionLost: loss, at: (i + 2) * 1000 }).state;
    expect(AUDIO_RATE_STEPS[state.step]).toBe(16_000);
    // Moderate loss (between clean and the step-down threshold): the cap holds, the clean clock does not run.
    for (let t = 7; t < 30; t++) state = nextAudioRate(state, { fractionLost: 0.03, at: t * 1000 }).state;
    expect(AUDIO_RATE_STEPS[state.step]).toBe(16_000);
    // Clean: one step up after 15 s, then another 15 s later.
    const cleanFrom = 30;
    let changes = 0;
    for (let t = cleanFrom; t <= cleanFrom + (2 * STEP_UP_AFTER_MS) / 1000 + 1; t++) {
      const next = nextAudioRate(state, { fractionLost: 0, at: t * 1000 });
      if (next.changed) changes += 1;
      state = next.state;
    }
    expect(changes).toBe(2);
    expect(AUDIO_RATE_STEPS[state.step]).toBe(null);
  });

  it('a reading without a report changes nothing', () => {
    const state = initialAudioRate(0);
    expect(nextAudioRate(state, { fractionLost: null, at: 60_000 })).toEqual({ state, changed: false });
    expect(nextAudioRate(state, { fractionLost: Number.NaN, at: 60_000 })).toEqual({ state, changed: false });
  });

  it('whatever the readings: the cap stays among the steps, and changes at most once every 2 s', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { maxLength: 120 }),
        (losses) => {
          let state = initialAudioRate(0);
          let lastChange = -Infinity;
          for (const [i, fractionLost] of losses.entries()) {
            const at = (i + 1) * 500;
            const next = nextAudioRate(state, { fractionLost, at });
            if (next.changed) {
              if (at - lastChange < MIN_STEP_INTERVAL_MS) return false;
              lastChange = at;
            }
            state = next.state;
            if (state.step < 0 || state.step >= AUDIO_RATE_STEPS.length) return false;
          }
          return true;
        },
      ),
    );
  });
});
