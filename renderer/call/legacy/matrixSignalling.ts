/**
 * The call engine's link to Matrix through the renderer's MatrixSession: sending call
 * events (encrypted by matrix-js-sdk in encrypted rooms), describing rooms for the ringing
 * rules, and TURN credentials from the homeserver.
 */
import { KnownMembership, MatrixError } from 'matrix-js-sdk';
import type { MatrixSession } from '../../matrix/matrixSession.js';
import type { CallSignalling } from '../contract.js';
import { parseTurnReply, type TurnFetchResult } from '../turnServers.js';

export function matrixSignalling(session: MatrixSession): CallSignalling {
  const client = session.client;
  return {
    userId: session.session.userId,
    deviceId: session.session.deviceId,
    send: async (roomId, type, content) => {
      await session.sendCallEvent(roomId, type, content);
    },
    room: (roomId) => {
      const room = client.getRoom(roomId);
      if (room === null) return null;
      const members = room
        .getMembers()
        .filter((m) => m.membership === KnownMembership.Join || m.membership === KnownMembership.Invite);
      const others = members.filter((m) => m.userId !== session.session.userId);
      return {
        joinRule: room.getJoinRule() ?? null,
        memberCount: room.getJoinedMemberCount(),
        peerUserId: others.length === 1 ? (others[0]?.userId ?? null) : null,
      };
    },
  };
}

export async function fetchTurnServers(session: MatrixSession): Promise<TurnFetchResult> {
  try {
    const reply = parseTurnReply(await session.client.turnServer());
    return reply === null ? { kind: 'none' } : { kind: 'ok', reply };
  } catch (error) {
    if (error instanceof MatrixError) {
      if (error.httpStatus === 404 || error.errcode === 'M_NOT_FOUND') return { kind: 'none' };
      const retry = error.data.retry_after_ms;
      return typeof retry === 'number'
        ? { kind: 'failed', retryAfterMs: retry, error: error.message }
        : { kind: 'failed', error: error.message };
    }
    return { kind: 'failed', error: String(error) };
  }
}
