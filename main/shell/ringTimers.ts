/**
 * Ring expiry timers, kept in main: a hidden window's timers are throttled, and a ring
 * that outlives its invite would let a person "answer" a call that no longer exists.
 */
import type { RingStopReason } from './ringPolicy.js';

/** Opaque to this module: whatever the scheduler's setTimeout returns. */
export type TimerHandle = unknown;

export interface Scheduler {
  /** Wall-clock time in epoch ms, the clock `expiresAt` is measured on. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface RingTimers {
  /** Starts (or, for a call already ringing, moves) the expiry of a ring. */
  start(callId: string, expiresAt: number): void;
  /** Stops a ring's timer. Returns false, and does nothing, when the call was not ringing. */
  stop(callId: string, reason: RingStopReason): boolean;
  isRinging(callId: string): boolean;
  /** The calls that are ringing now, oldest first. */
  ringing(): string[];
  /** Stops every timer without reporting expiry (app quitting). */
  dispose(): void;
}

export interface RingTimerOptions {
  scheduler: Scheduler;
  /** Called exactly once per ring that reaches its expiry without being stopped. */
  onExpired: (callId: string) => void;
}

/**
 * Node's setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days); longer
 * waits are done in steps.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface Entry {
  expiresAt: number;
  handle: TimerHandle;
}

export function createRingTimers({ scheduler, onExpired }: RingTimerOptions): RingTimers {
  const entries = new Map<string, Entry>();

  const arm = (callId: string, entry: Entry): void => {
    const delay = Math.min(Math.max(0, entry.expiresAt - scheduler.now()), MAX_TIMER_DELAY_MS);
    entry.handle = scheduler.setTimeout(() => fire(callId, entry), delay);
  };

  const fire = (callId: string, entry: Entry): void => {
    // A timer of an earlier start() of the same call, moved or stopped since.
    if (entries.get(callId) !== entry) return;
    // Timers can fire early (a long wait done in steps, the wall clock set back): wait on.
    if (scheduler.now() < entry.expiresAt) {
      arm(callId, entry);
      return;
    }
    entries.delete(callId);
    onExpired(callId);
  };

  return {
    start(callId, expiresAt) {
      const existing = entries.get(callId);
      if (existing !== undefined) scheduler.clearTimeout(existing.handle);
      const entry: Entry = { expiresAt, handle: undefined };
      entries.set(callId, entry);
      arm(callId, entry);
    },
    stop(callId) {
      const entry = entries.get(callId);
      if (entry === undefined) return false;
      scheduler.clearTimeout(entry.handle);
      entries.delete(callId);
      return true;
    },
    isRinging: (callId) => entries.has(callId),
    ringing: () => [...entries.keys()],
    dispose() {
      for (const entry of entries.values()) scheduler.clearTimeout(entry.handle);
      entries.clear();
    },
  };
}
