import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALL_ID_LENGTH, generateCallId, isOpaqueId, randomAlphanumerics } from './opaqueId.js';
import { generatePartyId, isOwnEcho, PARTY_ID_LENGTH, partyKey, sameParty } from './parties.js';

describe('party and call ids', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('spec: a party_id is 8 upper- and lowercase alphanumerics, from crypto.getRandomValues', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const id = generatePartyId();
    expect(PARTY_ID_LENGTH).toBe(8);
    expect(id).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(spy).toHaveBeenCalled();
  });

  it('spec: the ids we mint match the VoIP id grammar', () => {
    for (let i = 0; i < 200; i++) {
      expect(isOpaqueId(generatePartyId())).toBe(true);
      const callId = generateCallId();
      expect(callId).toHaveLength(CALL_ID_LENGTH);
      expect(isOpaqueId(callId)).toBe(true);
    }
  });

  it('maps bytes to characters without modulo bias: bytes of 248 and above are skipped', () => {
    const bytes = [255, 248, 0, 61, 62, 247, 10, 36, 1, 2, 3, 4, 5, 6, 7, 8];
    const fill = (target: Uint8Array<ArrayBuffer>) => target.set(bytes.slice(0, target.length));
    expect(randomAlphanumerics(8, fill)).toBe('0z0zAa12');
  });

  it('fails loudly on a random source that never yields usable bytes', () => {
    expect(() => randomAlphanumerics(8, (target) => target.fill(255))).toThrow(/random source/);
  });

  it('spec: a party is the tuple (user_id, party_id)', () => {
    expect(sameParty({ userId: '@a:x', partyId: 'p1' }, { userId: '@a:x', partyId: 'p1' })).toBe(true);
    expect(sameParty({ userId: '@a:x', partyId: 'p1' }, { userId: '@a:x', partyId: 'p2' })).toBe(false);
    expect(sameParty({ userId: '@a:x', partyId: 'p1' }, { userId: '@b:x', partyId: 'p1' })).toBe(false);
  });

  it('ours: a version-0 peer without party_id is one party per user', () => {
    expect(sameParty({ userId: '@a:x', partyId: null }, { userId: '@a:x', partyId: null })).toBe(true);
    expect(sameParty({ userId: '@a:x', partyId: null }, { userId: '@a:x', partyId: 'p1' })).toBe(false);
  });

  it('spec: our own echo is recognised by party_id, not by user id (a user may call their own device)', () => {
    const ours = { userId: '@me:x', partyId: 'OurParty' };
    expect(isOwnEcho({ userId: '@me:x', partyId: 'OurParty' }, ours)).toBe(true);
    expect(isOwnEcho({ userId: '@me:x', partyId: 'OtherDev' }, ours)).toBe(false);
    expect(isOwnEcho({ userId: '@me:x', partyId: null }, ours)).toBe(false);
  });

  it('ours: another user reusing our party_id is not taken for our echo', () => {
    expect(isOwnEcho({ userId: '@mallory:x', partyId: 'OurParty' }, { userId: '@me:x', partyId: 'OurParty' })).toBe(
      false,
    );
  });

  it('party keys cannot collide through separators in the ids', () => {
    expect(partyKey({ userId: '@a:x', partyId: 'b|c' })).not.toBe(partyKey({ userId: '@a:x|b', partyId: 'c' }));
    expect(partyKey({ userId: '@a:x', partyId: null })).not.toBe(partyKey({ userId: '@a:x', partyId: 'null' }));
  });
});
