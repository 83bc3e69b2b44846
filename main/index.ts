/**
 * Electron entry: creates Electron's objects and hands them to the plain modules. Kept
 * thin on purpose — everything with logic lives in modules tested without Electron.
 */
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import { APP_BASE_URL, APP_HOST, APP_SCHEME, electronAppOrigin, isAppUrl } from './appOrigin.js';
import { serveAppFile } from './appFiles.js';
import { createEventSender } from './bridge/eventSender.js';
import { registerBridge } from './bridge/registerBridge.js';
import { createMainCore } from './core.js';
import { createConsoleLogger } from './log.js';
import { decideNavigation, decidePermission, secureWebPreferences } from './windowSecurity.js';

const log = createConsoleLogger('main');
/** The keychain entry's service name (Secret Service / Keychain / Credential Manager). */
const KEYCHAIN_SERVICE = 'org.switchboardphone.Switchboard';
const rendererRoot = path.join(import.meta.dirname, '../renderer');
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let mainWindow: BrowserWindow | null = null;
const emit = createEventSender(() => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null), log);

function sendVisibility(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) return;
  emit('window.visibility', {
    visible: mainWindow.isVisible() && !mainWindow.isMinimized(),
    focused: mainWindow.isFocused(),
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 420,
    height: 680,
    minWidth: 360,
    minHeight: 520,
    show: false,
    title: 'Switchboard',
    webPreferences: secureWebPreferences(preloadPath),
  });
  for (const name of ['show', 'hide', 'focus', 'blur', 'minimize', 'restore'] as const) {
    window.on(name as 'show', sendVisibility);
  }
  window.once('ready-to-show', () => {
    if (!process.argv.includes('--hidden')) window.show();
  });
  void window.loadURL(`${APP_BASE_URL}index.html`);
  return window;
}

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

void app.whenReady().then(() => {
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

  const core = createMainCore({
    identity: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    secrets: keytar,
    keychainService: KEYCHAIN_SERVICE,
    // Electron's net.fetch follows the system's proxy settings.
    fetch: (input, init) => net.fetch(input, init),
    deviceName: `Switchboard on ${os.hostname()}`,
    log,
    onAccountChange: (state) => emit('account.changed', state),
  });
  void core.account.restore();
  registerBridge(ipcMain, {
    handlers: core.handlers,
    isAppSender: (frame) => isAppUrl(frame.url, electronAppOrigin),
    log,
  });

  mainWindow = createWindow();
});

app.on('window-all-closed', () => {
  app.quit();
});
