/**
 * The window's life in a tray-resident app: closing it keeps the app (and its sync and
 * calls) alive, starting at login keeps it out of sight, and a second launch brings the
 * running instance forward instead of starting another.
 */
import { looksLikeMatrixLink, parseMatrixLink, type MatrixLink } from './matrixLinks.js';

export interface WindowCloseContext {
  /** The person chose Quit (tray, menu, Cmd+Q) or the system is shutting down. */
  quitting: boolean;
  /** A tray icon is showing. False on GNOME without the AppIndicator extension. */
  trayAvailable: boolean;
  /** Persisted: the person has already been told why closing minimises. */
  minimiseExplained: boolean;
}

export type WindowCloseDecision =
  | { action: 'allow' }
  | { action: 'hide-to-tray'; preventDefault: true }
  | {
      /** Without a tray a hidden window could not be found again: minimise instead. */
      action: 'minimise';
      preventDefault: true;
      /** Tell the person, this once, why the window did not close (then persist it). */
      explainOnce: boolean;
    };

export function decideWindowClose(context: WindowCloseContext): WindowCloseDecision {
  if (context.quitting) return { action: 'allow' };
  if (context.trayAvailable) return { action: 'hide-to-tray', preventDefault: true };
  return { action: 'minimise', preventDefault: true, explainOnce: !context.minimiseExplained };
}

/** The words shown with `explainOnce`. */
export const MINIMISE_EXPLANATION =
  'Switchboard keeps running so that it can ring when someone calls. Your desktop shows no tray icons, ' +
  'so the window was minimised instead of closed. Choose Quit from the menu to stop Switchboard.';

export const HIDDEN_FLAG = '--hidden';

/**
 * Start in the tray, without showing the window: when launched with `--hidden` (the
 * autostart entry on Linux and the login item's arguments on Windows), or when macOS
 * opened the app as a login item (macOS login items take no arguments).
 */
export function shouldStartHidden(argv: readonly string[], openedAtLogin = false): boolean {
  return openedAtLogin || argv.includes(HIDDEN_FLAG);
}

/** How the window starts: shown, hidden in the tray, or — with no tray to come back from — minimised. */
export type StartupWindow = 'show' | 'tray' | 'minimised';

export function decideStartupWindow(startHidden: boolean, trayAvailable: boolean): StartupWindow {
  if (!startHidden) return 'show';
  // A window hidden with no tray icon could only be found again by launching the app a second time.
  return trayAvailable ? 'tray' : 'minimised';
}

export interface SecondLaunchDecision {
  /** Bring the running window forward. */
  showWindow: boolean;
  /** A matrix: or matrix.to link the second launch was asked to open, parsed. */
  link?: MatrixLink;
  /** A link that was passed but refused, and why (to tell the person). */
  refusedLink?: { input: string; reason: string };
  /** A Windows toast button pressed (protocol activation), for the notification presenter. */
  notificationActivation?: string;
}

/**
 * What to do when the app is launched again while it runs (Electron's `second-instance`).
 * Chromium may add its own switches to argv, so links are picked out by their form, not
 * their position. A second `--hidden` start stays hidden. A launch to answer or decline from a toast does not show the window by
 * itself: declining must not pop the window up, and answering raises it through the call.
 */
export function decideSecondLaunch(argv: readonly string[], activationScheme: string): SecondLaunchDecision {
  const args = argv.slice(1);
  const activationPrefix = `${activationScheme}:`;
  const activation = args.find((arg) => arg.toLowerCase().startsWith(activationPrefix));
  if (activation !== undefined) return { showWindow: false, notificationActivation: activation };

  const linkArg = args.find(looksLikeMatrixLink);
  // A login item firing while the app already runs (started by hand) must stay out of sight.
  if (linkArg === undefined) return { showWindow: !args.includes(HIDDEN_FLAG) };
  const parsed = parseMatrixLink(linkArg);
  return parsed.ok
    ? { showWindow: true, link: parsed.link }
    : { showWindow: true, refusedLink: { input: linkArg, reason: parsed.reason } };
}
