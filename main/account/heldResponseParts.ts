/**
 * The parts of large replies that the window has yet to read (matrix.fetchPart), per
 * request. Each part is handed over once; a reply whose parts are not all read within
 * `keepMs` (the window reloaded, or gave up on the request) is dropped. Pure: the timer
 * is injected.
 */
import type { Scheduler, TimerHandle } from '../shell/ringTimers.js';

interface Held {
  /** Unread parts by number, from 1. */
  parts: Map<number, string>;
  timer: TimerHandle;
}

export class HeldResponseParts {
  readonly #held = new Map<string, Held>();
  readonly #scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout'>;
  readonly #keepMs: number;

  constructor(options: { keepMs: number; scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout'> }) {
    this.#keepMs = options.keepMs;
    this.#scheduler = options.scheduler;
  }

  /** Keeps the parts after the first, numbered 1…n as the window will ask for them. */
  hold(requestId: string, rest: readonly string[]): void {
    this.drop(requestId);
    if (rest.length === 0) return;
    const timer = this.#scheduler.setTimeout(() => this.#held.delete(requestId), this.#keepMs);
    this.#held.set(requestId, { parts: new Map(rest.map((part, i) => [i + 1, part])), timer });
  }

  /** Part `index` (from 1) of the request's reply, once; null if there is none to give. */
  take(requestId: string, index: number): string | null {
    const held = this.#held.get(requestId);
    const part = held?.parts.get(index);
    if (held === undefined || part === undefined) return null;
    held.parts.delete(index);
    if (held.parts.size === 0) this.drop(requestId);
    return part;
  }

  drop(requestId: string): void {
    const held = this.#held.get(requestId);
    if (held === undefined) return;
    this.#scheduler.clearTimeout(held.timer);
    this.#held.delete(requestId);
  }

  /** Requests with parts still unread. */
  get size(): number {
    return this.#held.size;
  }
}
