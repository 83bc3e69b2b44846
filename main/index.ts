/**
 * Electron entry: creates Electron's objects and hands them to the plain modules. Kept
 * thin on purpose — everything with logic lives in modules tested without Electron
 * (main/core.ts, main/shell/*; docs/desktop-shell.md says how they fit).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  net,
  Notification,
  powerSaveBlocker,
  protocol,
  session,
  shell,
  Tray,
} from 'electron';
import { APP_BASE_URL, APP_HOST, APP_SCHEME, electronAppOrigin, isAppUrl } from './appOrigin.js';
import { serveAppFile } from './appFiles.js';
import { createEventSender } from './bridge/eventSender.js';
import { registerBridge } from './bridge/registerBridge.js';
import { createMainCore, type MainCore } from './core.js';
import { createConsoleLogger } from './log.js';
import { createAutostartControl } from './shell/autostart.js';
import { DEFAULT_ACTIVATION_SCHEME } from './shell/notificationPresenter.js';
import { createShellSettingsFile } from './shell/shellSettings.js';
import { detectTrayAvailability } from './shell/trayAvailability.js';
import type { TrayLike } from './shell/trayController.js';
import { NOTIFICATION_ICON_FILE, trayIconFile } from './shell/trayIcons.js';
import type { TrayIconState } from './shell/trayState.js';
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
if (profile !== null && profile !== undefined) app.setPath('userData', `${app.getPath('userData')}-${profile}`);
const KEYCHAIN_SERVICE = profile ? `${APP_ID}.${profile}` : APP_ID;
const rendererRoot = path.join(import.meta.dirname, '../renderer');
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
const assetsDir = path.join(app.getAppPath(), 'assets');
const execFileAsync = promisify(execFile);

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
    icon: path.join(assetsDir, NOTIFICATION_ICON_FILE),
    webPreferences: secureWebPreferences(preloadPath),
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

/** The tray, if this desktop shows one; its image follows the panel's light or dark theme. */
function createTray(): {
  tray: TrayLike;
  iconPath: (state: TrayIconState) => string;
  onClick: (fn: () => void) => void;
} {
  const darkPanel = (): boolean =>
    process.platform === 'win32'
      ? nativeTheme.shouldUseDarkColorsForSystemIntegratedUI
      : nativeTheme.shouldUseDarkColors;
  const iconPath = (state: TrayIconState): string =>
    path.join(assetsDir, trayIconFile(state, { platform: process.platform, darkPanel: darkPanel() }));
  const tray = new Tray(iconPath('signed-out'));
  return {
    tray: {
      setImage: (image) => tray.setImage(image),
      setToolTip: (text) => tray.setToolTip(text),
      setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    },
    iconPath,
    onClick: (fn) => tray.on('click', fn),
  };
}

if (!app.requestSingleInstanceLock()) {
  // Another Switchboard runs: it receives this launch's arguments ('second-instance') and comes forward.
  app.quit();
} else {
  // macOS hands links over as open-url, possibly before the app is ready.
  const earlyUrls: string[] = [];
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (core === null) earlyUrls.push(url);
    else core.shell.openUrl(url);
  });
  app.on('second-instance', (_event, argv) => core?.shell.handleLaunch(argv, 'second'));
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

  void app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, async (request) => {
      const url = new URL(request.url);
      if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
      const response = await serveAppFile(rendererRoot, url.pathname);
      return new Response(response.body, { status: response.status, headers: response.headers });
    });

    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
      const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
      callback(decidePermission({ permission, requestingUrl: details.requestingUrl, mediaTypes }, electronAppOrigin));
    });
    session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
      decidePermission({ permission, requestingUrl: requestingOrigin }, electronAppOrigin),
    );

    if (process.platform === 'win32') {
      // Toasts belong to the app by this ID; their buttons come back through this scheme.
      app.setAppUserModelId(APP_ID);
      const devArgs = app.isPackaged ? [] : [path.resolve(process.argv[1] ?? '.')];
      app.setAsDefaultProtocolClient(DEFAULT_ACTIVATION_SCHEME, process.execPath, devArgs);
    }
    // A development build does not take over the system's matrix: links.
    if (app.isPackaged) app.setAsDefaultProtocolClient('matrix');

    trayAvailable = await detectTrayAvailability({
      platform: process.platform,
      env: process.env,
      runGdbus: async (args) => (await execFileAsync('gdbus', [...args], { timeout: 2_000 })).stdout,
    });
    const tray = trayAvailable ? createTray() : null;
    if (!trayAvailable) log.info('no tray on this desktop: closing the window minimises it');

    const created = createMainCore({
      identity: { name: app.getName(), version: app.getVersion(), platform: process.platform },
      secrets: keytar,
      keychainService: KEYCHAIN_SERVICE,
      // Electron's net.fetch follows the system's proxy settings.
      fetch: (input, init) => net.fetch(input, init),
      deviceName: `Switchboard on ${os.hostname()}`,
      log,
      onAccountChange: (state) => emit('account.changed', state),
      emit,
      shell: {
        createNotification: (options) => new Notification(options),
        notificationIconPath: path.join(assetsDir, NOTIFICATION_ICON_FILE),
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
      },
    });
    core = created;
    // macOS opens the menu on click; elsewhere a click brings the window forward.
    if (process.platform !== 'darwin') tray?.onClick(() => created.shell.trayIconClicked());
    nativeTheme.on('updated', () => created.shell.refreshTray());

    created.shell.handleLaunch(process.argv, 'first');
    for (const url of earlyUrls.splice(0)) created.shell.openUrl(url);
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
