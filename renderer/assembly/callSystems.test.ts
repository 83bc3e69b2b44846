import { describe, expect, it } from 'vitest';
import type { CallEngineContract, CallView, EngineNotice } from '../call/contract.js';
import { CallSystems } from './callSystems.js';

function fakeEngine(system: 'legacy' | 'rtc', calls: Partial<CallView>[]) {
  const actions: string[] = [];
  const views = calls.map((c) => ({ system, state: 'ringing', createdAt: 0, ...c }) as CallView);
  const noticeListeners = new Set<(notice: EngineNotice) => void>();
  const engine: CallEngineContract = {
    calls: () => views,
    subscribe: () => () => undefined,
    onNotice: (listener) => {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    place: (roomId) => {
      actions.push(`place ${roomId}`);
      return 'new';
    },
    answer: async (callId) => void actions.push(`answer ${callId}`),
    decline: async (callId) => void actions.push(`decline ${callId}`),
    hangUp: async (callId) => void actions.push(`hangUp ${callId}`),
    setMuted: async (callId) => void actions.push(`mute ${callId}`),
    setHold: async (callId) => void actions.push(`hold ${callId}`),
    setCamera: async () => true,
    setScreenSharing: async () => 'sharing',
    sendDigits: () => system === 'legacy',
    quality: async () => null,
    switchDevice: async (kind) => void actions.push(`switch ${kind}`),
  };
  return { engine, actions, notify: (n: EngineNotice) => noticeListeners.forEach((l) => l(n)) };
}

describe('two call systems behind one contract', () => {
  it('lists both systems’ calls together, oldest first', () => {
    const legacy = fakeEngine('legacy', [{ callId: 'l1', createdAt: 20 }]);
    const rtc = fakeEngine('rtc', [{ callId: '$r1', createdAt: 10 }]);
    const systems = new CallSystems({ legacy: legacy.engine, rtc: rtc.engine });
    expect(systems.calls().map((c) => c.callId)).toEqual(['$r1', 'l1']);
  });

  it('sends each action to the engine carrying that call', async () => {
    const legacy = fakeEngine('legacy', [{ callId: 'l1' }]);
    const rtc = fakeEngine('rtc', [{ callId: '$r1' }]);
    const systems = new CallSystems({ legacy: legacy.engine, rtc: rtc.engine });
    await systems.decline('$r1');
    await systems.setMuted('l1', true);
    expect(rtc.actions).toEqual(['decline $r1']);
    expect(legacy.actions).toEqual(['mute l1']);
    expect(systems.sendDigits('$r1', '1')).toBe(false);
  });

  it('answering a call on one system hangs up the live call on the other first', async () => {
    const legacy = fakeEngine('legacy', [{ callId: 'l1', state: 'connected' }]);
    const rtc = fakeEngine('rtc', [{ callId: '$r1', state: 'ringing' }]);
    const systems = new CallSystems({ legacy: legacy.engine, rtc: rtc.engine });
    await systems.answer('$r1', { video: false });
    expect(legacy.actions).toEqual(['hangUp l1']);
    expect(rtc.actions).toEqual(['answer $r1']);
  });

  it('places no call while the homeserver is unreachable: told at once, nothing sent on either system', () => {
    const legacy = fakeEngine('legacy', []);
    const rtc = fakeEngine('rtc', []);
    let refusal: string | null = 'Your homeserver cannot be reached right now';
    const systems = new CallSystems({ legacy: legacy.engine, rtc: rtc.engine, placingRefused: () => refusal });
    expect(() => systems.place('!room', { video: false })).toThrow(/cannot be reached/);
    expect([...legacy.actions, ...rtc.actions]).toEqual([]);
    refusal = null;
    expect(systems.place('!room', { video: false })).toBe('new');
    expect(legacy.actions).toEqual(['place !room']);
  });

  it('passes both systems’ ringing notices on', () => {
    const legacy = fakeEngine('legacy', []);
    const rtc = fakeEngine('rtc', []);
    const systems = new CallSystems({ legacy: legacy.engine, rtc: rtc.engine });
    const seen: string[] = [];
    systems.onNotice((n) => seen.push(n.callId));
    legacy.notify({ kind: 'ring-stop', callId: 'l1', reason: 'missed' });
    rtc.notify({ kind: 'ring-stop', callId: '$r1', reason: 'missed' });
    expect(seen).toEqual(['l1', '$r1']);
  });
});
