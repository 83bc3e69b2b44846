/**
 * Renegotiation (hold, video on/off, screen share, ICE restart) with m.call.negotiate and
 * WebRTC perfect negotiation: who is polite, and which negotiate events we act on.
 */
import { effectiveLifetime, remainingLifetime } from './invitePolicy.js';
import { isOwnEcho, type OwnParty, type Party, sameParty } from './parties.js';
import type { CallVersion } from './version.js';

export type CallRole = 'caller' | 'callee';

/** RTCSignalingState, spelled out so this module needs no DOM types. */
export type SignalingState =
  'stable' | 'have-local-offer' | 'have-remote-offer' | 'have-local-pranswer' | 'have-remote-pranswer' | 'closed';

/**
 * The callee is polite. After glare, the side that gave up its own call is polite: it answered
 * the other side's invite, so it is that call's callee anyway; the flag keeps the rule
 * explicit for a caller of a replaced call.
 */
export function isPolite(side: { role: CallRole; gaveUpOwnCallInGlare: boolean }): boolean {
  return side.role === 'callee' || side.gaveUpOwnCallInGlare;
}

/** Only when the invite and the accepted answer are both version 1. */
export function canRenegotiate(inviteVersion: CallVersion, answerVersion: CallVersion): boolean {
  return inviteVersion === 1 && answerVersion === 1;
}

/**
 * Perfect negotiation's collision rule: an offer that arrives while we are making one (or are
 * not stable) collides; the impolite side ignores it, the polite side rolls back and applies.
 */
export function offerCollides(state: {
  descriptionType: 'offer' | 'answer';
  makingOffer: boolean;
  signalingState: SignalingState;
}): boolean {
  return state.descriptionType === 'offer' && (state.makingOffer || state.signalingState !== 'stable');
}

export interface NegotiateCheck {
  readonly sender: Party;
  readonly ours: OwnParty;
  /** The caller (for the callee), or the party whose answer the caller accepted. */
  readonly peer: Party;
  readonly inviteVersion: CallVersion;
  readonly answerVersion: CallVersion;
  readonly description: { readonly type: 'offer' | 'answer' };
  readonly lifetimeMs: number | null;
  readonly ageMs: number | null;
  readonly msSinceArrival: number;
  readonly polite: boolean;
  readonly makingOffer: boolean;
  readonly signalingState: SignalingState;
}

export type NegotiateDecision =
  | { apply: true }
  | {
      apply: false;
      reason: 'own-echo' | 'not-our-peer' | 'renegotiation-unsupported' | 'expired' | 'impolite-collision';
    };

/** Whether to apply an incoming m.call.negotiate, or why not. */
export function decideNegotiate(check: NegotiateCheck): NegotiateDecision {
  if (isOwnEcho(check.sender, check.ours)) return { apply: false, reason: 'own-echo' };
  if (!sameParty(check.sender, check.peer)) return { apply: false, reason: 'not-our-peer' };
  if (!canRenegotiate(check.inviteVersion, check.answerVersion)) {
    return { apply: false, reason: 'renegotiation-unsupported' };
  }
  // After its lifetime the sender has abandoned the negotiation; answering it would only
  // confuse both peer connections.
  if (remainingLifetime(effectiveLifetime(check.lifetimeMs), check.ageMs ?? 0, check.msSinceArrival) === 0) {
    return { apply: false, reason: 'expired' };
  }
  if (!check.polite && offerCollides({ ...check, descriptionType: check.description.type })) {
    return { apply: false, reason: 'impolite-collision' };
  }
  return { apply: true };
}
