import { describe, expect, it } from 'vitest';
import { settleOrMoveOn, type GuardTimers } from './eventQueueGuard.js';

/** Timers the test fires by hand. */
function manualTimers(): GuardTimers & { fire(): void; pending(): number } {
  const callbacks = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (callback) => {
      callbacks.set(++next, callback);
      return next;
    },
    clearTimeout: (handle) => void callbacks.delete(handle as number),
    fire: () => {
      for (const callback of callbacks.values()) callback();
      callbacks.clear();
    },
    pending: () => callbacks.size,
  };
}

const never = new Promise<void>(() => undefined);

describe('keeping the queue of incoming call events moving', () => {
  it('waits for a handler that settles, and leaves no timer behind', async () => {
    const timers = manualTimers();
    await expect(settleOrMoveOn(Promise.resolve(), { timers, onError: () => undefined })).resolves.toBe('settled');
    expect(timers.pending()).toBe(0);
  });

  it('logs a handler that fails, and goes on', async () => {
    const errors: unknown[] = [];
    const outcome = await settleOrMoveOn(Promise.reject(new Error('boom')), {
      timers: manualTimers(),
      onError: (error) => errors.push(error),
    });
    expect(outcome).toBe('failed');
    expect(String(errors[0])).toContain('boom');
  });

  it('moves on when the event’s call ends while the handler still waits on the closed connection', async () => {
    let end: () => void = () => undefined;
    const callEnded = new Promise<void>((resolve) => (end = resolve));
    const guarded = settleOrMoveOn(never, { callEnded, timers: manualTimers(), onError: () => undefined });
    end();
    await expect(guarded).resolves.toBe('call-ended');
  });

  it('moves on at the limit when nothing ends the wait, and still hears of a late failure', async () => {
    const timers = manualTimers();
    const errors: unknown[] = [];
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<void>((_resolve, reject) => (fail = reject));
    const guarded = settleOrMoveOn(work, { timers, onError: (error) => errors.push(error) });
    timers.fire();
    await expect(guarded).resolves.toBe('timed-out');
    fail(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toHaveLength(1);
  });
});
