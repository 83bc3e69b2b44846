/**
 * Whether an incoming invite should ring: who it is for, which rooms may ring, and whether
 * enough of its lifetime is left for a person to answer.
 */

/**
 * Less than this left and we do not ring: seeing the call, reaching the window and clicking
 * takes a person about 2–3 s, and answering (microphone, answer SDP, sending it) about 1–2 s
 * more. A ring that cannot be answered only leaves a "missed call" flash.
 */
export const MIN_RING_LIFETIME_MS = 5_000;

/**
 * For a negotiate without a usable lifetime (invites without one are refused when parsed):
 * the shortest lifetime current clients send (Element, FluffyChat).
 */
export const ASSUMED_LIFETIME_MS = 60_000;

/**
 * We honour at most this much lifetime, so an invite claiming days of validity cannot ring
 * from history on start-up. Generous next to what clients send (60–120 s).
 */
export const MAX_HONOURED_LIFETIME_MS = 5 * 60_000;

/** The lifetime we go by for a parsed event's `lifetimeMs`. */
export function effectiveLifetime(lifetimeMs: number | null): number {
  if (lifetimeMs === null) return ASSUMED_LIFETIME_MS;
  return Math.min(lifetimeMs, MAX_HONOURED_LIFETIME_MS);
}

/**
 * Milliseconds of validity left: lifetime minus the sync response's `age` minus the time since
 * we received the event. Using `age` rather than origin_server_ts keeps wrong device clocks
 * out of it. Never negative; any non-finite input means nothing is left.
 */
export function remainingLifetime(lifetimeMs: number, ageMs: number, msSinceArrival: number): number {
  if (!Number.isFinite(lifetimeMs) || !Number.isFinite(ageMs) || !Number.isFinite(msSinceArrival)) return 0;
  return Math.max(0, lifetimeMs - Math.max(0, ageMs) - Math.max(0, msSinceArrival));
}

/** Enough left for a person to answer. */
export function shouldRing(remainingMs: number): boolean {
  return remainingMs >= MIN_RING_LIFETIME_MS;
}

/**
 * An invite without invitee is for any member other than its sender, so an invite our own
 * user sent from another device to someone else is not for us; one naming us is, even when
 * we sent it (calling one of our own devices).
 */
export function isInviteForUs(invite: { invitee: string | null; sender: string }, ourUserId: string): boolean {
  return invite.invitee === null ? invite.sender !== ourUserId : invite.invitee === ourUserId;
}

export interface RoomSummary {
  /** The room's m.room.join_rules join_rule, or null when unknown. */
  readonly joinRule: string | null;
  /** Joined members, including us (m.joined_member_count). */
  readonly memberCount: number;
}

export type RoomRefusal = 'public-room' | 'not-one-to-one';

/**
 * Public rooms do not ring (anyone could call us through them); calls belong in rooms with
 * exactly one other member, or a third member could intercept the call.
 */
export function checkRoom(room: RoomSummary): RoomRefusal | null {
  if (room.joinRule === 'public') return 'public-room';
  if (room.memberCount !== 2) return 'not-one-to-one';
  return null;
}

export interface RingCheck {
  readonly invite: { readonly invitee: string | null; readonly lifetimeMs: number | null };
  readonly sender: string;
  readonly ourUserId: string;
  readonly room: RoomSummary;
  /** `unsigned.age` from the sync response; null if the server gave none. */
  readonly ageMs: number | null;
  readonly msSinceArrival: number;
  /** A sync with the homeserver has completed since start-up. */
  readonly syncedSinceStartup: boolean;
}

export type RingDecision =
  | { ring: true; remainingMs: number }
  | {
      ring: false;
      /**
       * 'awaiting-sync' defers (check again once a sync has completed); every other reason is
       * final and may be shown in the room as an ignored call.
       */
      reason: 'not-for-us' | RoomRefusal | 'expired' | 'too-late-to-answer' | 'awaiting-sync';
    };

/**
 * The ring decision for one invite, after the sync batch rule (syncBatch) and with our own
 * echoes already filtered (parties.isOwnEcho). Without `age` we count from arrival only.
 */
export function decideRing(check: RingCheck): RingDecision {
  if (!isInviteForUs({ invitee: check.invite.invitee, sender: check.sender }, check.ourUserId)) {
    return { ring: false, reason: 'not-for-us' };
  }
  const roomRefusal = checkRoom(check.room);
  if (roomRefusal !== null) return { ring: false, reason: roomRefusal };
  const remainingMs = remainingLifetime(
    effectiveLifetime(check.invite.lifetimeMs),
    check.ageMs ?? 0,
    check.msSinceArrival,
  );
  if (remainingMs === 0) return { ring: false, reason: 'expired' };
  if (!shouldRing(remainingMs)) return { ring: false, reason: 'too-late-to-answer' };
  if (!check.syncedSinceStartup) return { ring: false, reason: 'awaiting-sync' };
  return { ring: true, remainingMs };
}
