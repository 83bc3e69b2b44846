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

/** Feeds one reading a second; returns the cap after each. */
function run(losses: (number | null)[], start: AudioRateState = initialAudioRate(0)): (number | null)[] {
  let state = start;
  return losses.map((fractionLost, i) => {
    state = nextAudioRate(state, { fractionLost, at: (i + 1) * 1_000 }).state;
    return AUDIO_RATE_STEPS[state.step] ?? null;
  });
}

describe('the audio send rate on a path that cannot carry it', () => {
  it('leaves Chromium’s own rate alone on a clean path', () => {
    expect(run(Array(30).fill(0))).toEqual(Array(30).fill(null));
  });

  it('steps down while the other side keeps losing our packets, no faster than every 2 s (two steps at a time when it loses a fifth)', () => {
    expect(run(Array(10).fill(0.1))).toEqual([
      null,
      24_000,
      24_000,
      16_000,
      16_000,
      12_000,
      12_000,
      8_000,
      8_000,
      8_000,
    ]);
    expect(run(Array(6).fill(0.3))).toEqual([null, 16_000, 16_000, 8_000, 8_000, 8_000]);
  });

  it('holds a cap while the loss is moderate, and steps back up after 15 s clean', () => {
    const down = run([0.1, 0.1, 0.1, 0.1]);
    expect(down.at(-1)).toBe(16_000);
    let state = initialAudioRate(0);
    for (const [i, loss] of [0.1, 0.1, 0.1, 0.1].entries())
      state = nextAudioRate(state, { fractionLost: loss, at: (i + 1) * 1000 }).state;
    // Moderate loss (between clean and the step-down threshold): the cap holds, the clean clock does not run.
    for (let t = 5; t < 30; t++) state = nextAudioRate(state, { fractionLost: 0.03, at: t * 1000 }).state;
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
