import { describe, expect, it } from 'vitest';
import {
  ASSUMED_LIFETIME_MS,
  checkRoom,
  decideRing,
  effectiveLifetime,
  isInviteForUs,
  MAX_HONOURED_LIFETIME_MS,
  MIN_RING_LIFETIME_MS,
  remainingLifetime,
  type RingCheck,
  shouldRing,
} from './invitePolicy.js';

const me = '@me:example.org';
const bob = '@bob:example.org';

function check(overrides: Partial<RingCheck> = {}): RingCheck {
  return {
    invite: { invitee: null, lifetimeMs: 60_000 },
    sender: bob,
    ourUserId: me,
    room: { joinRule: 'invite', memberCount: 2 },
    ageMs: 500,
    msSinceArrival: 100,
    syncedSinceStartup: true,
    ...overrides,
  };
}

describe('invitePolicy', () => {
  it('spec: an invite is for us when invitee is absent or equals our user ID', () => {
    expect(isInviteForUs({ invitee: null, sender: bob }, me)).toBe(true);
    expect(isInviteForUs({ invitee: me, sender: bob }, me)).toBe(true);
    expect(isInviteForUs({ invitee: '@carol:example.org', sender: bob }, me)).toBe(false);
  });

  it('spec: an invite without invitee is for members other than its sender (our other device calling out)', () => {
    expect(isInviteForUs({ invitee: null, sender: me }, me)).toBe(false);
  });

  it('spec: a user may call their own devices by naming themselves as invitee', () => {
    expect(isInviteForUs({ invitee: me, sender: me }, me)).toBe(true);
  });

  it('spec: invites in public rooms are ignored, with a reason to show', () => {
    expect(checkRoom({ joinRule: 'public', memberCount: 2 })).toBe('public-room');
    expect(decideRing(check({ room: { joinRule: 'public', memberCount: 2 } }))).toEqual({
      ring: false,
      reason: 'public-room',
    });
  });

  it('spec: calls ring only in rooms with exactly one other member', () => {
    expect(checkRoom({ joinRule: 'invite', memberCount: 2 })).toBeNull();
    expect(checkRoom({ joinRule: null, memberCount: 2 })).toBeNull();
    expect(checkRoom({ joinRule: 'restricted', memberCount: 3 })).toBe('not-one-to-one');
    expect(checkRoom({ joinRule: 'invite', memberCount: 1 })).toBe('not-one-to-one');
  });

  it('spec: remaining lifetime is lifetime minus the sync age minus the time since it arrived', () => {
    expect(remainingLifetime(60_000, 10_000, 2_500)).toBe(47_500);
    expect(remainingLifetime(60_000, 59_000, 2_000)).toBe(0);
  });

  it('ours: garbage ages or clocks never make an invite live', () => {
    expect(remainingLifetime(60_000, Number.NaN, 0)).toBe(0);
    expect(remainingLifetime(60_000, 0, Number.POSITIVE_INFINITY)).toBe(0);
    expect(remainingLifetime(60_000, -30_000, 0)).toBe(60_000);
  });

  it('ours: ring only with at least 5 s left, enough for a person to answer', () => {
    expect(MIN_RING_LIFETIME_MS).toBe(5_000);
    expect(shouldRing(5_000)).toBe(true);
    expect(shouldRing(4_999)).toBe(false);
    expect(decideRing(check({ ageMs: 55_000, msSinceArrival: 1 }))).toEqual({
      ring: false,
      reason: 'too-late-to-answer',
    });
    expect(decideRing(check({ ageMs: 54_000, msSinceArrival: 1_000 }))).toEqual({ ring: true, remainingMs: 5_000 });
  });

  it('spec: an expired invite does not ring', () => {
    expect(decideRing(check({ ageMs: 61_000 }))).toEqual({ ring: false, reason: 'expired' });
  });

  it('ours: an invite without lifetime (version 0) is taken to live 60 s', () => {
    expect(effectiveLifetime(null)).toBe(ASSUMED_LIFETIME_MS);
    expect(decideRing(check({ invite: { invitee: null, lifetimeMs: null }, ageMs: 1_000, msSinceArrival: 0 }))).toEqual(
      { ring: true, remainingMs: 59_000 },
    );
    expect(decideRing(check({ invite: { invitee: null, lifetimeMs: null }, ageMs: 60_000 })).ring).toBe(false);
  });

  it('ours: lifetimes beyond 5 minutes are capped, so history cannot ring', () => {
    expect(effectiveLifetime(90_000)).toBe(90_000);
    expect(effectiveLifetime(Number.MAX_SAFE_INTEGER)).toBe(MAX_HONOURED_LIFETIME_MS);
    expect(decideRing(check({ invite: { invitee: null, lifetimeMs: 86_400_000 }, ageMs: 3_600_000 }))).toEqual({
      ring: false,
      reason: 'expired',
    });
  });

  it('ours: without an age from the server, the lifetime counts from arrival', () => {
    expect(decideRing(check({ ageMs: null, msSinceArrival: 10_000 }))).toEqual({ ring: true, remainingMs: 50_000 });
  });

  it('spec: after start-up, a still-valid invite rings only once a fresh sync has completed', () => {
    expect(decideRing(check({ syncedSinceStartup: false }))).toEqual({ ring: false, reason: 'awaiting-sync' });
    expect(decideRing(check({ syncedSinceStartup: true })).ring).toBe(true);
  });

  it('an invite for someone else is not ours whatever the room', () => {
    expect(decideRing(check({ invite: { invitee: '@carol:example.org', lifetimeMs: 60_000 } }))).toEqual({
      ring: false,
      reason: 'not-for-us',
    });
  });
});
