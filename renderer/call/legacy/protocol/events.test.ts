import { describe, expect, it } from 'vitest';
import { CALL_EVENT_TYPES, type CallEvent, type CallEventType, parseCallEvent, readLifetime } from './events.js';
import { FLUFFYCHAT_PARTY_ID, HOST_CANDIDATE, OFFER_SDP, RELAY_CANDIDATE, validContent } from './fixtures.js';
import { MAX_CANDIDATES_PER_EVENT, MAX_ID_LENGTH, MAX_SDP_LENGTH, MAX_STREAMS } from './limits.js';

function accept<T extends CallEventType>(type: T, content: unknown): Extract<CallEvent, { type: T }> {
  const result = parseCallEvent(type, content);
  if (!result.ok) throw new Error(`expected ${type} to be accepted, refused: ${result.reason}`);
  expect(result.event.type).toBe(type);
  return result.event as Extract<CallEvent, { type: T }>;
}

function refusal(type: string, content: unknown): string {
  const result = parseCallEvent(type, content);
  if (result.ok) throw new Error(`expected ${type} to be refused`);
  return result.reason;
}

describe('parseCallEvent: common fields', () => {
  it.each(CALL_EVENT_TYPES)('accepts the content other clients send for %s', (type) => {
    const event = accept(type, validContent(type));
    expect(event).toMatchObject({ callId: '1700000000000abcDEF', partyId: 'PeerPrty', version: 1 });
  });

  it.each(CALL_EVENT_TYPES)('spec: %s needs a call_id', (type) => {
    const { call_id: _dropped, ...content } = validContent(type);
    expect(refusal(type, content)).toMatch(/call_id/);
  });

  it('spec: implementations must accept the integer version 0', () => {
    expect(accept('m.call.invite', { ...validContent('m.call.invite'), version: 0 }).version).toBe(0);
  });

  it('spec: a numeric version 1 (or any other value) is treated as "1"', () => {
    expect(accept('m.call.invite', { ...validContent('m.call.invite'), version: 1 }).version).toBe(1);
    expect(accept('m.call.invite', { ...validContent('m.call.invite'), version: '0' }).version).toBe(1);
    expect(accept('m.call.invite', { ...validContent('m.call.invite'), version: '1.5-exp' }).version).toBe(1);
  });

  it('spec: version-0 peers send no party_id, and that is accepted as null', () => {
    const { party_id: _dropped, ...content } = validContent('m.call.hangup');
    expect(accept('m.call.hangup', { ...content, version: 0 }).partyId).toBeNull();
    expect(accept('m.call.hangup', { ...content, party_id: null }).partyId).toBeNull();
  });

  it('ours: FluffyChat’s base64 party_id is accepted on receive although it breaks the id grammar', () => {
    const event = accept('m.call.answer', { ...validContent('m.call.answer'), party_id: FLUFFYCHAT_PARTY_ID });
    expect(event.partyId).toBe(FLUFFYCHAT_PARTY_ID);
  });

  it.each([
    ['too long', 'a'.repeat(MAX_ID_LENGTH + 1)],
    ['empty', ''],
    ['with a space', 'party id'],
    ['with a control character', 'party\u0000id'],
    ['non-ASCII', 'pärty'],
    ['a number', 12345],
    ['an object', { id: 'x' }],
  ])('spec: a party_id %s is refused (ids are bounded)', (_what, partyId) => {
    expect(refusal('m.call.answer', { ...validContent('m.call.answer'), party_id: partyId })).toMatch(/party_id/);
  });

  it('spec: a call_id of exactly 255 characters is accepted, 256 refused', () => {
    expect(accept('m.call.reject', { ...validContent('m.call.reject'), call_id: 'c'.repeat(255) }).callId).toHaveLength(
      255,
    );
    expect(refusal('m.call.reject', { ...validContent('m.call.reject'), call_id: 'c'.repeat(256) })).toMatch(/call_id/);
  });

  it('refuses event types that are not in the spec (MSC proposals included)', () => {
    expect(refusal('m.call.replaces', validContent('m.call.hangup'))).toMatch(/not a call event type/);
    expect(refusal('m.call.asserted_identity', validContent('m.call.hangup'))).toMatch(/not a call event type/);
    expect(refusal('m.room.message', {})).toMatch(/not a call event type/);
  });

  it.each([[null], [[]], ['content'], [42], [new Map()]])(
    'refuses content that is not a JSON object (%j)',
    (content) => {
      expect(refusal('m.call.hangup', content)).toMatch(/not a JSON object/);
    },
  );

  it('reads only the content’s own keys, never inherited ones', () => {
    const inherited: unknown = Object.create(validContent('m.call.reject'));
    expect(refusal('m.call.reject', inherited)).toMatch(/not a JSON object/);
  });

  it('ignores unknown keys without copying them, and a __proto__ key pollutes nothing', () => {
    const content: unknown = JSON.parse(
      JSON.stringify(validContent('m.call.reject')).replace('{', '{"__proto__":{"polluted":true},"capabilities":{},'),
    );
    const event = accept('m.call.reject', content);
    expect(Object.keys(event).sort()).toEqual(['callId', 'partyId', 'type', 'version']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((event as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseCallEvent: m.call.invite', () => {
  it('spec: offer.sdp is required', () => {
    expect(refusal('m.call.invite', { ...validContent('m.call.invite'), offer: { type: 'offer' } })).toMatch(
      /offer\.sdp/,
    );
    const { offer: _dropped, ...content } = validContent('m.call.invite');
    expect(refusal('m.call.invite', content)).toMatch(/offer/);
  });

  it('spec: receivers do not validate offer.type; the description we hand to WebRTC is an offer', () => {
    const event = accept('m.call.invite', { ...validContent('m.call.invite'), offer: { sdp: OFFER_SDP } });
    expect(event.offer).toEqual({ type: 'offer', sdp: OFFER_SDP });
  });

  it('ours: an SDP longer than one Matrix event can carry (64 KiB) is refused', () => {
    const at = (sdp: string) => ({ ...validContent('m.call.invite'), offer: { type: 'offer', sdp } });
    expect(accept('m.call.invite', at('v'.repeat(MAX_SDP_LENGTH))).offer.sdp).toHaveLength(MAX_SDP_LENGTH);
    expect(refusal('m.call.invite', at('v'.repeat(MAX_SDP_LENGTH + 1)))).toMatch(/offer\.sdp/);
    expect(refusal('m.call.invite', at(''))).toMatch(/offer\.sdp/);
  });

  it('spec: lifetime is the offer’s validity in milliseconds', () => {
    expect(accept('m.call.invite', validContent('m.call.invite')).lifetimeMs).toBe(60_000);
  });

  it('spec: lifetime is required (in version 0 too); a missing, non-numeric, negative or zero one is refused', () => {
    const { lifetime: _dropped, ...content } = validContent('m.call.invite');
    for (const invite of [
      { ...content, version: 0 },
      content,
      { ...content, lifetime: '60000' },
      { ...content, lifetime: -1 },
      { ...content, lifetime: -60_000 },
      { ...content, lifetime: 0 },
      { ...content, lifetime: 0.5 },
      { ...content, lifetime: null },
      { ...content, lifetime: Number.NaN },
    ]) {
      expect(refusal('m.call.invite', invite), JSON.stringify(invite.lifetime)).toMatch(/lifetime/);
    }
    expect(accept('m.call.invite', { ...content, lifetime: 1 }).lifetimeMs).toBe(1);
  });

  it('ours: lifetimes are floored and clamped to 0…MAX_SAFE_INTEGER', () => {
    expect(readLifetime(1500.9)).toBe(1500);
    expect(readLifetime(-5)).toBe(0);
    expect(readLifetime(1e300)).toBe(Number.MAX_SAFE_INTEGER);
    expect(readLifetime(Number.NaN)).toBeNull();
    expect(readLifetime(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('spec: invitee is optional; absent means any member other than the sender', () => {
    expect(accept('m.call.invite', validContent('m.call.invite')).invitee).toBeNull();
    expect(accept('m.call.invite', { ...validContent('m.call.invite'), invitee: '@bob:example.org' }).invitee).toBe(
      '@bob:example.org',
    );
  });

  it('ours: an invitee that is not a string is refused, since we cannot tell whom the call is for', () => {
    expect(refusal('m.call.invite', { ...validContent('m.call.invite'), invitee: 7 })).toMatch(/invitee/);
    expect(refusal('m.call.invite', { ...validContent('m.call.invite'), invitee: 'x'.repeat(256) })).toMatch(/invitee/);
  });
});

describe('parseCallEvent: sdp_stream_metadata', () => {
  const metadata = {
    s1: { purpose: 'm.usermedia', audio_muted: true },
    s2: { purpose: 'm.screenshare', video_muted: true },
  };

  it('spec: reads the stable key, with mute flags defaulting to false', () => {
    const event = accept('m.call.answer', { ...validContent('m.call.answer'), sdp_stream_metadata: metadata });
    expect(event.streams).toEqual(
      new Map([
        ['s1', { purpose: 'm.usermedia', audioMuted: true, videoMuted: false }],
        ['s2', { purpose: 'm.screenshare', audioMuted: false, videoMuted: true }],
      ]),
    );
  });

  it('reads the unstable MSC3077 key that some peers still send', () => {
    const content = { ...validContent('m.call.invite'), 'org.matrix.msc3077.sdp_stream_metadata': metadata };
    expect(accept('m.call.invite', content).streams?.get('s1')?.purpose).toBe('m.usermedia');
  });

  it('prefers the stable key when both are present', () => {
    const content = {
      ...validContent('m.call.negotiate'),
      sdp_stream_metadata: { stable: { purpose: 'm.usermedia' } },
      'org.matrix.msc3077.sdp_stream_metadata': { unstable: { purpose: 'm.usermedia' } },
    };
    expect([...(accept('m.call.negotiate', content).streams?.keys() ?? [])]).toEqual(['stable']);
  });

  it('spec: without metadata the peer does not support it (streams: null)', () => {
    expect(accept('m.call.answer', validContent('m.call.answer')).streams).toBeNull();
    expect(accept('m.call.answer', { ...validContent('m.call.answer'), sdp_stream_metadata: 'x' }).streams).toBeNull();
  });

  it('spec: a stream with an unknown purpose is ignored (left out of the map)', () => {
    const content = {
      ...validContent('m.call.answer'),
      sdp_stream_metadata: { s1: { purpose: 'm.usermedia' }, s2: { purpose: 'm.hologram' }, s3: 'broken' },
    };
    expect([...(accept('m.call.answer', content).streams?.keys() ?? [])]).toEqual(['s1']);
  });

  it('ours: metadata naming more than MAX_STREAMS streams is hostile and refused', () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_STREAMS + 1 }, (_, i) => [`s${i}`, { purpose: 'm.usermedia' }]),
    );
    expect(refusal('m.call.answer', { ...validContent('m.call.answer'), sdp_stream_metadata: many })).toMatch(
      /streams/,
    );
  });

  it('a stream called __proto__ is an ordinary key', () => {
    const content: unknown = JSON.parse(
      `{"call_id":"c1","party_id":"p1","version":"1","sdp_stream_metadata":{"__proto__":{"purpose":"m.screenshare"}}}`,
    );
    const event = accept('m.call.sdp_stream_metadata_changed', content);
    expect(event.streams.get('__proto__')?.purpose).toBe('m.screenshare');
  });

  it('spec: sdp_stream_metadata_changed needs its metadata', () => {
    const { sdp_stream_metadata: _dropped, ...content } = validContent('m.call.sdp_stream_metadata_changed');
    expect(refusal('m.call.sdp_stream_metadata_changed', content)).toMatch(/sdp_stream_metadata/);
  });
});

describe('parseCallEvent: m.call.candidates', () => {
  const withCandidates = (candidates: unknown) => ({ ...validContent('m.call.candidates'), candidates });

  it('spec: a candidate with the empty string is the end-of-candidates marker and is kept', () => {
    const event = accept(
      'm.call.candidates',
      withCandidates([{ candidate: RELAY_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 }, { candidate: '' }]),
    );
    expect(event.candidates).toEqual([
      { candidate: RELAY_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
      { candidate: '', sdpMid: null, sdpMLineIndex: null },
    ]);
  });

  it('ours: malformed candidates are dropped, the others kept', () => {
    const event = accept(
      'm.call.candidates',
      withCandidates([
        { candidate: HOST_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
        { candidate: 5, sdpMid: '0' },
        { candidate: HOST_CANDIDATE, sdpMLineIndex: 1.5 },
        { candidate: HOST_CANDIDATE },
        'candidate:garbage',
        null,
        { candidate: 'x'.repeat(5000), sdpMid: '0' },
        { candidate: RELAY_CANDIDATE, sdpMLineIndex: 0 },
      ]),
    );
    expect(event.candidates).toEqual([
      { candidate: HOST_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
      { candidate: RELAY_CANDIDATE, sdpMid: null, sdpMLineIndex: 0 },
    ]);
  });

  it('ours: more than 500 candidates in one event is hostile and refused', () => {
    const one = { candidate: HOST_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 };
    expect(
      accept('m.call.candidates', withCandidates(Array(MAX_CANDIDATES_PER_EVENT).fill(one))).candidates,
    ).toHaveLength(MAX_CANDIDATES_PER_EVENT);
    expect(refusal('m.call.candidates', withCandidates(Array(MAX_CANDIDATES_PER_EVENT + 1).fill(one)))).toMatch(
      /candidates/,
    );
  });

  it('spec: candidates must be an array', () => {
    expect(refusal('m.call.candidates', withCandidates({ candidate: HOST_CANDIDATE }))).toMatch(/candidates/);
  });
});

describe('parseCallEvent: answer, select_answer, reject, negotiate', () => {
  it('spec: answer.sdp is required, and the description is an answer', () => {
    expect(refusal('m.call.answer', { ...validContent('m.call.answer'), answer: {} })).toMatch(/answer\.sdp/);
    expect(accept('m.call.answer', validContent('m.call.answer')).answer.type).toBe('answer');
  });

  it('spec: select_answer names the chosen party, which may be FluffyChat’s base64 id', () => {
    expect(accept('m.call.select_answer', validContent('m.call.select_answer')).selectedPartyId).toBe('CalleePt');
    const fluffy = { ...validContent('m.call.select_answer'), selected_party_id: FLUFFYCHAT_PARTY_ID };
    expect(accept('m.call.select_answer', fluffy).selectedPartyId).toBe(FLUFFYCHAT_PARTY_ID);
    const { selected_party_id: _dropped, ...missing } = validContent('m.call.select_answer');
    expect(refusal('m.call.select_answer', missing)).toMatch(/selected_party_id/);
  });

  it('spec: reject carries only the common fields; an old optional reason is ignored', () => {
    const event = accept('m.call.reject', { ...validContent('m.call.reject'), reason: 'invite_timeout' });
    expect(event).toEqual({ type: 'm.call.reject', callId: '1700000000000abcDEF', partyId: 'PeerPrty', version: 1 });
  });

  it('spec: negotiate carries a description of type offer or answer', () => {
    const event = accept('m.call.negotiate', validContent('m.call.negotiate'));
    expect(event.description).toEqual({ type: 'offer', sdp: OFFER_SDP });
    expect(event.lifetimeMs).toBe(10_000);
    const pranswer = { ...validContent('m.call.negotiate'), description: { type: 'pranswer', sdp: OFFER_SDP } };
    expect(refusal('m.call.negotiate', pranswer)).toMatch(/description\.type/);
  });
});

describe('parseCallEvent: m.call.hangup', () => {
  const hangup = (extra: Record<string, unknown>) => {
    const { reason: _dropped, ...content } = validContent('m.call.hangup');
    return accept('m.call.hangup', { ...content, ...extra });
  };

  it('spec: a missing reason is user_hangup', () => {
    expect(hangup({})).toMatchObject({ reason: 'user_hangup', reasonAsSent: null });
    expect(hangup({ reason: null }).reason).toBe('user_hangup');
  });

  it.each(['ice_timeout', 'ice_failed', 'invite_timeout', 'user_hangup', 'user_media_failed', 'user_busy'])(
    'spec: the reason %s is kept',
    (reason) => {
      expect(hangup({ reason })).toMatchObject({ reason, reasonAsSent: reason });
    },
  );

  it('ours: FluffyChat’s userHangup (not a spec value) reads as user_hangup', () => {
    expect(hangup({ reason: 'userHangup' })).toMatchObject({ reason: 'user_hangup', reasonAsSent: 'userHangup' });
    expect(hangup({ reason: 'ICE-FAILED' }).reason).toBe('ice_failed');
  });

  it('ours: an unknown reason is kept for the log but means unknown_error', () => {
    expect(hangup({ reason: 'answered_elsewhere' })).toMatchObject({
      reason: 'unknown_error',
      reasonAsSent: 'answered_elsewhere',
    });
    expect(hangup({ reason: 3 })).toMatchObject({ reason: 'unknown_error', reasonAsSent: null });
    expect(hangup({ reason: 'x'.repeat(10_000) }).reasonAsSent).toHaveLength(64);
  });
});
