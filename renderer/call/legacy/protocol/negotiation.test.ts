import { describe, expect, it } from 'vitest';
import { canRenegotiate, decideNegotiate, isPolite, type NegotiateCheck, offerCollides } from './negotiation.js';

const ours = { userId: '@me:x', partyId: 'OurParty' };
const peer = { userId: '@bob:x', partyId: 'BobParty' };

function check(overrides: Partial<NegotiateCheck> = {}): NegotiateCheck {
  return {
    sender: peer,
    ours,
    peer,
    inviteVersion: 1,
    answerVersion: 1,
    description: { type: 'offer' },
    lifetimeMs: 10_000,
    ageMs: 100,
    msSinceArrival: 0,
    polite: true,
    makingOffer: false,
    signalingState: 'stable',
    ...overrides,
  };
}

describe('negotiation', () => {
  it('spec: the callee is the polite party, the caller is not', () => {
    expect(isPolite({ role: 'callee', gaveUpOwnCallInGlare: false })).toBe(true);
    expect(isPolite({ role: 'caller', gaveUpOwnCallInGlare: false })).toBe(false);
  });

  it('spec: after glare, the side that discarded its own outbound call is polite', () => {
    expect(isPolite({ role: 'caller', gaveUpOwnCallInGlare: true })).toBe(true);
  });

  it('spec: renegotiation only when both the invite and the accepted answer are version "1"', () => {
    expect(canRenegotiate(1, 1)).toBe(true);
    expect(canRenegotiate(0, 1)).toBe(false);
    expect(canRenegotiate(1, 0)).toBe(false);
    expect(canRenegotiate(0, 0)).toBe(false);
    expect(decideNegotiate(check({ answerVersion: 0 }))).toEqual({
      apply: false,
      reason: 'renegotiation-unsupported',
    });
  });

  it('spec: negotiate from the party in the call is applied', () => {
    expect(decideNegotiate(check())).toEqual({ apply: true });
  });

  it('spec: negotiate from any party other than the one in the call is ignored', () => {
    expect(decideNegotiate(check({ sender: { userId: '@bob:x', partyId: 'BobPhone' } }))).toEqual({
      apply: false,
      reason: 'not-our-peer',
    });
    expect(decideNegotiate(check({ sender: { userId: '@mallory:x', partyId: 'BobParty' } }))).toEqual({
      apply: false,
      reason: 'not-our-peer',
    });
  });

  it('spec: the remote echo of our own negotiate is recognised by party_id and ignored', () => {
    expect(decideNegotiate(check({ sender: ours }))).toEqual({ apply: false, reason: 'own-echo' });
  });

  it('spec: after its lifetime a negotiate is ignored', () => {
    expect(decideNegotiate(check({ lifetimeMs: 10_000, ageMs: 9_000, msSinceArrival: 1_000 }))).toEqual({
      apply: false,
      reason: 'expired',
    });
    expect(decideNegotiate(check({ lifetimeMs: 10_000, ageMs: 9_000, msSinceArrival: 999 }))).toEqual({ apply: true });
  });

  it('spec (perfect negotiation): an offer colliding with ours is ignored by the impolite side only', () => {
    const colliding = { makingOffer: true, signalingState: 'have-local-offer' } as const;
    expect(decideNegotiate(check({ ...colliding, polite: false }))).toEqual({
      apply: false,
      reason: 'impolite-collision',
    });
    expect(decideNegotiate(check({ ...colliding, polite: true }))).toEqual({ apply: true });
  });

  it('spec (perfect negotiation): answers never collide', () => {
    expect(offerCollides({ descriptionType: 'answer', makingOffer: true, signalingState: 'have-local-offer' })).toBe(
      false,
    );
    expect(offerCollides({ descriptionType: 'offer', makingOffer: false, signalingState: 'stable' })).toBe(false);
    expect(offerCollides({ descriptionType: 'offer', makingOffer: false, signalingState: 'have-local-offer' })).toBe(
      true,
    );
  });
});
