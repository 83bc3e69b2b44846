import { describe, expect, it } from 'vitest';
import { createMainCore, type MainCoreDeps } from './core.js';
import { createMemoryLogger } from './log.js';
import { createFakeNotifications } from './shell/fakeNotifications.testing.js';
import { createRecordingTray } from './shell/fakeShell.testing.js';

function deps(identity: MainCoreDeps['identity']): MainCoreDeps {
  return {
    identity,
    secrets: {
      getPassword: async () => null,
      setPassword: async () => undefined,
      deletePassword: async () => false,
    },
    keychainService: 'test',
    fetch: () => Promise.reject(new Error('offline')),
    deviceName: 'test',
    log: createMemoryLogger('t'),
    onAccountChange: () => undefined,
  };
}

describe('createMainCore', () => {
  it('reports the app identity, naming unknown platforms "other"', async () => {
    const core = createMainCore(deps({ name: 'Switchboard', version: '0.1.0', platform: 'win32' }));
    expect(await core.handlers['app.info']({})).toEqual({ name: 'Switchboard', version: '0.1.0', platform: 'win32' });
    const other = createMainCore(deps({ name: 'S', version: '1', platform: 'freebsd' }));
    expect((await other.handlers['app.info']({})).platform).toBe('other');
  });

  it('starts signed out, and the gateway refuses everything until someone signs in', async () => {
    const core = createMainCore(deps({ name: 'S', version: '1', platform: 'linux' }));
    expect(await core.handlers['account.state']({})).toEqual({
      status: 'signed-out',
      reason: 'never-signed-in',
      wipeStores: false,
    });
    await expect(
      core.handlers['matrix.fetch']({
        requestId: 'r1',
        method: 'GET',
        url: 'https://matrix.example/_matrix/client/v3/sync',
        headers: {},
        body: null,
      }),
    ).rejects.toThrow('not signed in');
  });
});

describe('createMainCore with the desktop shell', () => {
  it('the ringing and settings channels reach the shell, and its events go out through emit', async () => {
    const notifications = createFakeNotifications();
    const tray = createRecordingTray();
    const sent: { channel: string; payload: unknown }[] = [];
    const core = createMainCore({
      ...deps({ name: 'S', version: '1', platform: 'darwin' }),
      emit: (channel, payload) => void sent.push({ channel, payload }),
      shell: { createNotification: notifications.create, tray, trayIconPath: (state) => state },
    });
    await core.shell.ready;
    expect(
      await core.handlers['ring.start']({
        callId: 'c1',
        roomId: '!r:example.org',
        caller: { userId: '@alice:example.org', displayName: 'Alice' },
        video: false,
        expiresAt: Date.now() + 60_000,
      }),
    ).toEqual({});
    expect(notifications.onScreen().map((n) => n.options.title)).toEqual(['Alice is calling']);
    notifications.onScreen()[0]?.press('Answer');
    expect(await core.handlers['ring.stop']({ callId: 'c1', reason: 'answered' })).toEqual({});
    expect(notifications.onScreen()).toEqual([]);
    expect(await core.handlers['shell.settings.set']({ doNotDisturb: true })).toEqual({
      settings: { doNotDisturb: true, startAtLogin: false },
      problem: null,
    });
    expect(await core.handlers['shell.settings.get']({})).toEqual({ doNotDisturb: true, startAtLogin: false });
    expect(await core.handlers['link.take']({})).toEqual({ link: null });
    expect(sent.map((event) => event.channel)).toEqual([
      'ring.sound',
      'call.action',
      'ring.sound',
      'shell.settings.changed',
    ]);
    expect(sent[1]?.payload).toEqual({ kind: 'answer', callId: 'c1' });
    // Signed out (as at start): the tray says so.
    expect(tray.image()).toBe('signed-out');
  });

  it('runs without any shell adapters, as the tests above do', async () => {
    const core = createMainCore(deps({ name: 'S', version: '1', platform: 'linux' }));
    expect(await core.handlers['call.state']({ inCall: false })).toEqual({});
    expect(await core.handlers['connection.state']({ connection: 'online' })).toEqual({});
    core.shell.dispose();
  });
});
