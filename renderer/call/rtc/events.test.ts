import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_RING_LIFETIME_MS,
  parseDecline,
  parseMediaKey,
  parseMembership,
  parseRingNotification,
  parseStickyMembership,
} from './events.js';

const ALICE = '@alice:example.org';

/** As Element Call 0.26 / matrix-js-sdk 43 send it. */
const elementCallMembership = {
  application: 'm.call',
  call_id: '',
  scope: 'm.room',
  device_id: 'ALICEDEV',
  expires: 14_400_000,
  created_ts: 1_700_000_000_000,
  membershipID: '@alice:example.org:ALICEDEV',
  'm.call.intent': 'video',
  focus_active: { type: 'livekit', focus_selection: 'multi_sfu' },
  foci_preferred: [{ type: 'livekit', livekit_service_url: 'https://livekit-jwt.example.org' }],
};

describe('parseMembership (org.matrix.msc3401.call.member)', () => {
  it('reads Element Call’s membership: device, member ID, intent, focus and expiry', () => {
    expect(
      parseMembership({
        stateKey: `_${ALICE}_ALICEDEV_m.call`,
        sender: ALICE,
        content: elementCallMembership,
        originServerTs: 1_700_000_000_500,
      }),
    ).toEqual({
      ok: true,
      value: {
        kind: 'joined',
        membership: {
          userId: ALICE,
          deviceId: 'ALICEDEV',
          memberId: '@alice:example.org:ALICEDEV',
          intent: 'video',
          foci: [{ type: 'livekit', serviceUrl: 'https://livekit-jwt.example.org' }],
          createdAt: 1_700_000_000_000,
          expiresAt: 1_700_000_000_000 + 14_400_000,
        },
      },
    });
  });

  it('reads an empty content as leaving', () => {
    expect(
      parseMembership({ stateKey: `_${ALICE}_ALICEDEV_m.call`, sender: ALICE, content: {}, originServerTs: 1 }),
    ).toEqual({ ok: true, value: { kind: 'left', userId: ALICE, deviceId: 'ALICEDEV' } });
  });

  it('refuses a membership for someone else’s state key, or another device', () => {
    const forged = parseMembership({
      stateKey: `_@bob:example.org_BOBDEV_m.call`,
      sender: ALICE,
      content: elementCallMembership,
      originServerTs: 1,
    });
    expect(forged).toMatchObject({ ok: false, reason: expect.stringMatching(/state key/) });
    const otherDevice = parseMembership({
      stateKey: `_${ALICE}_OTHER_m.call`,
      sender: ALICE,
      content: elementCallMembership,
      originServerTs: 1,
    });
    expect(otherDevice).toMatchObject({ ok: false, reason: expect.stringMatching(/device_id/) });
  });

  it('drops foci that are not https (or loopback http), keeping the rest', () => {
    const parsed = parseMembership({
      stateKey: `${ALICE}_ALICEDEV_m.call`,
      sender: ALICE,
      content: {
        ...elementCallMembership,
        foci_preferred: [
          { type: 'livekit', livekit_service_url: 'http://evil.example/' },
          { type: 'livekit', livekit_service_url: 'javascript:alert(1)' },
          { type: 'livekit', livekit_service_url: 'http://127.0.0.1:8090' },
        ],
      },
      originServerTs: 1,
    });
    expect(parsed.ok && parsed.value.kind === 'joined' && parsed.value.membership.foci).toEqual([
      { type: 'livekit', serviceUrl: 'http://127.0.0.1:8090' },
    ]);
  });

  it('never throws, whatever the content (property-based)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.jsonValue(), fc.integer(), (stateKey, sender, content, ts) => {
        const result = parseMembership({ stateKey, sender, content, originServerTs: ts });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses inherited content (a prototype carrying the fields)', () => {
    const inherited = Object.create(elementCallMembership) as object;
    expect(
      parseMembership({ stateKey: `_${ALICE}_ALICEDEV_m.call`, sender: ALICE, content: inherited, originServerTs: 1 }),
    ).toMatchObject({ ok: false });
  });
});

describe('parseStickyMembership (org.matrix.msc4143.rtc.member)', () => {
  it('reads the member, and refuses one claiming another user', () => {
    const content = {
      slot_id: 'm.call#ROOM',
      member: { user_id: ALICE, device_id: 'ALICEDEV', id: 'member-1' },
      application: { type: 'm.call' },
      transports: { published: [{ type: 'livekit', livekit_service_url: 'https://sfu.example.org' }] },
    };
    expect(parseStickyMembership({ sender: ALICE, content, originServerTs: 5 })).toMatchObject({
      ok: true,
      value: { kind: 'joined', membership: { deviceId: 'ALICEDEV', memberId: 'member-1', expiresAt: null } },
    });
    expect(parseStickyMembership({ sender: '@mallory:example.org', content, originServerTs: 5 })).toMatchObject({
      ok: false,
      reason: 'member.user_id is not the sender',
    });
  });
});

describe('parseRingNotification (org.matrix.msc4075.rtc.notification)', () => {
  const ring = {
    notification_type: 'ring',
    'm.mentions': { user_ids: [], room: true },
    'm.relates_to': { rel_type: 'm.reference', event_id: '$membership' },
    sender_ts: 1_700_000_000_000,
    lifetime: 90_000,
    'm.call.intent': 'audio',
  };

  it('reads Element Call’s ring', () => {
    expect(parseRingNotification(ring)).toEqual({
      ok: true,
      value: {
        type: 'ring',
        mentionsRoom: true,
        mentionedUsers: [],
        membershipEventId: '$membership',
        senderTs: 1_700_000_000_000,
        lifetimeMs: 90_000,
        intent: 'audio',
      },
    });
  });

  it('caps the lifetime at two minutes, defaults it to 90 s, refuses a non-positive one', () => {
    const long = parseRingNotification({ ...ring, lifetime: 3_600_000 });
    expect(long.ok && long.value.lifetimeMs).toBe(MAX_RING_LIFETIME_MS);
    const { lifetime: _dropped, ...noLifetime } = ring;
    const defaulted = parseRingNotification(noLifetime);
    expect(defaulted.ok && defaulted.value.lifetimeMs).toBe(90_000);
    expect(parseRingNotification({ ...ring, lifetime: -5 })).toMatchObject({ ok: false });
    expect(parseRingNotification({ ...ring, notification_type: 'shout' })).toMatchObject({ ok: false });
  });

  it('never throws, and never yields a lifetime beyond the cap (property-based)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.double(), (noise, lifetime) => {
        const result = parseRingNotification({ ...ring, lifetime, noise });
        if (result.ok) expect(result.value.lifetimeMs).toBeLessThanOrEqual(MAX_RING_LIFETIME_MS);
        expect(() => parseRingNotification(noise)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseDecline (org.matrix.msc4310.rtc.decline)', () => {
  it('reads the notification it references', () => {
    expect(parseDecline({ 'm.relates_to': { rel_type: 'm.reference', event_id: '$ring' } })).toEqual({
      ok: true,
      value: { notificationEventId: '$ring' },
    });
    expect(parseDecline({ 'm.relates_to': { rel_type: 'm.annotation', event_id: '$ring' } })).toMatchObject({
      ok: false,
    });
  });
});

describe('parseMediaKey (io.element.call.encryption_keys)', () => {
  const key = {
    keys: { index: 1, key: btoa(String.fromCharCode(...new Array(16).fill(7))) },
    room_id: '!dm:example.org',
    member: { claimed_device_id: 'ALICEDEV', id: '@alice:example.org:ALICEDEV' },
    session: { application: 'm.call', call_id: '', scope: 'm.room' },
    sent_ts: 1_700_000_000_000,
  };

  it('reads the key and who it belongs to', () => {
    const parsed = parseMediaKey({ sender: ALICE, content: key });
    expect(parsed).toMatchObject({
      ok: true,
      value: { roomId: '!dm:example.org', deviceId: 'ALICEDEV', index: 1, memberId: '@alice:example.org:ALICEDEV' },
    });
    expect(parsed.ok && [...parsed.value.key]).toEqual(new Array(16).fill(7));
  });

  it('refuses keys that are too short, out of range, or for another session', () => {
    expect(parseMediaKey({ sender: ALICE, content: { ...key, keys: { index: 1, key: btoa('short') } } })).toMatchObject(
      { ok: false },
    );
    expect(parseMediaKey({ sender: ALICE, content: { ...key, keys: { ...key.keys, index: 256 } } })).toMatchObject({
      ok: false,
    });
    expect(
      parseMediaKey({
        sender: ALICE,
        content: { ...key, session: { application: 'm.call', call_id: 'x', scope: 'm.room' } },
      }),
    ).toMatchObject({ ok: false });
  });

  it('never throws on mangled content (property-based)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (content, sender) => {
        expect(typeof parseMediaKey({ sender, content }).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
