/**
 * Windows shows a toast only for an AppUserModelID that a Start-menu shortcut carries. The
 * installer's shortcut carries the app ID (electron-builder's NSIS target sets it), but an
 * unpackaged run (`npm start`, `npm run dev`) has no shortcut, so its incoming-call toasts
 * would silently never appear. For that run Switchboard writes its own shortcut, to the
 * Electron binary with the project as its argument, under an ID of its own so that it never
 * collides with an installed Switchboard.
 */
import path from 'node:path';

export interface ShortcutLike {
  target: string;
  args: string;
  appUserModelId: string;
  description: string;
}

export interface WindowsToastIdentity {
  appUserModelId: string;
  /** The Start-menu shortcut to write first (shell.writeShortcutLink), or null. */
  shortcut: { path: string; details: ShortcutLike } | null;
}

export function windowsToastIdentity(input: {
  isPackaged: boolean;
  appId: string;
  productName: string;
  execPath: string;
  appPath: string;
  /** app.getPath('appData'): …\AppData\Roaming */
  appDataDir: string;
}): WindowsToastIdentity {
  if (input.isPackaged) return { appUserModelId: input.appId, shortcut: null };
  const appUserModelId = `${input.appId}.Development`;
  const programs = path.win32.join(input.appDataDir, 'Microsoft', 'Windows', 'Start Menu', 'Programs');
  return {
    appUserModelId,
    shortcut: {
      path: path.win32.join(programs, `${input.productName} (development).lnk`),
      details: {
        target: input.execPath,
        args: `"${input.appPath}"`,
        appUserModelId,
        description: `${input.productName}, run from its source folder`,
      },
    },
  };
}
