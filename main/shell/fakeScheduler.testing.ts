import type { Scheduler, TimerHandle } from './ringTimers.js';

/**
 * A scheduler for tests: time moves only when the test calls `advance`, and timers fire
 * in due order, as Node's would.
 */
export interface FakeScheduler extends Scheduler {
  advance(ms: number): void;
  /** Moves the wall clock without running timers (the system clock being set). */
  setWallClock(epochMs: number): void;
  pendingTimers(): number;
  /** Every delay ever passed to setTimeout, in order. */
  readonly delays: number[];
}

interface Timer {
  id: number;
  dueAt: number;
  fn: () => void;
}

export function createFakeScheduler(startAt: number): FakeScheduler {
  let wallClock = startAt;
  // Timers run on their own monotonic clock, like Node's: moving the wall clock does not fire them.
  let monotonic = 0;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const delays: number[] = [];

  return {
    delays,
    now: () => wallClock,
    setTimeout(fn, ms) {
      delays.push(ms);
      const timer: Timer = { id: nextId++, dueAt: monotonic + Math.max(1, ms), fn };
      timers.set(timer.id, timer);
      return timer.id;
    },
    clearTimeout(handle: TimerHandle) {
      if (typeof handle === 'number') timers.delete(handle);
    },
    advance(ms) {
      const target = monotonic + ms;
      for (;;) {
        const due = [...timers.values()]
          .filter((timer) => timer.dueAt <= target)
          .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0];
        if (due === undefined) break;
        wallClock += due.dueAt - monotonic;
        monotonic = due.dueAt;
        timers.delete(due.id);
        due.fn();
      }
      wallClock += target - monotonic;
      monotonic = target;
    },
    setWallClock(epochMs) {
      wallClock = epochMs;
    },
    pendingTimers: () => timers.size,
  };
}
