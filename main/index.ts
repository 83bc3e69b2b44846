/**
 * Electron entry: creates Electron's objects and hands them to the plain modules. Kept
 * thin on purpose — everything with logic lives in modules tested without Electron
 * (main/core.ts, main/shell/*; docs/desktop-shell.md says how they fit).
 */
import { execFile } from 'node:child_process';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  nativeTheme,
  net,
  Notification,
  powerSaveBlocker,
  protocol,
  session,
  shell,
} from 'electron';
import { CLAIMED_SCHEME } from './account/claimedRedirect.js';
import { loadKeychain } from './account/keychainLoader.js';
import { createNetFetch } from './account/netFetch.js';
import { appLayout } from './appLayout.js';
import {
  applyWindowsToastIdentity,
  createElectronTray,
  installApplicationMenu,
  listCaptureSources,
  requestDockAttention,
} from './electronAdapters.js';
import { SELF_TEST_FLAG, runSelfTest } from './selfTest.js';
import { APP_BASE_URL, APP_HOST, APP_SCHEME, electronAppOrigin, isAppUrl } from './appOrigin.js';
import { serveAppFile } from './appFiles.js';
import { decideWindowRequest, RTC_CONNECT_SRC } from './rtc/windowReach.js';
import { createEventSender } from './bridge/eventSender.js';
import { registerBridge } from './bridge/registerBridge.js';
import { createMainCore, type MainCore } from './core.js';
import { createConsoleLogger } from './log.js';
import { createAutostartControl } from './shell/autostart.js';
import { DEFAULT_ACTIVATION_SCHEME } from './shell/notificationPresenter.js';
import { createShellSettingsFile } from './shell/shellSettings.js';
import { createWindowStoreFile } from './store/windowStore.js';
import { detectTrayAvailability } from './shell/trayAvailability.js';
import { MINIMISE_EXPLANATION, decideStartupWindow, shouldStartHidden } from './shell/windowCloseBehaviour.js';
import { decideNavigation, decidePermission, secureWebPreferences } from './windowSecurity.js';

const log = createConsoleLogger('main');
/** The app ID (electron-builder.yml), also the keychain service name and the Windows AppUserModelID. */
const APP_ID = 'org.switchboardphone.Switchboard';
/**
 * A second, separate Switchboard on one computer (the demo's two people, or a developer's
 * test account): SWITCHBOARD_PROFILE=name gives it its own keychain entry, its own data
 * folder (window stores included) and its own single-instance lock.
 */
const profile = /^[a-z0-9-]{1,32}$/.test(process.env.SWITCHBOARD_PROFILE ?? '')
  ? process.env.SWITCHBOARD_PROFILE
  : null;
const selfTest = process.argv.includes(SELF_TEST_FLAG);
if (selfTest) app.setPath('userData', fsSync.mkdtempSync(path.join(os.tmpdir(), 'switchboard-self-test-')));
else if (profile !== null && profile !== undefined) app.setPath('userData', `${app.getPath('userData')}-${profile}`);
const KEYCHAIN_SERVICE = profile ? `${APP_ID}.${profile}` : APP_ID;
// From the bundle's own folder: out/ in a build, app.asar (and app.asar.unpacked) installed.
const layout = appLayout(import.meta.dirname, app.getAppPath());
const execFileAsync = promisify(execFile);
/** What every core of this app is made with: its identity, the keychain, Electron's net. */
async function coreEssentials() {
  return {
    identity: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    // Loaded here, not imported at the top: a keytar that cannot load must not stop the app.
    secrets: await loadKeychain(() => import('keytar'), { platform: process.platform, log }),
    keychainService: KEYCHAIN_SERVICE,
    // Electron's net follows the system's proxy settings; redirects stay the gateway's call (netFetch.ts).
    fetch: createNetFetch(net),
    isAppFrame: (frame: { url: string; parent: unknown }) =>
      frame.parent === null && isAppUrl(frame.url, electronAppOrigin),
    log,
  };
}

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let mainWindow: BrowserWindow | null = null;
let core: MainCore | null = null;
let quitting = false;
let trayAvailable = false;
const emit = createEventSender(() => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null), log);

function sendVisibility(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) return;
  emit('window.visibility', {
    visible: mainWindow.isVisible() && !mainWindow.isMinimized(),
    focused: mainWindow.isFocused(),
  });
  core?.shell.windowChanged();
}

function createWindow(shellCore: MainCore): BrowserWindow {
  const window = new BrowserWindow({
    width: 420,
    height: 680,
    minWidth: 360,
    minHeight: 520,
    show: false,
    title: 'Switchboard',
    icon: layout.notificationIconPath,
    webPreferences: secureWebPreferences(layout.preloadPath),
  });
  for (const name of ['show', 'hide', 'focus', 'blur', 'minimize', 'restore'] as const) {
    window.on(name as 'show', sendVisibility);
  }
  window.on('close', (event) => {
    const decision = shellCore.shell.windowCloseRequested({ quitting, trayAvailable });
    if (decision.action === 'allow') return;
    event.preventDefault();
    if (decision.action === 'hide-to-tray') {
      window.hide();
      return;
    }
    window.minimize();
    if (decision.explainOnce) {
      // Not attached to the window: a dialog of a minimised window may be minimised with it.
      void dialog.showMessageBox({
        type: 'info',
        message: 'Switchboard is still running',
        detail: MINIMISE_EXPLANATION,
        buttons: ['OK'],
      });
    }
  });
  window.once('ready-to-show', () => {
    const openedAtLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
    switch (decideStartupWindow(shouldStartHidden(process.argv, openedAtLogin), trayAvailable)) {
      case 'show':
        window.show();
        return;
      case 'minimised':
        window.showInactive();
        window.minimize();
        return;
      case 'tray':
        return;
    }
  });
  void window.loadURL(`${APP_BASE_URL}index.html`);
  return window;
}

/** The app:// protocol, the permission handlers and the display-media handler on the session. */
function secureSession(created: MainCore): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const response = await serveAppFile(
      layout.rendererRoot,
      url.pathname,
      { connectSrc: RTC_CONNECT_SRC },
      request.method,
    );
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
  // The window's network reach (windowReach.ts); main's own requests carry no webContents.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    if (details.webContentsId === undefined) return callback({});
    const decision = decideWindowRequest(details.url, created.livekit.reachableSfus());
    if (!decision.allow) log.warn('refused a request from the window', { reason: decision.reason });
    callback(decision.allow ? {} : { cancel: true });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(decidePermission({ permission, requestingUrl: details.requestingUrl, mediaTypes }, electronAppOrigin));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermission({ permission, requestingUrl: requestingOrigin }, electronAppOrigin),
  );
  // Without a handler getDisplayMedia fails outright. macOS 15+ shows its own picker (and
  // then never calls the handler); elsewhere the window shows ours (screenSharePicker.ts).
  session.defaultSession.setDisplayMediaRequestHandler(
    (request, callback) => {
      created.screenShare.handle({ ...request, frame: request.frame ?? null }, callback);
    },
    { useSystemPicker: true },
  );
}

/** `--self-test`: load the window, reach main through the bridge and the keychain, report, exit. */
async function selfTestAndExit(): Promise<void> {
  const essentials = await coreEssentials();
  const created = createMainCore({
    ...essentials,
    deviceName: 'Switchboard self-test',
    onAccountChange: () => undefined,
  });
  secureSession(created);
  registerBridge(ipcMain, {
    handlers: created.handlers,
    isAppSender: (frame) => isAppUrl(frame.url, electronAppOrigin),
    log,
  });
  const window = new BrowserWindow({ show: false, webPreferences: secureWebPreferences(layout.preloadPath) });
  const result = await runSelfTest(
    {
      loadWindow: () => window.loadURL(`${APP_BASE_URL}index.html`),
      askBridge: () => window.webContents.executeJavaScript("window.switchboard.request('app.info', {})", true),
      probeKeychain: async () => {
        await essentials.secrets.getPassword(KEYCHAIN_SERVICE, 'self-test-probe');
      },
    },
    {
      name: app.getName(),
      version: app.getVersion(),
      platform: process.platform,
      electron: process.versions.electron ?? '?',
    },
  );
  process.stdout.write(`${result.lines.join('\n')}\n`);
  app.exit(result.ok ? 0 : 1);
}

if (selfTest) {
  installApplicationMenu();
  void app.whenReady().then(selfTestAndExit, (error: unknown) => {
    process.stderr.write(`self-test could not start: ${String(error)}\n`);
    app.exit(1);
  });
} else if (!app.requestSingleInstanceLock()) {
  // Another Switchboard runs: it receives this launch's arguments ('second-instance') and comes forward.
  app.quit();
} else {
  // macOS hands links over as open-url, possibly before the app is ready.
  const earlyUrls: string[] = [];
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (core === null) earlyUrls.push(url);
    else core.openUrl(url);
  });
  app.on('second-instance', (_event, argv) => core?.handleLaunch(argv, 'second'));
  app.on('activate', () => core?.shell.showWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => core?.shell.dispose());

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url, electronAppOrigin, 'navigate').action === 'deny') {
        log.warn('refused navigation away from the app', { url });
        event.preventDefault();
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideNavigation(url, electronAppOrigin, 'open-window');
      if (decision.action === 'deny' && decision.openExternally) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  // Before ready: Electron would otherwise install its default menu (Reload, DevTools).
  installApplicationMenu();

  void app.whenReady().then(async () => {
    // What the OS runs for this app's URL schemes: a development run is Electron with the app's folder.
    const devArgs = app.isPackaged ? [] : [path.resolve(process.argv[1] ?? '.')];
    if (process.platform === 'win32') {
      // Toasts belong to the app by this ID; their buttons come back through this scheme.
      applyWindowsToastIdentity(APP_ID, log);
      app.setAsDefaultProtocolClient(DEFAULT_ACTIVATION_SCHEME, process.execPath, devArgs);
    }
    // A development build does not take over the system's matrix: links.
    if (app.isPackaged) app.setAsDefaultProtocolClient('matrix');
    // OAuth's way back for servers that refuse loopback (claimedRedirect.ts): offered only where
    // the OS confirms the scheme is this app's (installers declare it; Windows dev runs register it).
    const claimedScheme =
      app.isPackaged || process.platform === 'win32'
        ? app.setAsDefaultProtocolClient(CLAIMED_SCHEME, process.execPath, devArgs)
        : false;

    trayAvailable = await detectTrayAvailability({
      platform: process.platform,
      env: process.env,
      runGdbus: async (args) => (await execFileAsync('gdbus', [...args], { timeout: 2_000 })).stdout,
    });
    const tray = trayAvailable ? createElectronTray(layout.assetsDir) : null;
    if (!trayAvailable) log.info('no tray on this desktop: closing the window minimises it');

    const created = createMainCore({
      ...(await coreEssentials()),
      windowStore: createWindowStoreFile({ fs, dir: app.getPath('userData'), log, writerId: String(process.pid) }),
      listCaptureSources,
      // Single sign-on happens in the person's own browser, never in a web view of ours.
      openExternal: (url) => shell.openExternal(url),
      claimedScheme,
      deviceName: `Switchboard on ${os.hostname()}`,
      onAccountChange: (state) => emit('account.changed', state),
      emit,
      shell: {
        createNotification: (options) => new Notification(options),
        notificationIconPath: layout.notificationIconPath,
        tray: tray?.tray ?? null,
        ...(tray === null ? {} : { trayIconPath: tray.iconPath }),
        getWindow: () => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null),
        powerSaveBlocker,
        settings: createShellSettingsFile({ fs, dir: app.getPath('userData'), log, writerId: String(process.pid) }),
        autostart: createAutostartControl({
          // An unpacked development build would register the bare Electron binary: not offered.
          platform: app.isPackaged ? process.platform : 'unpackaged',
          execPath: process.execPath,
          linux: { fs, env: process.env, homeDir: os.homedir() },
          loginItems: {
            set: (settings) => app.setLoginItemSettings(settings),
            get: (query) => app.getLoginItemSettings(query),
          },
        }),
        quit: () => app.quit(),
        activationScheme: DEFAULT_ACTIVATION_SCHEME,
        ...(process.platform === 'darwin' ? { requestAttention: requestDockAttention } : {}),
      },
    });
    core = created;
    secureSession(created);
    // macOS opens the menu on click; elsewhere a click brings the window forward.
    if (process.platform !== 'darwin') tray?.onClick(() => created.shell.trayIconClicked());
    nativeTheme.on('updated', () => created.shell.refreshTray());

    created.handleLaunch(process.argv, 'first');
    for (const url of earlyUrls.splice(0)) created.openUrl(url);
    void created.account.restore();
    registerBridge(ipcMain, {
      handlers: created.handlers,
      isAppSender: (frame) => isAppUrl(frame.url, electronAppOrigin),
      log,
    });

    mainWindow = createWindow(created);
  });

  app.on('window-all-closed', () => {
    // Closing hides the window; it only really closes when the app quits.
    app.quit();
  });
}
