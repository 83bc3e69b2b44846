/**
 * Where the entry finds the app's own files. Two layouts must work: the built app as
 * `npm start` runs it (out/main, out/preload, out/renderer beside assets/), and the
 * installed app, where all of that sits inside resources/app.asar and the files other
 * programs must read from disk sit in resources/app.asar.unpacked (electron-builder.yml's
 * asarUnpack). The paths come from the bundle's own folder, never from the source tree.
 */
import path from 'node:path';
import { NOTIFICATION_ICON_FILE } from './shell/trayIcons.js';

export interface AppLayout {
  /** The window bundle (index.html and its assets), served as app://switchboard/. */
  rendererRoot: string;
  /** The sandboxed preload. */
  preloadPath: string;
  /** Tray icons and the app icon, read by Electron (which reads inside app.asar). */
  assetsDir: string;
  /** The notification icon, on disk: Windows reads a toast's image itself, and cannot look inside app.asar. */
  notificationIconPath: string;
}

/** A path inside app.asar, as the same path in app.asar.unpacked (unchanged outside an asar). */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}

/**
 * @param mainDir the folder of the running main bundle (import.meta.dirname: …/out/main)
 * @param appPath Electron's app.getAppPath() (the project folder, or …/resources/app.asar)
 */
export function appLayout(mainDir: string, appPath: string): AppLayout {
  const assetsDir = path.join(appPath, 'assets');
  return {
    rendererRoot: path.join(mainDir, '../renderer'),
    preloadPath: path.join(mainDir, '../preload/index.cjs'),
    assetsDir,
    notificationIconPath: unpackedPath(path.join(assetsDir, NOTIFICATION_ICON_FILE)),
  };
}
