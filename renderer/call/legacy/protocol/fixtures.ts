/**
 * Test data only: one valid content per call event type, as other clients send it.
 */
import type { CallEventType } from './events.js';

export const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

export const ANSWER_SDP = OFFER_SDP.replace('a=sendrecv', 'a=recvonly');

export const HOST_CANDIDATE = 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0';
export const RELAY_CANDIDATE = 'candidate:3 1 udp 41885439 203.0.113.7 3478 typ relay raddr 0.0.0.0 rport 0';

/** FluffyChat's party ids: base64 of 16 random bytes, outside the spec's id grammar. */
export const FLUFFYCHAT_PARTY_ID = 'q8Jx+3/vHkq0Zl9c0a1B2w==';

export function validContent(type: CallEventType): Record<string, unknown> {
  const common = { call_id: '1700000000000abcDEF', party_id: 'PeerPrty', version: '1' };
  switch (type) {
    case 'm.call.invite':
      return { ...common, offer: { type: 'offer', sdp: OFFER_SDP }, lifetime: 60_000 };
    case 'm.call.candidates':
      return { ...common, candidates: [{ candidate: HOST_CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 }] };
    case 'm.call.answer':
      return { ...common, answer: { type: 'answer', sdp: ANSWER_SDP } };
    case 'm.call.select_answer':
      return { ...common, selected_party_id: 'CalleePt' };
    case 'm.call.reject':
      return common;
    case 'm.call.negotiate':
      return { ...common, description: { type: 'offer', sdp: OFFER_SDP }, lifetime: 10_000 };
    case 'm.call.sdp_stream_metadata_changed':
      return { ...common, sdp_stream_metadata: { stream1: { purpose: 'm.usermedia', audio_muted: true } } };
    case 'm.call.hangup':
      return { ...common, reason: 'user_hangup' };
  }
}
