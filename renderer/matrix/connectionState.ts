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

/**
 * Why a new call cannot be placed now, or null: with the homeserver unreachable an invite
 * could not go out, and one sent minutes later, when the link is back, would ring someone
 * by surprise. The person is told at once instead.
 */
export function placingRefusedBy(connection: ConnectionState): string | null {
  switch (connection.kind) {
    case 'reconnecting':
      return 'Your homeserver cannot be reached right now, so the call cannot be placed. Try again once Switchboard is ready for calls.';
    case 'offline':
      return 'You are offline, so the call cannot be placed.';
    case 'signed-out':
      return 'Sign in to place calls.';
    default:
      return null;
  }
}
