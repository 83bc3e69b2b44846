import { describe, expect, it } from 'vitest';
import { HeldResponseParts } from './heldResponseParts.js';

function timers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    pending,
    timers: {
      setTimeout: (callback: () => void) => {
        pending.set(++next, callback);
        return next;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    fire: () => {
      for (const [handle, callback] of [...pending]) {
        pending.delete(handle);
        callback();
      }
    },
  };
}

describe('the parts of large replies, waiting for the window', () => {
  it('hands each part over once, and forgets the reply when all are read', () => {
    const clock = timers();
    const held = new HeldResponseParts({ keepMs: 30_000, scheduler: clock.timers });
    held.hold('r1', ['b', 'c']);
    expect(held.take('r1', 1)).toBe('b');
    expect(held.take('r1', 1)).toBeNull();
    expect(held.take('r1', 3)).toBeNull();
    expect(held.take('r1', 2)).toBe('c');
    expect(held.size).toBe(0);
    expect(clock.pending.size).toBe(0);
  });

  it('drops what is not read in time (the window reloaded), and what is aborted', () => {
    const clock = timers();
    const held = new HeldResponseParts({ keepMs: 30_000, scheduler: clock.timers });
    held.hold('r1', ['b']);
    held.hold('r2', ['x']);
    clock.fire();
    expect(held.take('r1', 1)).toBeNull();
    held.hold('r3', ['y']);
    held.drop('r3');
    expect(held.take('r3', 1)).toBeNull();
    expect(held.size).toBe(0);
  });

  it('keeps nothing for a reply that fits in one part, and knows only the requests it was given', () => {
    const clock = timers();
    const held = new HeldResponseParts({ keepMs: 30_000, scheduler: clock.timers });
    held.hold('r1', []);
    expect(held.size).toBe(0);
    expect(held.take('other', 1)).toBeNull();
  });
});
