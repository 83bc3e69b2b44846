/**
 * What Switchboard accepts of MatrixRTC (Element Call, Element X) from the network: a
 * device's session membership (the `org.matrix.msc3401.call.member` state event, and the
 * newer `org.matrix.msc4143.rtc.member` sticky form), the ring notification
 * (`org.matrix.msc4075.rtc.notification`), the decline (`org.matrix.msc4310.rtc.decline`)
 * and the media keys (`io.element.call.encryption_keys`, to-device). Each is checked and
 * normalised to our own shape, bounded everywhere; anything else is refused with a reason
 * and changes nothing. Field names follow matrix-js-sdk 43's src/matrixrtc, the code that
 * runs on the network (docs/matrixrtc.md).
 */
import { isPlainRecord, ownValue, type PlainRecord } from '../legacy/protocol/plainRecord.js';

export const RTC_MEMBER_EVENT = 'org.matrix.msc3401.call.member';
export const RTC_STICKY_MEMBER_EVENT = 'org.matrix.msc4143.rtc.member';
export const RTC_NOTIFICATION_EVENT = 'org.matrix.msc4075.rtc.notification';
export const RTC_DECLINE_EVENT = 'org.matrix.msc4310.rtc.decline';
export const RTC_KEYS_TO_DEVICE = 'io.element.call.encryption_keys';
/** The one slot a room's call lives in (application m.call, scope the room). */
export const ROOM_CALL_SLOT = 'm.call#ROOM';

const MAX_ID = 255;
const MAX_URL = 2048;
const MAX_FOCI = 8;
/** What a membership may say about its own lifetime: at most a day (the SDK uses 4 hours). */
const MAX_EXPIRES_MS = 24 * 60 * 60 * 1000;
/** Ring lifetimes are capped by receivers (the SDK: 2 minutes). */
export const MAX_RING_LIFETIME_MS = 120_000;
/** Element Call's default ring lifetime. */
export const DEFAULT_RING_LIFETIME_MS = 90_000;

export type CallIntent = 'audio' | 'video';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const refuse = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const USER_ID = /^@[\x21-\x39\x3b-\x7e]+:[\x21-\x7e]+$/;
const EVENT_ID = /^\$[\x21-\x7e]+$/;
const ROOM_ID = /^![\x21-\x7e]+$/;
const DEVICE_ID = /^[\x21-\x7e]+$/;

function string(record: PlainRecord, key: string, max = MAX_ID): string | null {
  const value = ownValue(record, key);
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

function finiteNumber(record: PlainRecord, key: string): number | null {
  const value = ownValue(record, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function intent(record: PlainRecord): CallIntent | null {
  const value = ownValue(record, 'm.call.intent');
  return value === 'audio' || value === 'video' ? value : null;
}

/** A LiveKit service URL: https, or http on loopback (tests, a local SFU). */
export function isServiceUrl(raw: string): boolean {
  const url = URL.parse(raw);
  if (url === null || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost')
  );
}

export interface LivekitFocus {
  readonly type: 'livekit';
  readonly serviceUrl: string;
}

function foci(value: unknown): LivekitFocus[] {
  if (!Array.isArray(value)) return [];
  const found: LivekitFocus[] = [];
  for (const entry of value.slice(0, MAX_FOCI)) {
    if (!isPlainRecord(entry) || ownValue(entry, 'type') !== 'livekit') continue;
    const url = string(entry, 'livekit_service_url', MAX_URL);
    if (url !== null && isServiceUrl(url)) found.push({ type: 'livekit', serviceUrl: url });
  }
  return found;
}

/** One device in a room's call session. */
export interface RtcMembership {
  readonly userId: string;
  readonly deviceId: string;
  /** The member ID its keys and LiveKit identity refer to. */
  readonly memberId: string;
  readonly intent: CallIntent | null;
  readonly foci: readonly LivekitFocus[];
  /** Epoch ms from which the membership counts (created_ts, else the event's time). */
  readonly createdAt: number;
  /** Epoch ms after which it no longer counts (null: the sticky form, which lives as long as its event). */
  readonly expiresAt: number | null;
}

export type MembershipUpdate =
  { kind: 'joined'; membership: RtcMembership } | { kind: 'left'; userId: string; deviceId: string };

/**
 * The legacy session-state form: state key `_{userId}_{deviceId}_m.call` (or without the
 * leading underscore), content `{ application: "m.call", call_id: "", scope: "m.room",
 * device_id, expires, … }`; an empty content is a leave.
 */
export function parseMembership(input: {
  stateKey: string;
  sender: string;
  content: unknown;
  originServerTs: number;
}): Parsed<MembershipUpdate> {
  const { stateKey, sender, content } = input;
  if (!USER_ID.test(sender) || sender.length > MAX_ID) return refuse('the sender is not a user ID');
  const prefix = stateKey.startsWith('_') ? `_${sender}_` : `${sender}_`;
  if (!stateKey.startsWith(prefix) || !stateKey.endsWith('_m.call')) {
    return refuse('the state key is not this sender’s m.call membership');
  }
  const keyDevice = stateKey.slice(prefix.length, -'_m.call'.length);
  if (!DEVICE_ID.test(keyDevice) || keyDevice.length > MAX_ID) return refuse('the state key names no device');
  if (!isPlainRecord(content)) return refuse('content is not an object');
  if (Object.keys(content).length === 0) return ok({ kind: 'left', userId: sender, deviceId: keyDevice });
  if (ownValue(content, 'application') !== 'm.call') return refuse('not an m.call membership');
  if (ownValue(content, 'scope') !== 'm.room' || ownValue(content, 'call_id') !== '') {
    return refuse('not the room’s call (scope m.room, call_id "")');
  }
  const deviceId = string(content, 'device_id');
  if (deviceId === null || deviceId !== keyDevice) return refuse('device_id does not match the state key');
  const expires = finiteNumber(content, 'expires');
  if (expires === null || expires <= 0 || expires > MAX_EXPIRES_MS) return refuse('expires is missing or out of range');
  const created = finiteNumber(content, 'created_ts');
  const createdAt = created !== null && created > 0 ? created : input.originServerTs;
  const memberId = string(content, 'membershipID') ?? `${sender}:${deviceId}`;
  return ok({
    kind: 'joined',
    membership: {
      userId: sender,
      deviceId,
      memberId,
      intent: intent(content),
      foci: foci(ownValue(content, 'foci_preferred')),
      createdAt,
      expiresAt: createdAt + expires,
    },
  });
}

/** The newer sticky form (MSC4354): `{ slot_id, member: { user_id, device_id, id }, application: { type } }`. */
export function parseStickyMembership(input: {
  sender: string;
  content: unknown;
  originServerTs: number;
}): Parsed<MembershipUpdate> {
  const { sender, content } = input;
  if (!USER_ID.test(sender) || sender.length > MAX_ID) return refuse('the sender is not a user ID');
  if (!isPlainRecord(content)) return refuse('content is not an object');
  if (ownValue(content, 'slot_id') !== ROOM_CALL_SLOT) return refuse('not the room’s call slot');
  const member = ownValue(content, 'member');
  const application = ownValue(content, 'application');
  if (!isPlainRecord(member)) return refuse('member is missing');
  const deviceId = string(member, 'device_id');
  if (deviceId === null || !DEVICE_ID.test(deviceId)) return refuse('member.device_id is missing');
  if (ownValue(member, 'user_id') !== sender) return refuse('member.user_id is not the sender');
  if (!isPlainRecord(application)) return ok({ kind: 'left', userId: sender, deviceId });
  if (ownValue(application, 'type') !== 'm.call') return refuse('not an m.call membership');
  const transports = ownValue(content, 'transports');
  return ok({
    kind: 'joined',
    membership: {
      userId: sender,
      deviceId,
      memberId: string(member, 'id') ?? `${sender}:${deviceId}`,
      intent: intent(content) ?? intent(application),
      foci: foci(isPlainRecord(transports) ? ownValue(transports, 'published') : undefined),
      createdAt: input.originServerTs,
      expiresAt: null,
    },
  });
}

export interface RingNotification {
  readonly type: 'ring' | 'notification';
  readonly mentionsRoom: boolean;
  readonly mentionedUsers: readonly string[];
  /** The caller's membership event it refers to. */
  readonly membershipEventId: string | null;
  /** When the caller pressed Call, by its clock (epoch ms); null when absent. */
  readonly senderTs: number | null;
  /** How long it rings, capped at MAX_RING_LIFETIME_MS. */
  readonly lifetimeMs: number;
  readonly intent: CallIntent | null;
}

export function parseRingNotification(content: unknown): Parsed<RingNotification> {
  if (!isPlainRecord(content)) return refuse('content is not an object');
  const type = ownValue(content, 'notification_type');
  if (type !== 'ring' && type !== 'notification') return refuse('notification_type is neither ring nor notification');
  const mentions = ownValue(content, 'm.mentions');
  let mentionsRoom = false;
  let mentionedUsers: string[] = [];
  if (isPlainRecord(mentions)) {
    mentionsRoom = ownValue(mentions, 'room') === true;
    const users = ownValue(mentions, 'user_ids');
    if (Array.isArray(users)) {
      mentionedUsers = users.slice(0, 64).filter((u): u is string => typeof u === 'string' && USER_ID.test(u));
    }
  }
  const relates = ownValue(content, 'm.relates_to');
  let membershipEventId: string | null = null;
  if (isPlainRecord(relates) && ownValue(relates, 'rel_type') === 'm.reference') {
    const id = string(relates, 'event_id');
    membershipEventId = id !== null && EVENT_ID.test(id) ? id : null;
  }
  const senderTs = finiteNumber(content, 'sender_ts');
  const lifetime = finiteNumber(content, 'lifetime');
  if (lifetime !== null && lifetime <= 0) return refuse('lifetime is not positive');
  return ok({
    type,
    mentionsRoom,
    mentionedUsers,
    membershipEventId,
    senderTs: senderTs !== null && senderTs > 0 ? senderTs : null,
    lifetimeMs: Math.min(lifetime ?? DEFAULT_RING_LIFETIME_MS, MAX_RING_LIFETIME_MS),
    intent: intent(content),
  });
}

/** A decline refers to the ring notification it turns down. */
export function parseDecline(content: unknown): Parsed<{ notificationEventId: string }> {
  if (!isPlainRecord(content)) return refuse('content is not an object');
  const relates = ownValue(content, 'm.relates_to');
  if (!isPlainRecord(relates) || ownValue(relates, 'rel_type') !== 'm.reference') {
    return refuse('a decline must reference the notification (m.reference)');
  }
  const id = string(relates, 'event_id');
  if (id === null || !EVENT_ID.test(id)) return refuse('the referenced event ID is malformed');
  return ok({ notificationEventId: id });
}

export interface MediaKey {
  readonly roomId: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly memberId: string;
  readonly index: number;
  /** The raw key bytes (16 in Element Call; 16–64 accepted). */
  readonly key: Uint8Array;
  readonly sentTs: number | null;
}

function base64Bytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length > 128) return null;
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** A to-device media key, as matrix-js-sdk's ToDeviceKeyTransport sends it (Olm-encrypted). */
export function parseMediaKey(input: { sender: string; content: unknown }): Parsed<MediaKey> {
  const { sender, content } = input;
  if (!USER_ID.test(sender) || sender.length > MAX_ID) return refuse('the sender is not a user ID');
  if (!isPlainRecord(content)) return refuse('content is not an object');
  const roomId = string(content, 'room_id');
  if (roomId === null || !ROOM_ID.test(roomId)) return refuse('room_id is missing');
  const session = ownValue(content, 'session');
  if (
    !isPlainRecord(session) ||
    ownValue(session, 'application') !== 'm.call' ||
    ownValue(session, 'call_id') !== '' ||
    ownValue(session, 'scope') !== 'm.room'
  ) {
    return refuse('not for the room’s call');
  }
  const member = ownValue(content, 'member');
  if (!isPlainRecord(member)) return refuse('member is missing');
  const deviceId = string(member, 'claimed_device_id');
  if (deviceId === null || !DEVICE_ID.test(deviceId)) return refuse('member.claimed_device_id is missing');
  const keys = ownValue(content, 'keys');
  if (!isPlainRecord(keys)) return refuse('keys is missing');
  const index = ownValue(keys, 'index');
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 255) {
    return refuse('the key index is not 0–255');
  }
  const keyText = ownValue(keys, 'key');
  const key = typeof keyText === 'string' ? base64Bytes(keyText) : null;
  if (key === null || key.length < 16 || key.length > 64) return refuse('the key is not 16–64 bytes of base64');
  const sentTs = finiteNumber(content, 'sent_ts');
  return ok({
    roomId,
    userId: sender,
    deviceId,
    memberId: string(member, 'id') ?? `${sender}:${deviceId}`,
    index,
    key,
    sentTs,
  });
}
