/**
 * A stand-in for the `electron` module, for running main/index.ts without the Electron
 * binary. It behaves as Electron does where the app depends on it: the session records
 * the permission and display-media handlers (and the handler's options), notifications
 * emit 'failed', 'action', 'click' and 'close' only where that platform's Electron does
 * (fakeNotifications.testing.ts), net refuses to hand back a redirect in 'manual' mode
 * (fakeElectronNet.testing.ts), the dock exists only on macOS, and setApplicationMenu and
 * writeShortcutLink are recorded. Everything is recorded for the test to read.
 */
import os from 'node:os';
import { createFakeElectronNet } from '../account/fakeElectronNet.testing.js';
import { createFakeNotifications, type FakeNotificationOptions } from '../shell/fakeNotifications.testing.js';

type Listener = (...args: unknown[]) => unknown;

export interface StandInOptions {
  platform: NodeJS.Platform;
  isPackaged?: boolean;
  notifications?: FakeNotificationOptions;
  userData?: string;
  /** app.getAppPath(): the project folder (an unpackaged run), or an installed …/resources/app.asar. */
  appPath?: string;
}

export interface StandInWindow {
  options: Record<string, unknown>;
  loaded: string[];
  calls: string[];
  sent: { channel: string; payload: unknown }[];
  listeners: Map<string, Listener[]>;
  emit(event: string, ...args: unknown[]): void;
  executeJavaScript: (code: string) => Promise<unknown>;
}

export function createElectronStandIn(options: StandInOptions) {
  const noop = (): undefined => undefined;
  const recorded = {
    privileged: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    windows: [] as StandInWindow[],
    ipcHandlers: new Map<string, Listener>(),
    appListeners: new Map<string, Listener>(),
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    displayMedia: null as null | { handler: Listener; options: unknown },
    /** session.webRequest.onBeforeRequest: Electron calls it for every request of the session. */
    beforeRequest: null as Listener | null,
    applicationMenu: [] as unknown[],
    shortcuts: [] as { path: string; operation: string; details: Record<string, unknown> }[],
    appUserModelIds: [] as string[],
    /** app.setAsDefaultProtocolClient: the URL schemes the app asked the OS to hand it. */
    protocolClients: [] as string[],
    dockBounces: [] as string[],
    exitCode: null as number | null,
    ready: null as null | (() => void),
    menuSetBeforeReady: false,
  };
  const notifications = createFakeNotifications({ platform: options.platform, ...options.notifications });
  let isReady = false;

  class BrowserWindow {
    readonly record: StandInWindow;
    readonly webContents: Record<string, unknown>;
    constructor(windowOptions: Record<string, unknown>) {
      const listeners = new Map<string, Listener[]>();
      this.record = {
        options: windowOptions,
        loaded: [],
        calls: [],
        sent: [],
        listeners,
        emit: (event, ...args) => {
          for (const listener of listeners.get(event) ?? []) listener(...args);
        },
        // The page's side, as far as main asks it anything (the self-test): a bridge request
        // from the app page, answered as the preload answers it (a reply as data).
        executeJavaScript: async (code) => {
          const asked = /window\.switchboard\.request\('([\w.]+)', \{\}\)/.exec(code);
          return asked?.[1] === undefined ? undefined : request(asked[1], {});
        },
      };
      const record = this.record;
      this.webContents = {
        send: (channel: string, payload: unknown) => record.sent.push({ channel, payload }),
        on: noop,
        setWindowOpenHandler: noop,
        executeJavaScript: (code: string) => record.executeJavaScript(code),
      };
      recorded.windows.push(record);
    }
    on(event: string, listener: Listener) {
      this.record.listeners.set(event, [...(this.record.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isVisible = () => this.record.calls.some((c) => c === 'show' || c === 'showInactive');
    isMinimized = () => false;
    isFocused = () => false;
    show = () => void this.record.calls.push('show');
    showInactive = () => void this.record.calls.push('showInactive');
    hide = () => void this.record.calls.push('hide');
    focus = () => void this.record.calls.push('focus');
    minimize = () => void this.record.calls.push('minimize');
    restore = () => void this.record.calls.push('restore');
    moveTop = () => void this.record.calls.push('moveTop');
    flashFrame = (flag: boolean) => void this.record.calls.push(flag ? 'flash on' : 'flash off');
    setAlwaysOnTop = (flag: boolean) => void this.record.calls.push(flag ? 'on top' : 'not on top');
    setSkipTaskbar = noop;
  }

  class Tray {
    setImage = noop;
    setToolTip = noop;
    setContextMenu = noop;
    on = noop;
  }

  const app = {
    getAppPath: () => options.appPath ?? process.cwd(),
    getPath: (name: string) => (name === 'userData' ? (options.userData ?? os.tmpdir()) : os.tmpdir()),
    setPath: noop,
    getName: () => 'Switchboard',
    getVersion: () => '0.1.0-smoke',
    isPackaged: options.isPackaged ?? false,
    requestSingleInstanceLock: () => true,
    quit: noop,
    exit: (code: number) => void (recorded.exitCode = code),
    on: (event: string, listener: Listener) => {
      recorded.appListeners.set(event, listener);
      return app;
    },
    whenReady: () =>
      new Promise<void>((resolve) => {
        recorded.ready = () => {
          isReady = true;
          resolve();
        };
      }),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: noop,
    setAppUserModelId: (id: string) => void recorded.appUserModelIds.push(id),
    setAsDefaultProtocolClient: (scheme: string) => {
      recorded.protocolClients.push(scheme);
      return true;
    },
    // The dock exists on macOS only.
    ...(options.platform === 'darwin'
      ? {
          dock: {
            bounce: (type: string) => {
              recorded.dockBounces.push(type);
              return recorded.dockBounces.length;
            },
            cancelBounce: () => void recorded.dockBounces.push('cancelled'),
          },
        }
      : {}),
  };

  const net = createFakeElectronNet();
  const module = {
    app,
    BrowserWindow,
    Tray,
    Notification: Object.assign(
      function Notification(this: unknown, notificationOptions: Parameters<typeof notifications.create>[0]) {
        return notifications.create(notificationOptions);
      },
      { isSupported: () => true },
    ),
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => {
        if (!isReady && recorded.applicationMenu.length === 0) recorded.menuSetBeforeReady = true;
        recorded.applicationMenu.push(menu);
      },
    },
    nativeTheme: { shouldUseDarkColors: false, shouldUseDarkColorsForSystemIntegratedUI: false, on: noop },
    net,
    powerSaveBlocker: { start: () => 1, stop: noop, isStarted: () => false },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        recorded.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => (recorded.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Listener) => (recorded.permissionCheck = handler),
        setDisplayMediaRequestHandler: (handler: Listener, handlerOptions: unknown) =>
          (recorded.displayMedia = { handler, options: handlerOptions }),
        webRequest: {
          onBeforeRequest: (listener: Listener) => (recorded.beforeRequest = listener),
        },
      },
    },
    desktopCapturer: {
      getSources: async () =>
        [
          { id: 'screen:0:0', name: 'Entire Screen' },
          { id: 'window:42:0', name: 'Terminal' },
        ].map((source) => ({
          ...source,
          display_id: '',
          appIcon: null,
          thumbnail: { isEmpty: () => false, toJPEG: () => Buffer.from([0xff, 0xd8, 0xff]) },
        })),
    },
    shell: {
      openExternal: async () => undefined,
      writeShortcutLink: (path: string, operation: string, details: Record<string, unknown>) => {
        recorded.shortcuts.push({ path, operation, details });
        return true;
      },
    },
    dialog: { showMessageBox: async () => ({ response: 0 }) },
    ipcMain: {
      handle: (channel: string, listener: Listener) => recorded.ipcHandlers.set(channel, listener),
      removeHandler: (channel: string) => recorded.ipcHandlers.delete(channel),
    },
  };

  /** A request from the app's own page through the bridge, as the preload would send it. */
  const request = (channel: string, payload: unknown, url = 'app://switchboard/index.html') =>
    recorded.ipcHandlers.get('switchboard:request')?.({ senderFrame: { url, parent: null } }, { channel, payload });

  return { module, recorded, notifications, net, request };
}

export type ElectronStandIn = ReturnType<typeof createElectronStandIn>;
