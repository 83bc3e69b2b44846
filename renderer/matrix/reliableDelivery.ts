/**
 * Call events that must reach the other side even when the homeserver is down for a while:
 * a hang-up (or the other person's call goes on ringing or "connected" until it times out),
 * a reject, a select_answer. They are retried with the same transaction ID — so the
 * homeserver stores each exactly once, however many tries it took — until delivered, until
 * the homeserver refuses for good, or until they no longer mean anything. Pure rules and a
 * loop over injected attempts: no SDK, no timers of its own.
 */

/** How long each must-deliver event still means something; null: sent once, as any other. */
export function deliveryWindowMs(type: string): number | null {
  switch (type) {
    // The other side ends a call whose media is gone within about a minute of ICE failing,
    // but a ringing call or one on hold waits longer: a hang-up is worth delivering for a while.
    case 'm.call.hangup':
      return 10 * 60_000;
    // Both answer a ringing invite, whose lifetime is at most a few minutes.
    case 'm.call.reject':
    case 'm.call.select_answer':
      return 3 * 60_000;
    default:
      return null;
  }
}

export type SendFailure =
  /** The homeserver answered and will not take it (403, 400…): trying again changes nothing. */
  | { kind: 'refused'; status: number }
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** No answer, or a server error: the homeserver may be restarting. */
  | { kind: 'unreachable' };

/** The wait before the next try, or null to give up. */
export function nextDeliveryAttemptMs(
  failure: SendFailure,
  attempt: number,
  sinceMs: number,
  windowMs: number,
): number | null {
  if (failure.kind === 'refused') return null;
  const backoff = Math.min(500 * 2 ** Math.max(0, attempt), 10_000);
  const wait = failure.kind === 'rate-limited' ? Math.max(failure.retryAfterMs, 100) : backoff;
  return sinceMs + wait <= windowMs ? wait : null;
}

export interface DeliveryLoop {
  /** The first send (it picks the transaction ID); resolves with the event ID. */
  first: () => Promise<string>;
  /** The same event again, same transaction ID. */
  again: () => Promise<string>;
  classify: (error: unknown) => SendFailure;
  windowMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** Sends until delivered; rethrows the last failure once giving up. */
export async function deliver(loop: DeliveryLoop): Promise<string> {
  const startedAt = loop.now();
  let attempt = 0;
  let send = loop.first;
  for (;;) {
    try {
      const eventId = await send();
      if (attempt > 0) loop.log('delivered after retrying', { tries: attempt + 1, ms: loop.now() - startedAt });
      return eventId;
    } catch (error) {
      const failure = loop.classify(error);
      const wait = nextDeliveryAttemptMs(failure, attempt, loop.now() - startedAt, loop.windowMs);
      if (wait === null) {
        loop.log('giving up on delivering', { tries: attempt + 1, failure: failure.kind });
        throw error;
      }
      attempt += 1;
      send = loop.again;
      await loop.sleep(wait);
    }
  }
}
