/**
 * Remote candidates can arrive before the invite they belong to (events are not ordered
 * across sync batches and decryption), or, for the caller, before it has chosen which
 * answer to take. They wait here, per call and per party, until that is known. Bounded
 * everywhere and oldest-first eviction, so a hostile peer cannot exhaust memory.
 */
import type { IceCandidate } from './events.js';
import { type Party, partyKey } from './parties.js';

export interface CallRef {
  readonly roomId: string;
  readonly callId: string;
}

export interface EarlyCandidateLimits {
  /** Calls with buffered candidates; the oldest call is dropped beyond this. */
  readonly maxCalls: number;
  /** Parties per call (every callee device may answer); the oldest party is dropped. */
  readonly maxPartiesPerCall: number;
  /** Candidates per party; the oldest are dropped. A real party sends a few dozen. */
  readonly maxCandidatesPerParty: number;
}

export const DEFAULT_EARLY_CANDIDATE_LIMITS: EarlyCandidateLimits = {
  maxCalls: 16,
  maxPartiesPerCall: 8,
  maxCandidatesPerParty: 100,
};

export interface EarlyCandidateBuffer {
  add(call: CallRef, sender: Party, candidates: readonly IceCandidate[]): void;
  /** Removes and returns the party's candidates, oldest first. */
  take(call: CallRef, party: Party): IceCandidate[];
  /** Drops everything for the call: it ended, or the caller chose another party. */
  discardCall(call: CallRef): void;
  /** Candidates held in total. */
  size(): number;
}

// Per room too: call ids are chosen by callers, so another room could reuse one.
function callKey(call: CallRef): string {
  return JSON.stringify([call.roomId, call.callId]);
}

function dropOldestKey<V>(map: Map<string, V>): void {
  const oldest = map.keys().next();
  if (oldest.done !== true) map.delete(oldest.value);
}

export function createEarlyCandidateBuffer(
  limits: EarlyCandidateLimits = DEFAULT_EARLY_CANDIDATE_LIMITS,
): EarlyCandidateBuffer {
  // Maps keep insertion order: the first key is the oldest.
  const calls = new Map<string, Map<string, IceCandidate[]>>();

  return {
    add(call, sender, candidates) {
      if (candidates.length === 0) return;
      const key = callKey(call);
      let parties = calls.get(key);
      if (parties === undefined) {
        if (calls.size >= limits.maxCalls) dropOldestKey(calls);
        parties = new Map();
        calls.set(key, parties);
      }
      const party = partyKey(sender);
      let held = parties.get(party);
      if (held === undefined) {
        if (parties.size >= limits.maxPartiesPerCall) dropOldestKey(parties);
        held = [];
        parties.set(party, held);
      }
      held.push(...candidates.slice(-limits.maxCandidatesPerParty));
      if (held.length > limits.maxCandidatesPerParty) held.splice(0, held.length - limits.maxCandidatesPerParty);
    },

    take(call, party) {
      const key = callKey(call);
      const parties = calls.get(key);
      const held = parties?.get(partyKey(party));
      if (parties === undefined || held === undefined) return [];
      parties.delete(partyKey(party));
      if (parties.size === 0) calls.delete(key);
      return held;
    },

    discardCall(call) {
      calls.delete(callKey(call));
    },

    size() {
      let total = 0;
      for (const parties of calls.values()) for (const held of parties.values()) total += held.length;
      return total;
    },
  };
}
