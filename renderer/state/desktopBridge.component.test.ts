import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { fakeBridge } from '../testing/fakeBridge.js';
import { AccountStore } from './accountStore.svelte.js';
import { connectDesktopShell, connectionForMain, PendingLink } from './desktopBridge.svelte.js';
import { ringStopReason } from './ringPort.js';
import { SettingsStore } from './settingsStore.svelte.js';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('the window’s side of the desktop shell', () => {
  it('takes main’s do-not-disturb and start-at-login, and a link main was started with', async () => {
    const fake = fakeBridge({
      'account.state': () => ({ status: 'signed-out', reason: 'never-signed-in', wipeStores: false }),
      'shell.settings.get': () => ({ doNotDisturb: true, startAtLogin: false }),
      'link.take': () => ({ link: { userId: '@alice:example.org', action: 'call' } }),
      'connection.state': () => ({}),
      'call.state': () => ({}),
    });
    const account = new AccountStore({
      bridge: fake.bridge,
      startSession: () => Promise.reject(new Error('no')),
      wipeStores: async () => undefined,
    });
    const settings = new SettingsStore(memoryStorage());
    const link = new PendingLink();
    const stop = connectDesktopShell({ bridge: fake.bridge, account, settings, link, nameOf: (u) => u });
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(settings.values.doNotDisturb).toBe(true);
    expect(link.link).toEqual({ userId: '@alice:example.org', action: 'call' });

    fake.emit('shell.settings.changed', { doNotDisturb: false, startAtLogin: true });
    expect(settings.values).toMatchObject({ doNotDisturb: false, startAtLogin: true });
    // Before the account is known: main hears "not in a call" and "connecting", once each.
    expect(fake.requests.filter((r) => r.channel === 'call.state').map((r) => r.payload)).toEqual([{ inCall: false }]);
    expect(fake.requests.filter((r) => r.channel === 'connection.state').map((r) => r.payload)).toEqual([
      { connection: 'connecting' },
    ]);
    stop();
  });

  it('maps the engine’s words onto main’s', () => {
    expect(ringStopReason('answered')).toBe('answered');
    expect(ringStopReason('missed')).toBe('missed');
    expect(ringStopReason('answered-elsewhere')).toBe('answered-elsewhere');
    expect(ringStopReason('declined')).toBe('declined');
    expect(ringStopReason('media-failed')).toBe('failed');
    expect(connectionForMain({ kind: 'syncing' })).toBe('online');
    expect(connectionForMain({ kind: 'reconnecting', since: 0, nextTryWithinMs: 1, reason: 'x' })).toBe('connecting');
  });
});
