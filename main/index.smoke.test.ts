/**
 * The Electron entry cannot run here (no Electron binary), so this runs it against a
 * recording stand-in for the 'electron' module: it proves the entry starts without
 * throwing and wires what the secure window and the bridge depend on.
 */
import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';

const recorded = vi.hoisted(() => ({
  privileged: [] as unknown[],
  protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  appListeners: new Map<string, (...args: unknown[]) => void>(),
  permissionRequest: null as null | ((...args: unknown[]) => void),
  ready: null as null | (() => void),
}));

vi.mock('keytar', () => ({
  default: { getPassword: async () => null, setPassword: async () => undefined, deletePassword: async () => false },
}));

vi.mock('electron', () => {
  const noop = () => undefined;
  class BrowserWindow {
    readonly loaded: string[] = [];
    readonly webContents = { send: noop, on: noop, setWindowOpenHandler: noop };
    constructor(options: Record<string, unknown>) {
      recorded.windows.push({ options, loaded: this.loaded });
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isVisible = () => false;
    isMinimized = () => false;
    isFocused = () => false;
    show = noop;
    showInactive = noop;
    hide = noop;
    focus = noop;
    minimize = noop;
    restore = noop;
    flashFrame = noop;
    setSkipTaskbar = noop;
  }
  class Tray {
    setImage = noop;
    setToolTip = noop;
    setContextMenu = noop;
    on = noop;
  }
  class Notification {
    on = noop;
    show = noop;
    close = noop;
    static isSupported = () => true;
  }
  const app = {
    getAppPath: () => process.cwd(),
    getPath: () => os.tmpdir(),
    setPath: () => undefined,
    getName: () => 'Switchboard',
    getVersion: () => '0.1.0-smoke',
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    quit: noop,
    on: (event: string, listener: (...args: unknown[]) => void) => {
      recorded.appListeners.set(event, listener);
      return app;
    },
    whenReady: () => new Promise<void>((resolve) => (recorded.ready = resolve)),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: noop,
    setAppUserModelId: noop,
    setAsDefaultProtocolClient: () => true,
  };
  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (template: unknown) => template },
    nativeTheme: { shouldUseDarkColors: false, shouldUseDarkColorsForSystemIntegratedUI: false, on: noop },
    net: { fetch: (input: string, init?: RequestInit) => fetch(input, init) },
    powerSaveBlocker: { start: () => 1, stop: noop, isStarted: () => false },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) =>
        recorded.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (recorded.permissionRequest = handler),
        setPermissionCheckHandler: noop,
      },
    },
    shell: { openExternal: async () => undefined },
    dialog: { showMessageBox: async () => ({ response: 0 }) },
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) =>
        recorded.ipcHandlers.set(channel, listener),
      removeHandler: (channel: string) => recorded.ipcHandlers.delete(channel),
    },
  };
});

describe('main/index.ts against a stand-in for Electron', () => {
  it('starts: a sandboxed window on app://, the page served with its CSP, the bridge answering the app page only', async () => {
    await import('./index.js');
    expect(recorded.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(recorded.ready).not.toBeNull();
    recorded.ready?.();
    await vi.waitFor(() => expect(recorded.windows).toHaveLength(1), { timeout: 5_000 });

    const [window] = recorded.windows;
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: expect.stringMatching(/preload[/\\]index\.cjs$/),
    });
    expect(window?.loaded).toEqual(['app://switchboard/index.html']);

    const served = await recorded.protocolHandlers.get('app')?.({ url: 'app://switchboard/index.html' });
    expect(served?.status).toBe(200);
    expect(served?.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await recorded.protocolHandlers.get('app')?.({ url: 'app://elsewhere/index.html' }))?.status).toBe(404);

    const request = recorded.ipcHandlers.get('switchboard:request');
    const fromApp = { senderFrame: { url: 'app://switchboard/index.html', parent: null } };
    expect(await request?.(fromApp, { channel: 'app.info', payload: {} })).toMatchObject({
      ok: true,
      value: { name: 'Switchboard', version: '0.1.0-smoke' },
    });
    const fromElsewhere = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await request?.(fromElsewhere, { channel: 'app.info', payload: {} })).toMatchObject({
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
});
