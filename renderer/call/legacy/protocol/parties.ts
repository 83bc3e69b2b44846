/**
 * Parties: a participant in a call is `(user_id, party_id)`, not a user. The same user may
 * call from one of their devices to another, so our own events are recognised by our
 * party_id, never by our user id alone.
 */
import { type FillRandom, randomAlphanumerics } from './opaqueId.js';

export interface Party {
  readonly userId: string;
  /** null for version-0 peers, which send no party_id. */
  readonly partyId: string | null;
}

/** Our own party always has an id: we send one in every event. */
export interface OwnParty extends Party {
  readonly partyId: string;
}

/** The spec recommends 8 upper- and lowercase alphanumerics. */
export const PARTY_ID_LENGTH = 8;

export function generatePartyId(fill?: FillRandom): string {
  return randomAlphanumerics(PARTY_ID_LENGTH, fill);
}

/**
 * Same user and same party_id. Two events without party_id from the same user are the same
 * party: a version-0 peer has exactly one.
 */
export function sameParty(a: Party, b: Party): boolean {
  return a.userId === b.userId && a.partyId === b.partyId;
}

/**
 * Our own event coming back from the homeserver. The user id is checked too, so another
 * user who reuses our party_id (by chance or on purpose) is not silenced as our echo.
 */
export function isOwnEcho(sender: Party, ours: OwnParty): boolean {
  return sender.partyId !== null && sameParty(sender, ours);
}

/** A map key for a party; JSON keeps user id and party id apart whatever they contain. */
export function partyKey(party: Party): string {
  return JSON.stringify([party.userId, party.partyId]);
}
