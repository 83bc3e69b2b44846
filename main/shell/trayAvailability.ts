/**
 * Whether a tray icon will be seen. Electron creates a Tray everywhere, but on Linux it only
 * shows when the desktop hosts StatusNotifierItems (KDE, most others, GNOME with the
 * AppIndicator extension) or, on X11, an XEmbed system tray. GNOME without the extension
 * has neither: a window hidden "to the tray" there could not be found again, so closing
 * must minimise instead (windowCloseBehaviour.ts).
 */

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/** `gdbus` arguments that ask the session bus whether a StatusNotifierWatcher is running. */
export const STATUS_NOTIFIER_PROBE: readonly string[] = [
  'call',
  '--session',
  '--dest',
  'org.freedesktop.DBus',
  '--object-path',
  '/org/freedesktop/DBus',
  '--method',
  'org.freedesktop.DBus.NameHasOwner',
  STATUS_NOTIFIER_WATCHER,
];

/** Reads gdbus's answer, `(true,)` or `(false,)`; anything else is "could not tell". */
export function parseNameHasOwner(output: string): boolean | null {
  const match = /^\s*\((true|false),?\)\s*$/.exec(output);
  return match === null ? null : match[1] === 'true';
}

export interface TrayAvailabilityOptions {
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Runs `gdbus` with the given arguments and resolves with its output (rejects on failure). */
  runGdbus: (args: readonly string[]) => Promise<string>;
}

function isGnome(env: Readonly<Record<string, string | undefined>>): boolean {
  const desktops = `${env['XDG_CURRENT_DESKTOP'] ?? ''}:${env['XDG_SESSION_DESKTOP'] ?? ''}`.toLowerCase();
  return desktops.split(/[:;]/).some((name) => name === 'gnome' || name === 'ubuntu' || name === 'gnome-classic');
}

/**
 * macOS and Windows always have one. On Linux: a StatusNotifierWatcher on the session bus
 * means yes. Without one, X11 desktops other than GNOME usually embed the XEmbed tray that
 * Electron falls back to; GNOME and Wayland sessions do not. When the bus cannot be asked,
 * GNOME is taken to have none (its default) and other desktops to have one.
 */
export async function detectTrayAvailability(options: TrayAvailabilityOptions): Promise<boolean> {
  if (options.platform !== 'linux') return true;
  let watcher: boolean | null;
  try {
    watcher = parseNameHasOwner(await options.runGdbus(STATUS_NOTIFIER_PROBE));
  } catch {
    watcher = null;
  }
  if (watcher === true) return true;
  if (isGnome(options.env)) return false;
  if (watcher === false) return options.env['XDG_SESSION_TYPE'] !== 'wayland';
  return true;
}
