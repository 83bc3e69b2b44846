/**
 * Glare: both sides call each other in the same room at once. Both clients run the same
 * rules on the same two call ids, so both keep the same call and it simply connects.
 */
import type { HangupReason } from './hangupReason.js';

/** Our outgoing call in the room the incoming invite arrived in. */
export type OutgoingCall =
  /** Media and offer being prepared; no invite sent yet. */
  | { readonly phase: 'preparing' }
  /** Our invite is sent and we wait for an answer. */
  | { readonly phase: 'invite-sent'; readonly callId: string };

/**
 * The reason we hang up our own call when it loses. Nothing failed and nobody declined, and
 * the peer is about to be in the surviving call with us: `user_hangup` is the code every
 * client (version 0 included, where no reason means the same) shows least alarmingly.
 * FluffyChat sends `unknown_error`, which some clients show as an error.
 */
export const GLARE_LOSER_HANGUP_REASON: HangupReason = 'user_hangup';

export type GlareDecision =
  | { readonly kind: 'no-glare' }
  | {
      readonly kind: 'replace-outgoing-and-answer-incoming';
      /** Which spec rule applied. */
      readonly rule: 'still-preparing' | 'incoming-is-lesser';
      /** Our own call to hang up: null when its invite was never sent. */
      readonly hangUp: { readonly callId: string; readonly reason: HangupReason } | null;
    }
  /**
   * Our call is the lesser and survives. We send nothing for the incoming call: the peer's
   * client makes the same comparison and hangs up its own (losing) call.
   */
  | { readonly kind: 'keep-outgoing-ignore-incoming' };

/**
 * The spec's "lexicographical comparison": JavaScript string order, i.e. UTF-16 code units,
 * which for the ASCII ids of the grammar is plain byte order, as in other clients.
 */
export function compareCallIds(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * What to do with an incoming invite (already known to be for us) given our outgoing call in
 * that room, or null when we have none there. Equal call ids are our own invite's echo, not
 * glare.
 */
export function resolveGlare(outgoing: OutgoingCall | null, incomingCallId: string): GlareDecision {
  if (outgoing === null) return { kind: 'no-glare' };
  if (outgoing.phase === 'preparing') {
    return { kind: 'replace-outgoing-and-answer-incoming', rule: 'still-preparing', hangUp: null };
  }
  switch (compareCallIds(incomingCallId, outgoing.callId)) {
    case 0:
      return { kind: 'no-glare' };
    case -1:
      return {
        kind: 'replace-outgoing-and-answer-incoming',
        rule: 'incoming-is-lesser',
        hangUp: { callId: outgoing.callId, reason: GLARE_LOSER_HANGUP_REASON },
      };
    case 1:
      return { kind: 'keep-outgoing-ignore-incoming' };
  }
}
