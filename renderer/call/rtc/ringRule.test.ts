import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RingNotification } from './events.js';
import { MIN_RTC_RING_MS, decideRtcRing, type RtcRingFacts } from './ringRule.js';

const ME = '@me:example.org';
const T0 = 1_700_000_000_000;

const ring: RingNotification = {
  type: 'ring',
  mentionsRoom: true,
  mentionedUsers: [],
  membershipEventId: '$m',
  senderTs: T0,
  lifetimeMs: 90_000,
  intent: 'video',
};

function facts(extra: Partial<RtcRingFacts> = {}): RtcRingFacts {
  return {
    notification: ring,
    sender: '@alice:example.org',
    myUserId: ME,
    originServerTs: T0 + 20,
    ageMs: 30,
    msSinceArrival: 5,
    now: T0 + 60,
    directChat: true,
    callerInSession: true,
    declinedByMe: false,
    joinedByMe: false,
    live: true,
    ...extra,
  };
}

describe('decideRtcRing', () => {
  it('rings a fresh ring from the other person in a direct chat, with video from m.call.intent', () => {
    expect(decideRtcRing(facts())).toEqual({ ring: true, video: true, expiresAt: T0 + 60 + 90_000 - 55 });
  });

  it('does not ring what is over: lifetime passed (a missed call), or too little left', () => {
    expect(decideRtcRing(facts({ ageMs: 91_000 }))).toEqual({ ring: false, reason: 'expired', missed: true });
    expect(decideRtcRing(facts({ ageMs: 90_000 - MIN_RTC_RING_MS + 10 }))).toMatchObject({
      ring: false,
      reason: 'too-short',
    });
  });

  it('counts from sender_ts, but not from a sender clock far ahead of the server', () => {
    // Pressed 30 s before the server saw it (a slow network): 30 s of the lifetime are gone.
    expect(decideRtcRing(facts({ notification: { ...ring, senderTs: T0 - 30_000 } }))).toMatchObject({
      expiresAt: T0 + 60 + 90_000 - 35 - 30_020,
    });
    // A sender_ts an hour ahead is not believed; the server's time counts.
    expect(decideRtcRing(facts({ notification: { ...ring, senderTs: T0 + 3_600_000 } }))).toMatchObject({
      ring: true,
    });
  });

  it('does not ring for a caller who already left, one of my devices declined or joined, or my own ring', () => {
    expect(decideRtcRing(facts({ callerInSession: false }))).toEqual({
      ring: false,
      reason: 'caller-left',
      missed: true,
    });
    expect(decideRtcRing(facts({ declinedByMe: true }))).toMatchObject({ ring: false, reason: 'declined-here' });
    expect(decideRtcRing(facts({ joinedByMe: true }))).toMatchObject({ ring: false, reason: 'answered-elsewhere' });
    expect(decideRtcRing(facts({ sender: ME }))).toMatchObject({ ring: false, reason: 'own-notification' });
  });

  it('rings 1:1 only, for rings that mention me, and not before a fresh sync', () => {
    expect(decideRtcRing(facts({ directChat: false }))).toMatchObject({ reason: 'not-a-direct-chat' });
    expect(decideRtcRing(facts({ notification: { ...ring, type: 'notification' } }))).toMatchObject({
      reason: 'not-a-ring',
    });
    expect(
      decideRtcRing(facts({ notification: { ...ring, mentionsRoom: false, mentionedUsers: ['@other:x'] } })),
    ).toMatchObject({ reason: 'not-for-me' });
    expect(
      decideRtcRing(facts({ notification: { ...ring, mentionsRoom: false, mentionedUsers: [ME] } })),
    ).toMatchObject({ ring: true });
    expect(decideRtcRing(facts({ live: false }))).toMatchObject({ ring: false, reason: 'catching-up', missed: false });
  });

  it('never rings past the lifetime, and never longer than the lifetime from now (property-based)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120_000 }),
        fc.option(fc.integer({ min: T0 - 200_000, max: T0 + 200_000 }), { nil: null }),
        fc.option(fc.integer({ min: -1_000, max: 300_000 }), { nil: null }),
        fc.integer({ min: 0, max: 60_000 }),
        (lifetimeMs, senderTs, ageMs, msSinceArrival) => {
          const decision = decideRtcRing(
            facts({ notification: { ...ring, lifetimeMs, senderTs }, ageMs, msSinceArrival, now: T0 + 1_000 }),
          );
          if (decision.ring) {
            expect(decision.expiresAt - (T0 + 1_000)).toBeLessThanOrEqual(lifetimeMs);
            expect(decision.expiresAt - (T0 + 1_000)).toBeGreaterThanOrEqual(MIN_RTC_RING_MS);
            if (ageMs !== null && ageMs >= 0) expect(ageMs + msSinceArrival).toBeLessThan(lifetimeMs);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
