import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_NAME_LENGTH, eventContract, requestContract } from './contract.js';

const ring = {
  callId: '1700000000000abcDEF',
  roomId: '!room:example.org',
  caller: { userId: '@alice:example.org', displayName: 'Alice', avatarUrl: 'mxc://example.org/abc' },
  video: true,
  expiresAt: 1_700_000_060_000,
};
const accepts = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe('ringing channels in the contract', () => {
  const start = requestContract['ring.start'].payload;

  it('ring.start takes the call, room, caller, video and expiry', () => {
    expect(accepts(start, ring)).toBe(true);
    const { avatarUrl: _avatar, ...withoutAvatar } = ring.caller;
    expect(accepts(start, { ...ring, caller: withoutAvatar })).toBe(true);
  });

  it.each([
    ['an unknown key', { ...ring, sdp: 'v=0' }],
    ['an unknown caller key', { ...ring, caller: { ...ring.caller, admin: true } }],
    ['a room ID without !', { ...ring, roomId: '#alias:example.org' }],
    ['a user ID without @', { ...ring, caller: { ...ring.caller, userId: 'alice' } }],
    ['a call ID with spaces', { ...ring, callId: 'a b' }],
    ['an empty call ID', { ...ring, callId: '' }],
    ['an overlong call ID', { ...ring, callId: 'x'.repeat(256) }],
    ['an overlong name', { ...ring, caller: { ...ring.caller, displayName: 'x'.repeat(MAX_DISPLAY_NAME_LENGTH + 1) } }],
    ['an expiry that is not a number', { ...ring, expiresAt: '1700000060000' }],
    ['an infinite expiry', { ...ring, expiresAt: Number.POSITIVE_INFINITY }],
    ['a missing video flag', { ...ring, video: undefined }],
  ])('ring.start refuses %s', (_what, payload) => {
    expect(accepts(start, payload)).toBe(false);
  });

  it('ring.stop knows the engine’s reasons and no others', () => {
    const stop = requestContract['ring.stop'].payload;
    for (const reason of ['answered', 'declined', 'cancelled', 'missed', 'answered-elsewhere', 'busy', 'failed']) {
      expect(accepts(stop, { callId: 'c1', reason })).toBe(true);
    }
    expect(accepts(stop, { callId: 'c1', reason: 'expired' })).toBe(false);
    expect(accepts(stop, { callId: 'c1' })).toBe(false);
  });

  it('call.state is either no call, or a call with its peer', () => {
    const state = requestContract['call.state'].payload;
    expect(accepts(state, { inCall: false })).toBe(true);
    const peer = { userId: '@bob:example.org', displayName: 'Bob' };
    expect(accepts(state, { inCall: true, callId: 'c1', peer, connected: true, video: false })).toBe(true);
    expect(accepts(state, { inCall: true, connected: true, video: false })).toBe(false);
    expect(accepts(state, { inCall: false, connected: true, video: false })).toBe(false);
  });

  it('shell.settings.set takes one or both settings, never nothing or something else', () => {
    const set = requestContract['shell.settings.set'].payload;
    expect(accepts(set, { doNotDisturb: true })).toBe(true);
    expect(accepts(set, { doNotDisturb: false, startAtLogin: true })).toBe(true);
    expect(accepts(set, {})).toBe(false);
    expect(accepts(set, { minimiseExplained: true })).toBe(false);
  });

  it('events: call actions, links and the ring sound are checked too', () => {
    expect(accepts(eventContract['call.action'], { kind: 'answer-video', callId: 'c1' })).toBe(true);
    expect(accepts(eventContract['call.action'], { kind: 'transfer', callId: 'c1' })).toBe(false);
    expect(accepts(eventContract['link.open'], { userId: '@alice:example.org', action: 'call' })).toBe(true);
    expect(accepts(eventContract['link.open'], { userId: '@alice:example.org', action: 'join' })).toBe(false);
    expect(accepts(eventContract['ring.sound'], { sound: 'call-waiting' })).toBe(true);
    expect(accepts(eventContract['ring.sound'], { sound: 'loud' })).toBe(false);
  });
});
