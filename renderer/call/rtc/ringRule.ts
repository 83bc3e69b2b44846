/**
 * Whether a MatrixRTC ring notification rings this device — the same promises as for a
 * legacy invite (legacy/protocol/invitePolicy.ts): nothing rings that is over, that the
 * caller has given up, that this person already dealt with on another device, or that
 * came in a catch-up batch before the first fresh sync.
 */
import type { RingNotification } from './events.js';

/** Below this much time left, a ring would stop before a hand reached the button. */
export const MIN_RTC_RING_MS = 3_000;
/** A sender_ts this far ahead of the homeserver's clock is not believed. */
export const MAX_SENDER_CLOCK_AHEAD_MS = 20_000;

export interface RtcRingFacts {
  readonly notification: RingNotification;
  readonly sender: string;
  readonly myUserId: string;
  /** The homeserver's timestamp of the notification. */
  readonly originServerTs: number;
  /** unsigned.age when it arrived (ms), or null. */
  readonly ageMs: number | null;
  /** Local ms since it arrived (a whole batch is read before ringing). */
  readonly msSinceArrival: number;
  readonly now: number;
  /** The room is a direct chat of two (Switchboard rings for 1:1 calls only). */
  readonly directChat: boolean;
  /** The caller has a live membership in the room's session. */
  readonly callerInSession: boolean;
  /** One of my devices already declined it (a decline referencing it, from me). */
  readonly declinedByMe: boolean;
  /** One of my devices is already in the room's session (answered elsewhere). */
  readonly joinedByMe: boolean;
  /** The batch is live (after start-up's first fresh sync), not catch-up. */
  readonly live: boolean;
}

export type RtcRingDecision =
  | { ring: true; video: boolean; expiresAt: number }
  | {
      ring: false;
      reason:
        | 'own-notification'
        | 'not-a-ring'
        | 'not-for-me'
        | 'not-a-direct-chat'
        | 'expired'
        | 'too-short'
        | 'caller-left'
        | 'declined-here'
        | 'answered-elsewhere'
        | 'catching-up';
      /** Worth a "missed call" in history: it rang for me while I could not answer. */
      missed: boolean;
    };

/** How long the notification has already rung when this device reads it. */
export function elapsedMs(
  facts: Pick<RtcRingFacts, 'notification' | 'originServerTs' | 'ageMs' | 'msSinceArrival' | 'now'>,
): number {
  const { notification, originServerTs } = facts;
  // From when the caller pressed Call, as far as the server's clock allows believing it.
  const basis =
    notification.senderTs !== null && notification.senderTs <= originServerTs + MAX_SENDER_CLOCK_AHEAD_MS
      ? Math.min(notification.senderTs, originServerTs)
      : originServerTs;
  const sinceServer =
    facts.ageMs !== null && facts.ageMs >= 0 ? facts.ageMs + facts.msSinceArrival : facts.now - originServerTs;
  return Math.max(0, originServerTs - basis) + Math.max(0, sinceServer);
}

export function decideRtcRing(facts: RtcRingFacts): RtcRingDecision {
  const no = (reason: Extract<RtcRingDecision, { ring: false }>['reason'], missed = false): RtcRingDecision => ({
    ring: false,
    reason,
    missed,
  });
  const { notification } = facts;
  if (facts.sender === facts.myUserId) return no('own-notification');
  if (notification.type !== 'ring') return no('not-a-ring');
  if (!notification.mentionsRoom && !notification.mentionedUsers.includes(facts.myUserId)) return no('not-for-me');
  if (!facts.directChat) return no('not-a-direct-chat');
  if (facts.declinedByMe) return no('declined-here');
  if (facts.joinedByMe) return no('answered-elsewhere');
  const remaining = notification.lifetimeMs - elapsedMs(facts);
  if (remaining <= 0) return no('expired', true);
  if (!facts.callerInSession) return no('caller-left', true);
  if (!facts.live) return no('catching-up');
  if (remaining < MIN_RTC_RING_MS) return no('too-short', true);
  return { ring: true, video: notification.intent === 'video', expiresAt: facts.now + remaining };
}
