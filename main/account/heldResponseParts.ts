/**
 * The parts of large replies that the window has yet to read (matrix.fetchPart), per
 * request. Each part is handed over once; a reply whose parts are not all read within
 * `keepMs` (the window reloaded, or gave up on the request) is dropped. Pure: the timer
 * is injected.
 */
export interface PartTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Held {
  parts: (string | null)[];
  left: number;
  timer: unknown;
}

export class HeldResponseParts {
  readonly #held = new Map<string, Held>();
  readonly #timers: PartTimers;
  readonly #keepMs: number;

  constructor(options: { keepMs: number; timers: PartTimers }) {
    this.#keepMs = options.keepMs;
    this.#timers = options.timers;
  }

  /** Keeps the parts after the first, numbered 1…n as the window will ask for them. */
  hold(requestId: string, rest: readonly string[]): void {
    this.drop(requestId);
    if (rest.length === 0) return;
    const timer = this.#timers.setTimeout(() => this.#held.delete(requestId), this.#keepMs);
    this.#held.set(requestId, { parts: [...rest], left: rest.length, timer });
  }

  /** Part `index` (from 1) of the request's reply, once; null if there is none to give. */
  take(requestId: string, index: number): string | null {
    const held = this.#held.get(requestId);
    const part = held?.parts[index - 1];
    if (held === undefined || part === undefined || part === null) return null;
    held.parts[index - 1] = null;
    held.left -= 1;
    if (held.left === 0) this.drop(requestId);
    return part;
  }

  drop(requestId: string): void {
    const held = this.#held.get(requestId);
    if (held === undefined) return;
    this.#timers.clearTimeout(held.timer);
    this.#held.delete(requestId);
  }

  /** Requests with parts still unread. */
  get size(): number {
    return this.#held.size;
  }
}
