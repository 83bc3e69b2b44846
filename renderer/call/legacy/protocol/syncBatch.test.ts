import { describe, expect, it } from 'vitest';
import { type CallEvent, type CallEventType, parseCallEvent } from './events.js';
import { validContent } from './fixtures.js';
import { invitesToRing, type TimelineCallEvent } from './syncBatch.js';

let counter = 0;

function entry(type: CallEventType, callId: string, roomId = '!dm:example.org'): TimelineCallEvent {
  const parsed = parseCallEvent(type, { ...validContent(type), call_id: callId });
  if (!parsed.ok) throw new Error(parsed.reason);
  const event: CallEvent = parsed.event;
  return { eventId: `$${type}-${callId}-${++counter}`, roomId, sender: '@bob:example.org', event };
}

const ringingIds = (batch: TimelineCallEvent[]) => invitesToRing(batch).ring.map((e) => e.eventId);

describe('invitesToRing', () => {
  it('spec: an invite alone in its batch may ring', () => {
    const invite = entry('m.call.invite', 'call1');
    expect(invitesToRing([invite])).toEqual({ ring: [invite], silenced: [] });
  });

  it.each([
    ['m.call.answer', 'answered'],
    ['m.call.hangup', 'hung-up'],
    ['m.call.reject', 'rejected'],
    ['m.call.select_answer', 'answer-selected'],
  ] as const)('spec: an invite followed in the same batch by %s for that call must not ring', (type, reason) => {
    const invite = entry('m.call.invite', 'call1');
    const ending = entry(type, 'call1');
    expect(invitesToRing([invite, entry('m.call.candidates', 'call1'), ending])).toEqual({
      ring: [],
      silenced: [{ invite, reason, byEventId: ending.eventId }],
    });
  });

  it('spec: candidates, negotiate and metadata changes later in the batch do not stop the ring', () => {
    const invite = entry('m.call.invite', 'call1');
    const batch = [
      invite,
      entry('m.call.candidates', 'call1'),
      entry('m.call.sdp_stream_metadata_changed', 'call1'),
      entry('m.call.negotiate', 'call1'),
    ];
    expect(ringingIds(batch)).toEqual([invite.eventId]);
  });

  it('spec: only events for the same call_id count', () => {
    const invite = entry('m.call.invite', 'call1');
    expect(ringingIds([invite, entry('m.call.hangup', 'call2')])).toEqual([invite.eventId]);
  });

  it('ours: a hang-up with the same call_id in another room does not silence our ring', () => {
    const invite = entry('m.call.invite', 'call1', '!dm:example.org');
    expect(ringingIds([invite, entry('m.call.hangup', 'call1', '!elsewhere:example.org')])).toEqual([invite.eventId]);
  });

  it('spec: the rule looks at events after the invite, not before', () => {
    const invite = entry('m.call.invite', 'call1');
    expect(ringingIds([entry('m.call.hangup', 'call1'), invite])).toEqual([invite.eventId]);
  });

  it('reports the first ending when several follow', () => {
    const invite = entry('m.call.invite', 'call1');
    const answer = entry('m.call.answer', 'call1');
    const { silenced } = invitesToRing([invite, answer, entry('m.call.select_answer', 'call1')]);
    expect(silenced).toEqual([{ invite, reason: 'answered', byEventId: answer.eventId }]);
  });

  it('handles several calls in one batch independently, in timeline order', () => {
    const a = entry('m.call.invite', 'callA', '!a:example.org');
    const b = entry('m.call.invite', 'callB', '!b:example.org');
    const c = entry('m.call.invite', 'callC', '!c:example.org');
    const outcome = invitesToRing([a, b, entry('m.call.reject', 'callB', '!b:example.org'), c]);
    expect(outcome.ring.map((e) => e.eventId)).toEqual([a.eventId, c.eventId]);
    expect(outcome.silenced.map((s) => [s.invite.eventId, s.reason])).toEqual([[b.eventId, 'rejected']]);
  });

  it('rings a call once when its invite appears twice', () => {
    const first = entry('m.call.invite', 'call1');
    const again = entry('m.call.invite', 'call1');
    const outcome = invitesToRing([first, again]);
    expect(outcome.ring).toEqual([first]);
    expect(outcome.silenced).toEqual([{ invite: again, reason: 'duplicate', byEventId: first.eventId }]);
  });
});
