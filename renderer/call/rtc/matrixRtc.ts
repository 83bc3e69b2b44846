/**
 * The MatrixRTC engine's Matrix side over matrix-js-sdk: the room's session memberships
 * read from room state and validated here (events.ts), joining with the SDK's
 * MatrixRTCSession (our membership, its delayed leave kept alive, the media keys over
 * Olm-encrypted to-device), the decline, and the LiveKit services the homeserver advertises.
 */
import {
  ClientPrefix,
  KnownMembership,
  Method,
  RoomStateEvent,
  type MatrixClient,
  type MatrixEvent,
} from 'matrix-js-sdk';
import { MatrixRTCSessionEvent } from 'matrix-js-sdk/lib/matrixrtc/index.js';
import type { EngineLog } from '../contract.js';
import { parseMembership, RTC_DECLINE_EVENT, RTC_MEMBER_EVENT, type RtcMembership } from './events.js';
import type { RtcJoinedSession, RtcMatrix, RtcMediaKey } from './rtcPorts.js';
import { checkMediaKey } from './mediaKeyCheck.js';
import { DELAYED_LEAVE_MS } from './rtcTimings.js';

export function matrixRtc(client: MatrixClient, log: EngineLog, now: () => number = Date.now): RtcMatrix {
  const userId = client.getSafeUserId();
  const deviceId = client.getDeviceId() ?? '';
  const refused = new Set<string>();
  /** A leave still on its way, per room: a new join waits for it (else the session sees us still in). */
  const leaving = new Map<string, Promise<void>>();

  /** Resolves once this device's membership is gone from the room's state (or after `ms`). */
  function untilOwnMembershipGone(roomId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const gone = () =>
        !(client.getRoom(roomId)?.currentState.getStateEvents(RTC_MEMBER_EVENT) ?? []).some((event) => {
          const membership = parsed(event);
          return membership !== null && membership.userId === userId && membership.deviceId === deviceId;
        });
      if (gone()) return resolve();
      const timer = setTimeout(finish, ms);
      function onState(event: MatrixEvent) {
        if (event.getRoomId() === roomId && gone()) finish();
      }
      function finish() {
        clearTimeout(timer);
        client.off(RoomStateEvent.Events, onState);
        resolve();
      }
      client.on(RoomStateEvent.Events, onState);
    });
  }
  let advertised: Promise<readonly string[]> | null = null;

  function parsed(event: MatrixEvent): RtcMembership | null {
    const result = parseMembership({
      stateKey: event.getStateKey() ?? '',
      sender: event.getSender() ?? '',
      content: event.getContent(),
      originServerTs: event.getTs(),
    });
    if (!result.ok) {
      const id = event.getId() ?? '';
      if (!refused.has(id)) {
        refused.add(id);
        log.warn('rtc: dropped a session membership', { eventId: id, reason: result.reason });
      }
      return null;
    }
    return result.value.kind === 'joined' ? result.value.membership : null;
  }

  return {
    userId,
    deviceId,
    room(roomId) {
      const room = client.getRoom(roomId);
      if (room === null) return null;
      const members = room
        .getMembers()
        .filter((m) => m.membership === KnownMembership.Join || m.membership === KnownMembership.Invite);
      const others = members.filter((m) => m.userId !== userId);
      return {
        directChat: members.length === 2 && others.length === 1,
        peerUserId: others.length === 1 ? (others[0]?.userId ?? null) : null,
      };
    },
    memberships(roomId) {
      const room = client.getRoom(roomId);
      if (room === null) return [];
      const at = now();
      return room.currentState
        .getStateEvents(RTC_MEMBER_EVENT)
        .map(parsed)
        .filter((m): m is RtcMembership => m !== null && (m.expiresAt === null || m.expiresAt > at));
    },
    canJoin(roomId) {
      return client.getRoom(roomId)?.currentState.maySendStateEvent(RTC_MEMBER_EVENT, userId) ?? false;
    },
    onMembershipsChanged(listener) {
      const onState = (event: MatrixEvent) => {
        const roomId = event.getRoomId();
        if (event.getType() === RTC_MEMBER_EVENT && roomId !== undefined) listener(roomId);
      };
      client.on(RoomStateEvent.Events, onState);
      return () => client.off(RoomStateEvent.Events, onState);
    },
    advertisedServices() {
      advertised ??= client.http
        .authedRequest<{ rtc_transports?: unknown }>(
          Method.Get,
          '/org.matrix.msc4143/rtc/transports',
          undefined,
          undefined,
          {
            prefix: ClientPrefix.Unstable,
          },
        )
        .then((reply) => servicesOf(reply.rtc_transports))
        .catch((error: unknown) => {
          advertised = null;
          log.warn('rtc: the homeserver advertises no LiveKit service', { error: String(error) });
          return [];
        });
      return advertised;
    },
    async join(roomId, { serviceUrl, intent, ring }) {
      await leaving.get(roomId);
      const room = client.getRoom(roomId);
      if (room === null) throw new Error('not in that room');
      const session = client.matrixRTC.getRoomSession(room);
      const transport = { type: 'livekit', livekit_service_url: serviceUrl, livekit_alias: roomId };
      const keys: RtcMediaKey[] = [];
      const keyListeners = new Set<(key: RtcMediaKey) => void>();
      const failureListeners = new Set<(reason: string) => void>();
      const ringListeners = new Set<(eventId: string) => void>();
      let ringSent: string | null = null;
      const onRingSent = (content: { event_id: string }) => {
        ringSent = content.event_id;
        for (const listener of ringListeners) listener(content.event_id);
      };
      const onKey = (key: Uint8Array, index: number, _membership: unknown, identity: string) => {
        const checked = checkMediaKey({ key, index, identity });
        if (!checked.ok) {
          log.warn('rtc: dropped a media key', { reason: checked.reason });
          return;
        }
        keys.push(checked.value);
        for (const listener of keyListeners) listener(checked.value);
      };
      const onError = (error: unknown) => {
        for (const listener of failureListeners) listener(String(error));
      };
      session.on(MatrixRTCSessionEvent.EncryptionKeyChanged, onKey);
      session.on(MatrixRTCSessionEvent.MembershipManagerError, onError);
      session.on(MatrixRTCSessionEvent.DidSendCallNotification, onRingSent);
      session.joinRoomSession([transport], transport, {
        manageMediaKeys: true,
        callIntent: intent,
        delayedLeaveEventDelayMs: DELAYED_LEAVE_MS,
        ...(ring === undefined ? {} : { notificationType: 'ring', notificationLifetimeMs: ring.lifetimeMs }),
      });
      const joined: RtcJoinedSession = {
        identity: `${userId}:${deviceId}`,
        onKey(listener) {
          for (const key of keys) listener(key);
          keyListeners.add(listener);
          return () => keyListeners.delete(listener);
        },
        onFailure(listener) {
          failureListeners.add(listener);
          return () => failureListeners.delete(listener);
        },
        onRingSent(listener) {
          if (ringSent !== null) listener(ringSent);
          ringListeners.add(listener);
          return () => ringListeners.delete(listener);
        },
        async leave() {
          session.off(MatrixRTCSessionEvent.EncryptionKeyChanged, onKey);
          session.off(MatrixRTCSessionEvent.MembershipManagerError, onError);
          session.off(MatrixRTCSessionEvent.DidSendCallNotification, onRingSent);
          ringListeners.clear();
          keyListeners.clear();
          failureListeners.clear();
          const left = session
            .leaveRoomSession(5_000)
            .then(() => untilOwnMembershipGone(roomId, 5_000))
            .finally(() => {
              if (leaving.get(roomId) === left) leaving.delete(roomId);
            });
          leaving.set(roomId, left);
          await left;
        },
      };
      return joined;
    },
    async sendDecline(roomId, notificationEventId) {
      await client.sendEvent(
        roomId,
        RTC_DECLINE_EVENT as never,
        {
          'm.relates_to': { rel_type: 'm.reference', event_id: notificationEventId },
        } as never,
      );
    },
  };
}

function servicesOf(transports: unknown): string[] {
  if (!Array.isArray(transports)) return [];
  const urls: string[] = [];
  for (const entry of transports.slice(0, 8)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (record.type === 'livekit' && typeof record.livekit_service_url === 'string') {
      urls.push(record.livekit_service_url);
    }
  }
  return urls;
}
