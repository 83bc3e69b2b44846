/**
 * Keeps a queue of incoming call events moving. Events are handled one after another, in
 * order, and a handler may await WebRTC: but a closed RTCPeerConnection never settles the
 * promises of operations still queued on it, and a send may be retried for minutes through
 * an outage. One such await must not stop every later event in every room (no ringing, no
 * hang-up heard, until a restart). So each handler's wait ends when it settles, when its
 * call ends, or when the limit passes, whichever comes first; what it still does after that
 * goes on unawaited, its failure logged. Pure: no DOM, no SDK.
 */

/** How long one event may hold the queue: far above any real handling (tens of ms), far below a missed call. */
export const EVENT_LIMIT_MS = 10_000;

export type GuardOutcome = 'settled' | 'failed' | 'call-ended' | 'timed-out';

export interface GuardTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export async function settleOrMoveOn(
  work: Promise<void>,
  options: {
    /** Settles when the call the event belongs to ends (Call.ended). */
    callEnded?: Promise<void> | undefined;
    limitMs?: number;
    timers?: GuardTimers;
    /** The handler failed (now, or later after the queue moved on). */
    onError: (error: unknown) => void;
  },
): Promise<GuardOutcome> {
  const timers: GuardTimers = options.timers ?? {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
  let handle: unknown;
  const contenders: Promise<GuardOutcome>[] = [
    work.then(
      () => 'settled' as const,
      (error: unknown) => {
        options.onError(error);
        return 'failed' as const;
      },
    ),
    new Promise<GuardOutcome>((resolve) => {
      handle = timers.setTimeout(() => resolve('timed-out'), options.limitMs ?? EVENT_LIMIT_MS);
    }),
  ];
  if (options.callEnded !== undefined) contenders.push(options.callEnded.then(() => 'call-ended' as const));
  try {
    return await Promise.race(contenders);
  } finally {
    timers.clearTimeout(handle);
  }
}
