/** What the window shows about the link to the homeserver. */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'syncing' }
  | { kind: 'reconnecting'; since: number; nextTryWithinMs: number; reason: string }
  | { kind: 'offline'; since: number }
  | { kind: 'signed-out' };

// matrix-js-sdk polls the homeserver again 2–10 s after a failed sync.
const SDK_RETRY_UPPER_BOUND_MS = 10_000;

/**
 * Maps matrix-js-sdk's sync states (null, PREPARED, SYNCING, CATCHUP, RECONNECTING,
 * ERROR, STOPPED) to the connection state the window shows.
 */
export function connectionFromSync(
  syncState: string | null,
  previous: ConnectionState,
  context: { online: boolean; now: number; errorMessage?: string },
): ConnectionState {
  const since = previous.kind === 'reconnecting' || previous.kind === 'offline' ? previous.since : context.now;
  switch (syncState) {
    case 'PREPARED':
    case 'SYNCING':
    case 'CATCHUP':
      return { kind: 'syncing' };
    case 'RECONNECTING':
    case 'ERROR':
      if (!context.online) return { kind: 'offline', since };
      return {
        kind: 'reconnecting',
        since,
        nextTryWithinMs: SDK_RETRY_UPPER_BOUND_MS,
        reason: context.errorMessage ?? 'the homeserver did not answer',
      };
    case 'STOPPED':
      return { kind: 'signed-out' };
    default:
      return { kind: 'connecting' };
  }
}
