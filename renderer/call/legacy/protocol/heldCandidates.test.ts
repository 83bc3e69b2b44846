import { describe, expect, it } from 'vitest';
import { takeCandidatesOut } from './heldCandidates.js';

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0',
  'a=candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active',
  'a=end-of-candidates',
  'a=mid:0',
  'a=sendrecv',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=candidate:3 1 udp 41885439 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
  '',
].join('\r\n');

describe('an offer applied without its candidates while the call rings', () => {
  it('takes every candidate out, with the mid and index of its media section (mid after or before)', () => {
    const { sdp, candidates } = takeCandidatesOut(OFFER);
    expect(sdp).not.toContain('a=candidate');
    expect(sdp).not.toContain('a=end-of-candidates');
    expect(candidates).toEqual([
      {
        candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
      { candidate: 'candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 },
      {
        candidate: 'candidate:3 1 udp 41885439 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
        sdpMid: '1',
        sdpMLineIndex: 1,
      },
    ]);
  });

  it('keeps every other line as it was, with its line endings', () => {
    const { sdp } = takeCandidatesOut(OFFER);
    const expected = OFFER.split('\r\n').filter((l) => !l.startsWith('a=candidate') && !l.startsWith('a=end-of'));
    expect(sdp).toBe(expected.join('\r\n'));
    expect(takeCandidatesOut('v=0\nm=audio 9 RTP/AVP 0\na=mid:a\n').sdp).toBe('v=0\nm=audio 9 RTP/AVP 0\na=mid:a\n');
  });

  it('an offer without candidates (all trickled) is unchanged', () => {
    const bare = OFFER.split('\r\n')
      .filter((l) => !l.startsWith('a=candidate') && !l.startsWith('a=end-of'))
      .join('\r\n');
    expect(takeCandidatesOut(bare)).toEqual({ sdp: bare, candidates: [] });
  });

  it('a candidate line before any media section is dropped, not misplaced', () => {
    expect(takeCandidatesOut('v=0\r\na=candidate:9 1 udp 1 192.0.2.9 1 typ host\r\nm=audio 9 RTP/AVP 0\r\n')).toEqual({
      sdp: 'v=0\r\nm=audio 9 RTP/AVP 0\r\n',
      candidates: [],
    });
  });
});
