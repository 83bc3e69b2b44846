/**
 * The Electron entry cannot run here (no Electron binary), so this runs it against a
 * stand-in for the 'electron' module that behaves as Electron does where the app depends
 * on it (main/testing/electronStandIn.ts): the entry starts without throwing on each
 * platform and wires what the secure window, the bridge, screen sharing, notifications
 * and the keychain depend on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLAIMED_REDIRECT_URI, CLAIMED_SCHEME } from './account/claimedRedirect.js';
import { createElectronStandIn, type ElectronStandIn, type StandInOptions } from './testing/electronStandIn.js';

const holder = vi.hoisted(() => ({ standIn: null as unknown, keytar: null as unknown }));
// Each test starts the entry afresh against its own stand-in; the mocked module reads the current one.
vi.mock('electron', async () => {
  const { createElectronStandIn: template } = await import('./testing/electronStandIn.js');
  const live: Record<string, unknown> = {};
  for (const key of Object.keys(template({ platform: 'linux' }).module)) {
    Object.defineProperty(live, key, {
      enumerable: true,
      get: () => ((holder.standIn as ElectronStandIn).module as Record<string, unknown>)[key],
    });
  }
  return live;
});
vi.mock('keytar', () => ({
  get default() {
    // A keytar that fails to load: its native part throws as the module is read.
    if (holder.keytar instanceof Error) throw holder.keytar;
    return holder.keytar;
  },
}));

function memoryKeytar() {
  const entries = new Map<string, string>();
  return {
    getPassword: async (service: string, account: string) => entries.get(`${service}/${account}`) ?? null,
    setPassword: async (service: string, account: string, password: string) =>
      void entries.set(`${service}/${account}`, password),
    deletePassword: async (service: string, account: string) => entries.delete(`${service}/${account}`),
  };
}

/** A keychain holding a saved session, so the app starts signed in (to a homeserver nobody answers at). */
function signedInKeytar() {
  const keytar = memoryKeytar();
  void keytar.setPassword(
    'org.switchboardphone.Switchboard',
    'session',
    JSON.stringify({
      homeserverUrl: 'http://127.0.0.1:9',
      userId: '@me:example.org',
      deviceId: 'DEV',
      accessToken: 'syt_x',
    }),
  );
  return keytar;
}

const realPlatform = process.platform;
const realArgv = process.argv;
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform });
  process.argv = realArgv;
});

async function start(options: StandInOptions, keytar: unknown = memoryKeytar(), argv: string[] = []) {
  const standIn = createElectronStandIn(options);
  holder.standIn = standIn;
  holder.keytar = keytar;
  Object.defineProperty(process, 'platform', { value: options.platform });
  process.argv = [realArgv[0] ?? 'electron', '.', ...argv];
  vi.resetModules();
  await import('./index.js');
  expect(standIn.recorded.ready).not.toBeNull();
  standIn.recorded.ready?.();
  return standIn;
}

async function started(options: StandInOptions, keytar?: unknown) {
  const standIn = await start(options, keytar);
  await vi.waitFor(() => expect(standIn.recorded.windows).toHaveLength(1), { timeout: 5_000 });
  return standIn;
}

const appFrame = { url: 'app://switchboard/index.html', parent: null };

/** The engine's ring request for a call from Alice. */
const aliceRings = () => ({
  callId: 'c1',
  roomId: '!r:example.org',
  caller: { userId: '@alice:example.org', displayName: 'Alice' },
  video: false,
  expiresAt: Date.now() + 60_000,
});

describe('main/index.ts against a stand-in for Electron', () => {
  it('starts: a sandboxed window on app://, the page served with its CSP, the bridge answering the app page only', async () => {
    const { recorded, request } = await started({ platform: 'linux' });
    expect(recorded.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    const [window] = recorded.windows;
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: expect.stringMatching(/preload[/\\]index\.cjs$/),
    });
    expect(window?.loaded).toEqual(['app://switchboard/index.html']);

    // Electron hands protocol.handle a fetch Request.
    const appRequest = (url: string, method = 'GET') =>
      recorded.protocolHandlers.get('app')?.(new Request(url, { method }));
    const served = await appRequest('app://switchboard/index.html');
    expect(served?.status).toBe(200);
    expect(served?.headers.get('content-security-policy')).toContain("default-src 'none'");
    // The CSP allows LiveKit's WebSockets; main's request gate narrows them to the SFUs it handed tokens for.
    expect(served?.headers.get('content-security-policy')).toContain("connect-src 'self' wss:;");
    const verdict = (url: string, webContentsId?: number) =>
      new Promise((resolve) => recorded.beforeRequest?.({ url, webContentsId }, resolve));
    expect(await verdict('wss://sfu.example/rtc', 1)).toEqual({ cancel: true });
    expect(await verdict('https://matrix.example/_matrix/client/v3/sync', 1)).toEqual({ cancel: true });
    expect(await verdict('app://switchboard/assets/index.js', 1)).toEqual({});
    expect(await verdict('https://matrix.example/_matrix/client/versions')).toEqual({}); // main's own request
    expect((await appRequest('app://elsewhere/index.html'))?.status).toBe(404);
    expect((await appRequest('app://switchboard/index.html', 'POST'))?.status).toBe(405);
    expect((await appRequest('app://switchboard/%2e%2e/package.json'))?.status).toBe(404);

    expect(await request('app.info', {})).toMatchObject({
      ok: true,
      value: { name: 'Switchboard', version: '0.1.0-smoke' },
    });
    expect(await request('app.info', {}, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });

    const granted: boolean[] = [];
    recorded.permissionRequest?.(null, 'media', (ok: boolean) => granted.push(ok), {
      requestingUrl: 'app://switchboard/index.html',
      mediaTypes: ['audio'],
    });
    recorded.permissionRequest?.(null, 'geolocation', (ok: boolean) => granted.push(ok), {
      requestingUrl: 'app://switchboard/index.html',
    });
    expect(granted).toEqual([true, false]);

    // Navigation away is refused, new windows are denied.
    const listeners = new Map<string, (event: { preventDefault: () => void }, url: string) => void>();
    const windowOpen: { handler: ((details: { url: string }) => { action: string }) | null } = { handler: null };
    recorded.appListeners.get('web-contents-created')?.(null, {
      on: (event: string, listener: (event: { preventDefault: () => void }, url: string) => void) =>
        listeners.set(event, listener),
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) =>
        (windowOpen.handler = handler),
    });
    let prevented = false;
    listeners.get('will-navigate')?.({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(windowOpen.handler?.({ url: 'http://example.org/' })).toEqual({ action: 'deny' });
  });

  it('shares a screen: a display-media handler (system picker on macOS 15+), the window’s picker elsewhere, app page only', async () => {
    const { recorded, request } = await started({ platform: 'linux' });
    expect(recorded.displayMedia?.options).toEqual({ useSystemPicker: true });
    const [window] = recorded.windows;

    // getDisplayMedia's permission request: media with no media types, deliberately granted to the app only.
    const granted: boolean[] = [];
    for (const requestingUrl of ['app://switchboard/index.html', 'https://evil.example/']) {
      recorded.permissionRequest?.(null, 'media', (ok: boolean) => granted.push(ok), { requestingUrl, mediaTypes: [] });
    }
    expect(granted).toEqual([true, false]);

    const answers: unknown[] = [];
    recorded.displayMedia?.handler(
      { frame: appFrame, videoRequested: true, audioRequested: false, securityOrigin: 'app://switchboard' },
      (streams: unknown) => answers.push(streams),
    );
    await vi.waitFor(() =>
      expect(window?.sent.some((e) => (e.payload as { channel?: string }).channel === 'screenShare.choose')).toBe(true),
    );
    const choose = window?.sent.find((e) => (e.payload as { channel?: string }).channel === 'screenShare.choose')
      ?.payload as { payload: { requestId: string; sources: { id: string; name: string }[] } };
    expect(choose.payload.sources.map((s) => s.name)).toEqual(['Entire Screen', 'Terminal']);
    expect(await request('screenShare.pick', { requestId: choose.payload.requestId, sourceId: 'window:42:0' })).toEqual(
      {
        ok: true,
        value: { accepted: true },
      },
    );
    expect(answers).toEqual([{ video: { id: 'window:42:0', name: 'Terminal' } }]);

    recorded.displayMedia?.handler(
      { frame: { url: 'https://evil.example/', parent: null }, videoRequested: true, audioRequested: false },
      (streams: unknown) => answers.push(streams),
    );
    expect(answers.at(-1)).toBeNull();
  });

  it('keeps running when keytar cannot load, and the window says what to install', async () => {
    const { recorded, request } = await started(
      { platform: 'linux' },
      new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'),
    );
    expect(recorded.windows).toHaveLength(1);
    await vi.waitFor(async () =>
      expect(await request('account.state', {})).toMatchObject({
        ok: true,
        value: {
          status: 'signed-out',
          reason: 'keychain-unavailable',
          message: expect.stringMatching(/libsecret.*GNOME Keyring or KWallet/s),
        },
      }),
    );
  });

  it('installs no application menu on Linux and Windows (no Reload, no DevTools), before the app is ready', async () => {
    const { recorded } = await started({ platform: 'linux' });
    expect(recorded.applicationMenu).toEqual([null]);
    expect(recorded.menuSetBeforeReady).toBe(true);
  });

  it('keeps copy and paste on macOS with an Edit menu', async () => {
    const { recorded } = await started({ platform: 'darwin' });
    const [menu] = recorded.applicationMenu as { label: string; submenu: { role?: string }[] }[][];
    expect(menu?.map((item) => item.label)).toEqual(['Switchboard', 'Edit', 'Window']);
    expect(menu?.[1]?.submenu.map((item) => item.role)).toEqual(expect.arrayContaining(['copy', 'paste']));
  });

  it('claims the sign-in scheme only where the OS hands it over, and a sign-in link never reaches the shell', async () => {
    const dev = await started({ platform: 'linux', isPackaged: false });
    expect(dev.recorded.protocolClients).toEqual([]);

    const installed = await started({
      platform: 'linux',
      isPackaged: true,
      appPath: '/opt/Switchboard/resources/app.asar',
    });
    expect(installed.recorded.protocolClients).toEqual(['matrix', CLAIMED_SCHEME]);
    const window = installed.recorded.windows[0]!;
    const shown = window.calls.length;
    // A second launch carrying a sign-in answer while no sign-in waits: refused, no window, no link.
    installed.recorded.appListeners.get('second-instance')?.({}, [
      '/opt/Switchboard/switchboard',
      `${CLAIMED_REDIRECT_URI}?code=stolen&state=guess`,
    ]);
    installed.recorded.appListeners.get('open-url')?.(
      { preventDefault: () => undefined },
      `${CLAIMED_REDIRECT_URI}?code=x&state=y`,
    );
    expect(window.calls.slice(shown)).toEqual([]);
    expect(window.sent.filter((sent) => sent.channel.includes('link'))).toEqual([]);
    // A matrix: link still goes to the shell, which brings the window forward.
    installed.recorded.appListeners.get('second-instance')?.({}, [
      '/opt/Switchboard/switchboard',
      'matrix:u/alice:example.org?action=call',
    ]);
    expect(window.calls.slice(shown)).toContain('show');
  });

  it('gives a development run on Windows a Start-menu shortcut carrying its toast ID', async () => {
    const { recorded } = await started({ platform: 'win32', isPackaged: false });
    expect(recorded.shortcuts).toHaveLength(1);
    const [shortcut] = recorded.shortcuts;
    expect(shortcut?.path).toMatch(/Start Menu\\Programs\\Switchboard \(development\)\.lnk$/);
    expect(recorded.appUserModelIds).toEqual([shortcut?.details.appUserModelId]);
  });

  it('uses the installer’s ID on an installed Windows app, and points toasts at the unpacked icon', async () => {
    const { recorded, request, notifications } = await started(
      { platform: 'win32', isPackaged: true, appPath: '/opt/Switchboard/resources/app.asar' },
      signedInKeytar(),
    );
    expect(recorded.shortcuts).toEqual([]);
    expect(recorded.appUserModelIds).toEqual(['org.switchboardphone.Switchboard']);
    await vi.waitFor(async () =>
      expect(await request('account.state', {})).toMatchObject({ value: { status: 'signed-in' } }),
    );
    await request('ring.start', aliceRings());
    const toast = notifications.all[0]?.options.toastXml ?? '';
    expect(toast).toContain('scenario="incomingCall"');
    // Windows reads the image itself, from disk: never from inside app.asar. (Posix paths: this runs on Linux.)
    expect(toast).toContain('src="file:///opt/Switchboard/resources/app.asar.unpacked/assets/icons/256x256.png"');
  });

  it('raises the window on top and bounces the dock when macOS refuses the notification (unsigned build)', async () => {
    const { recorded, request, notifications } = await started(
      { platform: 'darwin', notifications: { refuse: true } },
      signedInKeytar(),
    );
    await vi.waitFor(async () =>
      expect(await request('account.state', {})).toMatchObject({ value: { status: 'signed-in' } }),
    );
    await request('ring.start', aliceRings());
    await vi.waitFor(() => expect(recorded.dockBounces).toEqual(['critical']));
    expect(notifications.onScreen()).toEqual([]);
    expect(recorded.windows[0]?.calls).toEqual(expect.arrayContaining(['on top', 'showInactive', 'moveTop']));
    await request('ring.stop', { callId: 'c1', reason: 'answered' });
    expect(recorded.dockBounces).toEqual(['critical', 'cancelled']);
    expect(recorded.windows[0]?.calls.at(-1)).toBe('not on top');
  });

  it('--self-test loads the window, reaches main through the bridge and the keychain, and exits 0', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    let standIn: ElectronStandIn;
    try {
      standIn = await start({ platform: 'linux' }, memoryKeytar(), ['--self-test']);
      await vi.waitFor(() => expect(standIn.recorded.exitCode).not.toBeNull(), { timeout: 5_000 });
    } finally {
      write.mockRestore();
    }
    expect(standIn.recorded.windows).toHaveLength(1);
    expect(standIn.recorded.windows[0]?.options.show).toBe(false);
    expect(standIn.recorded.exitCode).toBe(0);
    expect(written.join('')).toMatch(/ok {4}bridge: the page reached main[\s\S]*self-test passed/);
  });
});
