/**
 * The whole-sync-batch rule: an invite rings only if nothing later in the same sync batch
 * (after decryption) shows the call already answered, selected, rejected or hung up.
 */
import type { CallEvent, InviteEvent } from './events.js';

/** One call event from a sync batch's timelines, in timeline order. */
export interface TimelineCallEvent<E extends CallEvent = CallEvent> {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly event: E;
}

export type SilencedReason = 'answered' | 'answer-selected' | 'rejected' | 'hung-up' | 'duplicate';

export interface SilencedInvite {
  readonly invite: TimelineCallEvent<InviteEvent>;
  readonly reason: SilencedReason;
  /** The event that ended the call (for 'duplicate', the first copy of the invite). */
  readonly byEventId: string;
}

export interface BatchOutcome {
  /** Still candidates for ringing; invitePolicy.decideRing has the final word. */
  readonly ring: readonly TimelineCallEvent<InviteEvent>[];
  readonly silenced: readonly SilencedInvite[];
}

const endings: Partial<Record<CallEvent['type'], Exclude<SilencedReason, 'duplicate'>>> = {
  'm.call.answer': 'answered',
  'm.call.select_answer': 'answer-selected',
  'm.call.reject': 'rejected',
  'm.call.hangup': 'hung-up',
};

function isInvite(entry: TimelineCallEvent): entry is TimelineCallEvent<InviteEvent> {
  return entry.event.type === 'm.call.invite';
}

// Per room as well as per call_id: a call_id is chosen by its caller, so a user in another
// room could otherwise silence our ring by reusing it.
function callKey(entry: TimelineCallEvent): string {
  return JSON.stringify([entry.roomId, entry.event.callId]);
}

/**
 * Splits the batch's invites into those that may ring and those that must not. Only events
 * after an invite count against it. A call's invite seen twice rings once.
 */
export function invitesToRing(batch: readonly TimelineCallEvent[]): BatchOutcome {
  const firstInvite = new Map<string, TimelineCallEvent<InviteEvent>>();
  const ended = new Map<string, { reason: Exclude<SilencedReason, 'duplicate'>; byEventId: string }>();
  const silenced: SilencedInvite[] = [];

  for (const entry of batch) {
    const key = callKey(entry);
    if (isInvite(entry)) {
      const first = firstInvite.get(key);
      if (first === undefined) firstInvite.set(key, entry);
      else silenced.push({ invite: entry, reason: 'duplicate', byEventId: first.eventId });
      continue;
    }
    const reason = endings[entry.event.type];
    // The first ending after the invite is the one we report.
    if (reason !== undefined && firstInvite.has(key) && !ended.has(key)) {
      ended.set(key, { reason, byEventId: entry.eventId });
    }
  }

  const ring: TimelineCallEvent<InviteEvent>[] = [];
  for (const [key, invite] of firstInvite) {
    const ending = ended.get(key);
    if (ending === undefined) ring.push(invite);
    else silenced.push({ invite, ...ending });
  }
  return { ring, silenced };
}
