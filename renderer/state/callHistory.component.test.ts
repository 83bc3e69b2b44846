import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { CallView } from '../call/contract.js';
import { callStoreWith, callView, me, memoryStorage, signedInAccount } from '../ui/testing/uiFakes.js';
import { CallHistory, followCalls, HISTORY_LIMIT, historyKey } from './callHistory.svelte.js';

const ended = (callId: string, extra: Partial<CallView> = {}) =>
  callView({ callId, state: 'ended', endReason: 'remote-hangup', endedAt: 10_000, ...extra });

describe('call history', () => {
  it('keeps ended calls, newest first, once each; skips live calls and calls glare replaced', () => {
    const history = new CallHistory(memoryStorage());
    history.load('@me:x');
    history.record([
      ended('a', { endedAt: 1 }),
      callView({ callId: 'live' }),
      ended('glare', { endReason: 'replaced' }),
      ended('b', { endedAt: 2 }),
    ]);
    history.record([ended('a', { endedAt: 1 }), ended('b', { endedAt: 2 })]);
    expect(history.entries.map((entry) => entry.callId)).toEqual(['b', 'a']);
  });

  it('remembers what the engine said: direction, video, outcome and times', () => {
    const history = new CallHistory(memoryStorage());
    history.load('@me:x');
    history.record([
      ended('c', { direction: 'incoming', videoOffered: true, createdAt: 5, connectedAt: 6, endedAt: 9 }),
    ]);
    expect(history.entries[0]).toEqual({
      callId: 'c',
      roomId: '!bob:x',
      peerUserId: '@bob:example.org',
      direction: 'incoming',
      video: true,
      endReason: 'remote-hangup',
      startedAt: 5,
      connectedAt: 6,
      endedAt: 9,
      seen: true,
    });
  });

  it('survives a restart, per account', () => {
    const storage = memoryStorage();
    const first = new CallHistory(storage);
    first.load('@me:x');
    first.record([ended('a')]);
    const again = new CallHistory(storage);
    again.load('@me:x');
    expect(again.entries.map((entry) => entry.callId)).toEqual(['a']);
    again.load('@other:x');
    expect(again.entries).toEqual([]);
    expect(storage.data.has(historyKey('@me:x'))).toBe(true);
  });

  it('knows which calls it holds, for the account asked about, before that account is shown', () => {
    const storage = memoryStorage();
    const first = new CallHistory(storage);
    first.load('@me:x');
    first.record([ended('a')]);
    const again = new CallHistory(storage);
    expect(again.has('@me:x', 'a')).toBe(true);
    expect(again.has('@me:x', 'b')).toBe(false);
    expect(again.has('@other:x', 'a')).toBe(false);
    again.load('@me:x');
    expect(again.has('@me:x', 'a')).toBe(true);
  });

  it(`keeps the last ${HISTORY_LIMIT} calls`, () => {
    const history = new CallHistory(memoryStorage());
    history.load('@me:x');
    history.record(Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => ended(`c${i}`, { endedAt: i })));
    expect(history.entries).toHaveLength(HISTORY_LIMIT);
    expect(history.entries[0]?.callId).toBe(`c${HISTORY_LIMIT + 4}`);
  });

  it('marks missed calls (and calls missed while busy) until seen', () => {
    const storage = memoryStorage();
    const history = new CallHistory(storage);
    history.load('@me:x');
    history.record([
      ended('m', { direction: 'incoming', endReason: 'missed', connectedAt: null }),
      ended('b', { direction: 'incoming', endReason: 'busy', connectedAt: null }),
      ended('n', { direction: 'outgoing', endReason: 'no-answer', connectedAt: null }),
    ]);
    expect(history.unseenMissed).toBe(2);
    history.markMissedSeen();
    expect(history.unseenMissed).toBe(0);
    const reloaded = new CallHistory(storage);
    reloaded.load('@me:x');
    expect(reloaded.unseenMissed).toBe(0);
  });

  it('ignores damaged storage', () => {
    const storage = memoryStorage({ [historyKey('@me:x')]: '{not json', [historyKey('@b:x')]: '[{"callId":1}]' });
    const history = new CallHistory(storage);
    history.load('@me:x');
    expect(history.entries).toEqual([]);
    history.load('@b:x');
    expect(history.entries).toEqual([]);
  });

  it('follows the signed-in account and its calls; signed out shows nothing and saves nothing', async () => {
    const storage = memoryStorage();
    const history = new CallHistory(storage);
    const calls = callStoreWith();
    const { account, emit } = await signedInAccount({ calls: calls.store });
    const stop = followCalls(history, () => ({
      userId: account.account?.status === 'signed-in' ? account.account.session.userId : null,
      calls: account.calls?.calls ?? [],
    }));
    flushSync();
    calls.set([ended('a')]);
    flushSync();
    expect(history.entries.map((entry) => entry.callId)).toEqual(['a']);
    emit('account.changed', { status: 'signed-out', reason: 'user-signed-out', wipeStores: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(history.entries).toEqual([]);
    expect(JSON.parse(storage.data.get(historyKey(me.userId)) ?? '[]')).toHaveLength(1);
    stop();
    calls.store.dispose();
  });
});
