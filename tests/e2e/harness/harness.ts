/**
 * The end-to-end harness: main's core in Node (the same modules the Electron entry
 * wires), the real renderer bundle served over loopback http, and the bridge carried by
 * a loopback WebSocket. A test opens `url` in Chromium and gets the whole app minus the
 * Electron binary.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { isAppUrl, type AppOrigin } from '../../../main/appOrigin.js';
import { serveAppFile } from '../../../main/appFiles.js';
import { createEventSender, type EmitEvent } from '../../../main/bridge/eventSender.js';
import { registerBridge } from '../../../main/bridge/registerBridge.js';
import { createWebSocketIpcMain, type WebSocketIpcMain } from '../../../main/bridge/webSocketIpcMain.js';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import type { SecretStore } from '../../../main/account/credentialStore.js';
import { createFakeElectronNet } from '../../../main/account/fakeElectronNet.testing.js';
import { createNetFetch } from '../../../main/account/netFetch.js';
import { createMainCore, type AppIdentity, type MainCore } from '../../../main/core.js';
import { createMemoryLogger, type LogRecord } from '../../../main/log.js';
import { createMemoryAutostart } from '../../../main/shell/desktopShell.js';
import { createFakeNotifications, type FakeNotification } from '../../../main/shell/fakeNotifications.testing.js';
import {
  createRecordingPowerSaveBlocker,
  createRecordingTray,
  createRecordingWindow,
  type RecordingPowerSaveBlocker,
  type RecordingTray,
  type RecordingWindow,
} from '../../../main/shell/fakeShell.testing.js';
import type { DesktopSourceLike } from '../../../main/shell/screenSharePicker.js';
import { createShellSettingsFile } from '../../../main/shell/shellSettings.js';
import { createWindowStoreFile } from '../../../main/store/windowStore.js';

/** What main's notifier showed, as the person would see it; a notification can be pressed or clicked. */
export interface RecordingNotifier {
  /** Every notification ever created, in order. */
  readonly all: readonly FakeNotification[];
  /** Shown and not closed. */
  onScreen(): FakeNotification[];
}

export interface Harness {
  /** The app's page. */
  url: string;
  /** The bridge socket, for tests that connect to it from elsewhere. */
  bridgeUrl: string;
  emit: EmitEvent;
  core: MainCore;
  keychainService: string;
  logs: readonly LogRecord[];
  /** Every frame main sent to a page over the bridge. */
  sentFrames: readonly string[];
  transport: WebSocketIpcMain;
  /** The desktop shell's stand-ins for Electron's notifications, tray, window and power blocker. */
  notifications: RecordingNotifier;
  tray: RecordingTray;
  /** The app window as main sees it: starts hidden in the tray (set it to test other cases). */
  window: RecordingWindow;
  power: RecordingPowerSaveBlocker;
  /**
   * The system browser as main sees it (Electron's shell.openExternal): every URL main
   * opened, and a test's hand in it (`onOpen`: what the person does in their browser).
   */
  systemBrowser: { readonly opened: readonly string[]; onOpen(handler: ((url: string) => void) | null): void };
  /** The shell settings file (do not disturb, start at login), in a folder of its own. */
  settingsFile: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  rendererDir: string;
  identity?: AppIdentity;
  /** Keychain service name; two harnesses with the same name share a saved sign-in (a restart). */
  keychainService?: string;
  secrets?: SecretStore;
  /** A fixed port: a harness restarted on the same port is the same origin, so the page keeps its stores. */
  port?: number;
  /**
   * Where the shell settings and the window's kept state live; by default a new temporary
   * folder, removed on close. A harness restarted with the same folder is the same install.
   */
  userDataDir?: string;
  /** What Electron's desktopCapturer would list for the screen picker; by default nothing. */
  captureSources?: () => Promise<DesktopSourceLike[]>;
  /**
   * LiveKit SFU origins the page's CSP allows. In Electron the CSP allows `wss:` and main's
   * request gate (main/rtc/windowReach.ts) narrows it to the SFUs it handed tokens for; a
   * Chromium page has no such gate, so the harness names the test's SFU in the CSP itself.
   */
  sfuConnectSrc?: readonly string[];
  /**
   * The address the harness listens on (127.0.0.1). A window in a network namespace of its
   * own reaches it through a forwarder on its 127.0.0.1 (tests/support/netns.ts), so the page's
   * origin stays http://127.0.0.1:PORT whatever this is.
   */
  bindHost?: string;
}

const harnessScript = '<script src="./__harness/preload.js"></script>';

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const log = createMemoryLogger('harness-main');
  let appOrigin: AppOrigin = { protocol: 'http:', host: '' };
  let connectSrc = '';

  const server: Server = createServer((request, response) => {
    void (async () => {
      const served = await serveAppFile(
        options.rendererDir,
        request.url ?? '/',
        { connectSrc: [connectSrc, ...(options.sfuConnectSrc ?? [])] },
        request.method,
      );
      let body: Uint8Array = served.body;
      if (served.status === 200 && served.headers['content-type']?.startsWith('text/html')) {
        const html = new TextDecoder().decode(served.body);
        body = new TextEncoder().encode(
          html.replace('<script type="module"', `${harnessScript}\n    <script type="module"`),
        );
      }
      response.writeHead(served.status, served.headers);
      response.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.bindHost ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  appOrigin = { protocol: 'http:', host: `127.0.0.1:${port}` };
  connectSrc = `ws://127.0.0.1:${port}`;

  const sockets = new WebSocketServer({ server, path: '/__bridge' });
  const sentFrames: string[] = [];
  const transport = createWebSocketIpcMain(sockets, log, (frame) => sentFrames.push(frame));
  const keychainService = options.keychainService ?? `switchboard-harness-${randomUUID()}`;
  let emit: EmitEvent = () => undefined;
  const identity = options.identity ?? { name: 'Switchboard', version: '0.0.0-harness', platform: 'linux' };
  const notifications = createFakeNotifications({ platform: identity.platform });
  const tray = createRecordingTray();
  const appWindow = createRecordingWindow();
  const power = createRecordingPowerSaveBlocker();
  const ownUserData = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-harness-')));
  const settings = createShellSettingsFile({ fs, dir: userDataDir, log });
  const opened: string[] = [];
  let onOpen: ((url: string) => void) | null = null;
  const core = createMainCore({
    // The window's settings and history, in the user-data folder as in the app.
    windowStore: createWindowStoreFile({ fs, dir: userDataDir, log }),
    // Resolves once "the browser started", as Electron's does; what happens there is the test's.
    openExternal: async (url) => {
      opened.push(url);
      onOpen?.(url);
    },
    identity,
    isAppFrame: (frame) => isAppUrl(frame.url, appOrigin),
    ...(options.captureSources === undefined ? {} : { listCaptureSources: options.captureSources }),
    secrets: options.secrets ?? keytar,
    keychainService,
    // Electron's net, as the app has it (its redirect behaviour, not Node fetch's).
    fetch: createNetFetch(createFakeElectronNet()),
    deviceName: `Switchboard harness on ${os.hostname()}`,
    log,
    onAccountChange: (state) => emit('account.changed', state),
    emit: (channel, payload) => emit(channel, payload),
    shell: {
      createNotification: notifications.create,
      tray,
      trayIconPath: (state) => `tray/${state}.png`,
      getWindow: () => appWindow,
      powerSaveBlocker: power,
      settings,
      autostart: createMemoryAutostart(),
    },
  });
  await core.shell.ready;
  await core.account.restore();
  const unregister = registerBridge(transport, {
    handlers: core.handlers,
    isAppSender: (frame) => isAppUrl(frame.url, appOrigin),
    log,
  });

  emit = createEventSender(() => transport.pages, log);
  return {
    url,
    bridgeUrl: `ws://127.0.0.1:${port}/__bridge`,
    emit,
    core,
    keychainService,
    logs: log.records,
    sentFrames,
    transport,
    notifications: { all: notifications.all, onScreen: notifications.onScreen },
    tray,
    window: appWindow,
    power,
    systemBrowser: {
      opened,
      onOpen: (handler) => {
        onOpen = handler;
      },
    },
    settingsFile: settings.file,
    async close() {
      core.shell.dispose();
      unregister();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownUserData) await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}
