import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSfuAttemptMs, SFU_RECONNECT_WINDOW_MS } from './sfuReconnect.js';

/** Plays the policy as livekit-client does: wait, attempt (fails after `attemptMs`), ask again. */
function attempts(windowMs: number, attemptMs: number, jitter = 0.5): number[] {
  const startedAt: number[] = [];
  let elapsedMs = 0;
  for (let retryCount = 0; ; retryCount++) {
    const wait = nextSfuAttemptMs({ retryCount, elapsedMs }, windowMs, jitter);
    if (wait === null) return startedAt;
    elapsedMs += wait;
    startedAt.push(elapsedMs);
    elapsedMs += attemptMs;
  }
}

describe('getting back to the SFU', () => {
  it('tries at once, then quickly while it may be a blip, then every few seconds', () => {
    const starts = attempts(SFU_RECONNECT_WINDOW_MS, 0);
    expect(starts.slice(0, 5)).toEqual([0, 300, 1_300, 3_300, 6_300]);
    expect(starts[5]! - starts[4]!).toBe(4_000);
  });

  it('gives up once the window is used up, so the call ends as "Connection failed" (30 s by default)', () => {
    const starts = attempts(SFU_RECONNECT_WINDOW_MS, 0);
    expect(starts.at(-1)).toBeLessThanOrEqual(30_000);
    expect(starts.at(-1)).toBeGreaterThan(25_000);
    // Attempts that hang (a paused server answers nothing) leave fewer, never one past the window.
    expect(attempts(SFU_RECONNECT_WINDOW_MS, 5_000).at(-1)).toBeLessThanOrEqual(30_000);
  });

  it('keeps every attempt inside any window, whatever the jitter and however long attempts take', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        (windowMs, attemptMs, jitter) => {
          const starts = attempts(windowMs, attemptMs, jitter);
          expect(starts.every((at) => at <= windowMs)).toBe(true);
          expect(starts.length).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });

  it('refuses nonsense from the library rather than retrying forever', () => {
    expect(nextSfuAttemptMs({ retryCount: 0, elapsedMs: Number.NaN }, 30_000, 0.5)).toBeNull();
    expect(nextSfuAttemptMs({ retryCount: -1, elapsedMs: 0 }, 30_000, 0.5)).toBeNull();
    expect(nextSfuAttemptMs({ retryCount: 3, elapsedMs: 31_000 }, 30_000, 0.5)).toBeNull();
  });
});
