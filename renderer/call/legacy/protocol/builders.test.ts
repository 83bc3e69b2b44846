import { describe, expect, it } from 'vitest';
import {
  buildAnswer,
  buildCandidates,
  buildDecline,
  buildHangup,
  buildInvite,
  buildNegotiate,
  buildReject,
  buildSelectAnswer,
  buildStreamMetadataChanged,
  INVITE_LIFETIME_MS,
  type OutgoingCallEvent,
  sentContentSchemas,
} from './builders.js';
import { parseCallEvent } from './events.js';
import { ANSWER_SDP, FLUFFYCHAT_PARTY_ID, HOST_CANDIDATE, OFFER_SDP } from './fixtures.js';
import { MAX_CANDIDATES_PER_EVENT } from './limits.js';
import type { StreamMetadataMap } from './streamMetadata.js';

const ids = { callId: 'CallId0123456789abcdefgh', partyId: 'OurParty' };
const streams: StreamMetadataMap = new Map([
  ['stream-a', { purpose: 'm.usermedia', audioMuted: false, videoMuted: true }],
]);
const candidate = { candidate: HOST_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 };

const everyBuilder: [string, () => OutgoingCallEvent][] = [
  ['invite', () => buildInvite({ ...ids, sdp: OFFER_SDP })],
  ['candidates', () => buildCandidates({ ...ids, candidates: [candidate] })],
  ['answer', () => buildAnswer({ ...ids, sdp: ANSWER_SDP })],
  ['select_answer', () => buildSelectAnswer({ ...ids, selectedPartyId: 'TheirPty' })],
  ['reject', () => buildReject(ids)],
  ['negotiate', () => buildNegotiate({ ...ids, description: { type: 'offer', sdp: OFFER_SDP } })],
  ['sdp_stream_metadata_changed', () => buildStreamMetadataChanged({ ...ids, streams })],
  ['hangup', () => buildHangup({ ...ids, reason: 'user_hangup', peerVersion: 1 })],
];

describe('builders', () => {
  it.each(everyBuilder)('spec: %s carries call_id, our party_id and version "1"', (_name, build) => {
    const { content } = build();
    expect(content).toMatchObject({ call_id: ids.callId, party_id: ids.partyId, version: '1' });
  });

  it.each(everyBuilder)('%s is strictly valid and reads back through parseCallEvent', (_name, build) => {
    const event = build();
    expect(sentContentSchemas[event.type].safeParse(event.content).success).toBe(true);
    const parsed = parseCallEvent(event.type, JSON.parse(JSON.stringify(event.content)));
    expect(parsed).toMatchObject({ ok: true, event: { type: event.type, callId: ids.callId, partyId: ids.partyId } });
  });

  it('spec: an invite carries offer {type: "offer", sdp} and a lifetime of at least the recommended 90 s', () => {
    const { content } = buildInvite({ ...ids, sdp: OFFER_SDP });
    expect(content.offer).toEqual({ type: 'offer', sdp: OFFER_SDP });
    expect(content.lifetime).toBe(INVITE_LIFETIME_MS);
    expect(INVITE_LIFETIME_MS).toBeGreaterThanOrEqual(90_000);
    expect('invitee' in content).toBe(false);
  });

  it('spec: an invite for one user names them in invitee', () => {
    expect(buildInvite({ ...ids, sdp: OFFER_SDP, invitee: '@bob:example.org' }).content.invitee).toBe(
      '@bob:example.org',
    );
    expect(() => buildInvite({ ...ids, sdp: OFFER_SDP, invitee: 'bob' })).toThrow(/invitee/);
  });

  it('spec: stream metadata is sent under the stable key only', () => {
    const { content } = buildAnswer({ ...ids, sdp: ANSWER_SDP, streams });
    expect(content).toHaveProperty('sdp_stream_metadata', {
      'stream-a': { purpose: 'm.usermedia', audio_muted: false, video_muted: true },
    });
    expect(Object.keys(content)).not.toContain('org.matrix.msc3077.sdp_stream_metadata');
    const parsed = parseCallEvent('m.call.answer', content);
    expect(parsed.ok && parsed.event.type === 'm.call.answer' && parsed.event.streams).toEqual(streams);
  });

  it('spec: the party ids we send match [0-9A-Za-z._~-]{1,255}', () => {
    expect(() => buildReject({ ...ids, partyId: FLUFFYCHAT_PARTY_ID })).toThrow(/party_id/);
    expect(() => buildReject({ ...ids, partyId: '' })).toThrow(/party_id/);
    expect(() => buildReject({ ...ids, partyId: 'p'.repeat(256) })).toThrow(/party_id/);
  });

  it('ours: select_answer echoes the chosen party id exactly as received, even FluffyChat’s base64', () => {
    const { content } = buildSelectAnswer({ ...ids, selectedPartyId: FLUFFYCHAT_PARTY_ID });
    expect(content.selected_party_id).toBe(FLUFFYCHAT_PARTY_ID);
  });

  it('refuses to send an empty SDP, which can only be a bug', () => {
    expect(() => buildAnswer({ ...ids, sdp: '' })).toThrow(/refusing to send an invalid m\.call\.answer: answer\.sdp/);
  });

  it('ours: candidates events carry 1 to 500 candidates', () => {
    expect(() => buildCandidates({ ...ids, candidates: [] })).toThrow(/candidates/);
    expect(() =>
      buildCandidates({ ...ids, candidates: Array.from({ length: MAX_CANDIDATES_PER_EVENT + 1 }, () => candidate) }),
    ).toThrow(/candidates/);
  });

  it('spec: candidates are sent with candidate, sdpMid and sdpMLineIndex, nothing else', () => {
    const extra = { ...candidate, usernameFragment: 'abcd' };
    expect(buildCandidates({ ...ids, candidates: [extra] }).content.candidates).toEqual([candidate]);
  });

  it('spec: negotiate carries a lifetime after which it is abandoned', () => {
    const { content } = buildNegotiate({ ...ids, description: { type: 'answer', sdp: ANSWER_SDP }, lifetimeMs: 5000 });
    expect(content).toMatchObject({ description: { type: 'answer', sdp: ANSWER_SDP }, lifetime: 5000 });
  });

  it('spec: hang-ups to version-1 peers always carry a reason', () => {
    expect(buildHangup({ ...ids, reason: 'user_hangup', peerVersion: 1 }).content.reason).toBe('user_hangup');
    expect(buildHangup({ ...ids, reason: 'user_busy', peerVersion: 1 }).content.reason).toBe('user_busy');
  });

  it('spec: towards version-0 peers only the version-0 reasons are sent; a plain hang-up has none', () => {
    expect('reason' in buildHangup({ ...ids, reason: 'user_hangup', peerVersion: 0 }).content).toBe(false);
    expect('reason' in buildHangup({ ...ids, reason: 'user_busy', peerVersion: 0 }).content).toBe(false);
    expect(buildHangup({ ...ids, reason: 'ice_failed', peerVersion: 0 }).content.reason).toBe('ice_failed');
    expect(buildHangup({ ...ids, reason: 'invite_timeout', peerVersion: 0 }).content.reason).toBe('invite_timeout');
  });

  it('spec: the callee declines a version-1 invite with m.call.reject', () => {
    expect(buildDecline({ ...ids, inviteVersion: 1 })).toEqual({
      type: 'm.call.reject',
      content: { call_id: ids.callId, party_id: ids.partyId, version: '1' },
    });
  });

  it('spec: the callee declines a version-0 invite with m.call.hangup', () => {
    expect(buildDecline({ ...ids, inviteVersion: 0 })).toEqual({
      type: 'm.call.hangup',
      content: { call_id: ids.callId, party_id: ids.partyId, version: '1' },
    });
  });
});
