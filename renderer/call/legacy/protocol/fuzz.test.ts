import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildAnswer,
  buildCandidates,
  buildHangup,
  buildInvite,
  buildNegotiate,
  buildSelectAnswer,
} from './builders.js';
import { CALL_EVENT_TYPES, type CallEvent, type CallEventType, parseCallEvent } from './events.js';
import { validContent } from './fixtures.js';
import { HANGUP_REASONS } from './hangupReason.js';
import {
  MAX_CANDIDATE_LENGTH,
  MAX_CANDIDATES_PER_EVENT,
  MAX_REASON_AS_SENT_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_SDP_MLINE_INDEX,
  MAX_STREAM_ID_LENGTH,
  MAX_STREAMS,
  MAX_USER_ID_LENGTH,
} from './limits.js';
import { isOpaqueId, isReceivableId } from './opaqueId.js';
import { STREAM_PURPOSES, type StreamMetadataMap } from './streamMetadata.js';

const RUNS = 1_500;

/** Everything an accepted event must satisfy, whatever the input was. */
function checkInvariants(event: CallEvent): void {
  expect(isReceivableId(event.callId)).toBe(true);
  if (event.partyId !== null) expect(isReceivableId(event.partyId)).toBe(true);
  expect([0, 1]).toContain(event.version);
  const sdpOk = (sdp: string) => sdp.length >= 1 && sdp.length <= MAX_SDP_LENGTH;
  const streamsOk = (streams: StreamMetadataMap | null) => {
    if (streams === null) return;
    expect(streams).toBeInstanceOf(Map);
    expect(streams.size).toBeLessThanOrEqual(MAX_STREAMS);
    for (const [id, stream] of streams) {
      expect(id.length >= 1 && id.length <= MAX_STREAM_ID_LENGTH).toBe(true);
      expect(STREAM_PURPOSES).toContain(stream.purpose);
      expect(typeof stream.audioMuted).toBe('boolean');
      expect(typeof stream.videoMuted).toBe('boolean');
    }
  };
  const lifetimeOk = (lifetime: number | null) =>
    lifetime === null || (Number.isSafeInteger(lifetime) && lifetime >= 0);

  switch (event.type) {
    case 'm.call.invite':
      expect(event.offer.type).toBe('offer');
      expect(sdpOk(event.offer.sdp)).toBe(true);
      expect(lifetimeOk(event.lifetimeMs)).toBe(true);
      if (event.invitee !== null) expect(event.invitee.length).toBeLessThanOrEqual(MAX_USER_ID_LENGTH);
      streamsOk(event.streams);
      break;
    case 'm.call.candidates':
      expect(event.candidates.length).toBeLessThanOrEqual(MAX_CANDIDATES_PER_EVENT);
      for (const candidate of event.candidates) {
        expect(typeof candidate.candidate).toBe('string');
        expect(candidate.candidate.length).toBeLessThanOrEqual(MAX_CANDIDATE_LENGTH);
        if (candidate.sdpMid !== null) expect(candidate.sdpMid.length).toBeLessThanOrEqual(MAX_SDP_MID_LENGTH);
        if (candidate.sdpMLineIndex !== null) {
          expect(Number.isInteger(candidate.sdpMLineIndex)).toBe(true);
          expect(candidate.sdpMLineIndex >= 0 && candidate.sdpMLineIndex <= MAX_SDP_MLINE_INDEX).toBe(true);
        }
        if (candidate.candidate !== '')
          expect(candidate.sdpMid !== null || candidate.sdpMLineIndex !== null).toBe(true);
      }
      break;
    case 'm.call.answer':
      expect(event.answer.type).toBe('answer');
      expect(sdpOk(event.answer.sdp)).toBe(true);
      streamsOk(event.streams);
      break;
    case 'm.call.select_answer':
      expect(isReceivableId(event.selectedPartyId)).toBe(true);
      break;
    case 'm.call.reject':
      break;
    case 'm.call.negotiate':
      expect(['offer', 'answer']).toContain(event.description.type);
      expect(sdpOk(event.description.sdp)).toBe(true);
      expect(lifetimeOk(event.lifetimeMs)).toBe(true);
      streamsOk(event.streams);
      break;
    case 'm.call.sdp_stream_metadata_changed':
      streamsOk(event.streams);
      break;
    case 'm.call.hangup':
      expect(HANGUP_REASONS).toContain(event.reason);
      if (event.reasonAsSent !== null) expect(event.reasonAsSent.length).toBeLessThanOrEqual(MAX_REASON_AS_SENT_LENGTH);
      break;
  }
}

function parseChecked(type: string, content: unknown): void {
  const result = parseCallEvent(type, content);
  if (result.ok) {
    expect(result.event.type).toBe(type);
    checkInvariants(result.event);
  } else {
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeLessThan(400);
  }
  // Whatever we read, nothing leaked onto Object.prototype.
  expect(Object.prototype).not.toHaveProperty('polluted');
}

const HUGE = 'A'.repeat(MAX_SDP_LENGTH + 1);
const type = fc.constantFrom(...CALL_EVENT_TYPES);
const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');
const contentKey = fc.oneof(
  fc.constantFrom(
    'call_id',
    'party_id',
    'version',
    'offer',
    'answer',
    'description',
    'lifetime',
    'invitee',
    'candidates',
    'selected_party_id',
    'reason',
    'sdp_stream_metadata',
    'org.matrix.msc3077.sdp_stream_metadata',
    'sdp',
    'type',
    'candidate',
    'sdpMid',
    'sdpMLineIndex',
    'purpose',
  ),
  dangerousKey,
  fc.string({ maxLength: 12 }),
);
const oddValue = fc.oneof(
  fc.constantFrom(
    HUGE,
    '',
    '0',
    '1',
    0,
    1,
    -1,
    0.5,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER + 2,
    null,
    true,
    'offer',
    'answer',
    'm.usermedia',
    'userHangup',
    'q8Jx+3/vHkq0Zl9c0a1B2w==',
    'a'.repeat(256),
    '\u0000\u202e',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);
/** Nested objects and arrays built from the keys and values above. */
const mangled = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, oddValue, tie('object'), tie('array')),
  object: fc.dictionary(contentKey, tie('value'), { maxKeys: 8 }),
  array: fc.array(tie('value'), { maxLength: 6 }),
})).object;

/** A valid content with one or more fields replaced, removed or added. */
const mutated = fc
  .tuple(
    type,
    fc.array(fc.tuple(fc.constantFrom('set', 'delete'), contentKey, fc.oneof(oddValue, mangled)), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([eventType, edits]) => {
    const content: Record<string, unknown> = validContent(eventType);
    for (const [edit, key, value] of edits) {
      if (edit === 'delete') Reflect.deleteProperty(content, key);
      else Object.defineProperty(content, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return [eventType, content] as const;
  });

describe('parseCallEvent under fuzzing', () => {
  it('never throws on arbitrary values, for every event type', () => {
    fc.assert(
      fc.property(
        type,
        fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
        (t, c) => parseChecked(t, c),
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on random JSON, parsed the way sync responses are (own __proto__ keys included)', () => {
    const json = fc.oneof(
      fc.json({ maxDepth: 4 }),
      mangled.map((value) => JSON.stringify(value).replaceAll('"constructor"', '"__proto__"')),
    );
    fc.assert(
      fc.property(type, json, (t, text) => parseChecked(t, JSON.parse(text))),
      { numRuns: RUNS },
    );
  });

  it('keeps every invariant on mangled versions of valid content', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, ([t, content]) => {
        parseChecked(t, content);
        if (parseCallEvent(t, content).ok) accepted++;
      }),
      { numRuns: RUNS * 2 },
    );
    // The mutations must exercise the accepting paths too, not only refusals.
    expect(accepted).toBeGreaterThan(RUNS / 4);
  });

  it('never throws for unknown event types', () => {
    fc.assert(
      fc.property(fc.string(), mangled, (t, c) => parseChecked(t, c)),
      { numRuns: RUNS / 3 },
    );
  });
});

describe('builders under fuzzing', () => {
  const ownId = fc.stringMatching(/^[0-9A-Za-z._~-]{1,40}$/);
  const sdp = fc.string({ minLength: 1, maxLength: 300 });
  const lifetime = fc.integer({ min: 1, max: 600_000 });

  it('what we send always reads back as the same event, with ids in the grammar', () => {
    const outgoing = fc.oneof(
      fc.record({ callId: ownId, partyId: ownId, sdp, lifetimeMs: lifetime }).map((i) => buildInvite(i)),
      fc.record({ callId: ownId, partyId: ownId, sdp }).map((i) => buildAnswer(i)),
      fc
        .record({ callId: ownId, partyId: ownId, sdp, type: fc.constantFrom('offer' as const, 'answer' as const) })
        .map((i) => buildNegotiate({ ...i, description: { type: i.type, sdp: i.sdp } })),
      fc
        .record({ callId: ownId, partyId: ownId, selected: fc.stringMatching(/^[\x21-\x7E]{1,40}$/) })
        .map((i) => buildSelectAnswer({ ...i, selectedPartyId: i.selected })),
      fc
        .record({ callId: ownId, partyId: ownId, reason: fc.constantFrom(...HANGUP_REASONS) })
        .map((i) => buildHangup({ ...i, peerVersion: 1 })),
      fc
        .record({
          callId: ownId,
          partyId: ownId,
          candidates: fc.array(
            fc.record({
              candidate: fc.string({ maxLength: 200 }),
              sdpMid: fc.stringMatching(/^[0-9a-z]{1,8}$/),
              sdpMLineIndex: fc.integer({ min: 0, max: 16 }),
            }),
            { minLength: 1, maxLength: 20 },
          ),
        })
        .map((i) => buildCandidates(i)),
    );
    fc.assert(
      fc.property(outgoing, (event) => {
        expect(event.content.version).toBe('1');
        expect(isOpaqueId(event.content.party_id)).toBe(true);
        const parsed = parseCallEvent(event.type, JSON.parse(JSON.stringify(event.content)));
        if (!parsed.ok) throw new Error(parsed.reason);
        expect(parsed.event).toMatchObject({
          callId: event.content.call_id,
          partyId: event.content.party_id,
          version: 1,
        });
        if (parsed.event.type === 'm.call.hangup' && 'reason' in event.content) {
          expect(parsed.event.reason).toBe(event.content.reason);
        }
        if (parsed.event.type === 'm.call.candidates' && 'candidates' in event.content) {
          expect(parsed.event.candidates).toEqual(event.content.candidates);
        }
      }),
      { numRuns: RUNS / 3 },
    );
  });
});

describe('fuzz harness', () => {
  it('detects a broken invariant (the checks can fail)', () => {
    const broken = {
      type: 'm.call.hangup',
      callId: 'ok',
      partyId: null,
      version: 2,
      reason: 'nope',
      reasonAsSent: null,
    };
    expect(() => checkInvariants(broken as unknown as CallEvent)).toThrow();
  });

  it.each(CALL_EVENT_TYPES)('accepts the valid %s it mutates from', (t: CallEventType) => {
    expect(parseCallEvent(t, validContent(t)).ok).toBe(true);
  });
});
