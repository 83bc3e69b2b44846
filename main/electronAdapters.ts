/**
 * Electron's objects, wrapped into the small interfaces the plain modules take. No logic
 * lives here beyond the wrapping; each decision is in the module named beside it.
 */
import path from 'node:path';
import { app, desktopCapturer, Menu, nativeTheme, shell, Tray } from 'electron';
import type { Logger } from './log.js';
import { applicationMenuTemplate } from './shell/applicationMenu.js';
import type { DesktopSourceLike } from './shell/screenSharePicker.js';
import type { TrayLike } from './shell/trayController.js';
import { panelIsDark, trayIconFile } from './shell/trayIcons.js';
import type { TrayIconState } from './shell/trayState.js';
import { windowsToastIdentity } from './shell/windowsToastIdentity.js';

/** Thumbnails in the screen picker: small enough to send, big enough to recognise a window. */
const THUMBNAIL_SIZE = { width: 320, height: 180 };

/** The tray (trayIcons.ts: glyphs suit the panel's colour, not the app's theme). */
export function createElectronTray(assetsDir: string): {
  tray: TrayLike;
  iconPath: (state: TrayIconState) => string;
  onClick: (fn: () => void) => void;
} {
  const darkPanel = (): boolean =>
    panelIsDark({
      platform: process.platform,
      env: process.env,
      appThemeDark: nativeTheme.shouldUseDarkColors,
      systemUiDark: nativeTheme.shouldUseDarkColorsForSystemIntegratedUI,
    });
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

/** Screens and windows for the screen picker (screenSharePicker.ts). */
export async function listCaptureSources(): Promise<DesktopSourceLike[]> {
  const sources = await desktopCapturer.getSources({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE });
  return sources.map((source) => ({
    id: source.id,
    name: source.name,
    thumbnailJpeg: () => (source.thumbnail.isEmpty() ? new Uint8Array(0) : source.thumbnail.toJPEG(70)),
  }));
}

/** No menu on Windows and Linux, Edit (copy, paste) on macOS (applicationMenu.ts). */
export function installApplicationMenu(): void {
  const template = applicationMenuTemplate(process.platform, app.getName());
  Menu.setApplicationMenu(template === null ? null : Menu.buildFromTemplate(template));
}

/** macOS: bounce the dock icon until the app is active; the function returned stops it. */
export function requestDockAttention(): () => void {
  const id = app.dock?.bounce('critical');
  return () => {
    if (id !== undefined) app.dock?.cancelBounce(id);
  };
}

/** Windows toasts need an AppUserModelID with a Start-menu shortcut (windowsToastIdentity.ts). */
export function applyWindowsToastIdentity(appId: string, log: Logger): void {
  const identity = windowsToastIdentity({
    isPackaged: app.isPackaged,
    appId,
    productName: app.getName(),
    execPath: process.execPath,
    appPath: app.getAppPath(),
    appDataDir: app.getPath('appData'),
  });
  if (identity.shortcut !== null) {
    const written = shell.writeShortcutLink(identity.shortcut.path, 'create', identity.shortcut.details);
    if (!written) log.warn('no Start-menu shortcut for this development run: its toasts may not appear');
  }
  app.setAppUserModelId(identity.appUserModelId);
}
