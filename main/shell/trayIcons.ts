/**
 * Which image file shows each tray state, relative to the `assets/` folder. The PNGs are
 * rendered from `assets/tray/src/*.svg` by `assets/generate-icons.sh`.
 *
 * - macOS: template images (black and alpha, `…Template.png`), which the menu bar tints
 *   for its light or dark appearance by itself.
 * - Windows: 16 px (the notification area's size), with the `@2x` file Electron picks on
 *   high-density screens.
 * - Linux: 32 px (panels scale it to their 22–24 px), also with `@2x`.
 *
 * `light` icons are dark glyphs for light panels, `dark` ones light glyphs for dark panels.
 */
import type { TrayIconState } from './trayState.js';

export const TRAY_ICON_STATES: readonly TrayIconState[] = [
  'ready',
  'ringing',
  'in-call',
  'offline',
  'signed-out',
  'dnd',
];

export interface TrayIconContext {
  platform: string;
  /** The panel or taskbar is dark (Electron: nativeTheme). */
  darkPanel: boolean;
}

export interface PanelThemeHints {
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Electron's nativeTheme.shouldUseDarkColors: the app's (and the desktop's window) theme. */
  appThemeDark: boolean;
  /** Electron's nativeTheme.shouldUseDarkColorsForSystemIntegratedUI (Windows: the taskbar). */
  systemUiDark: boolean;
}

/**
 * Whether the panel the tray icon sits on is dark. The app's theme says nothing about it
 * on Linux: GNOME's top bar (and Unity's, Cinnamon's, most XFCE and MATE defaults) is dark
 * in light mode too, so light glyphs are the default there. KDE Plasma's panel follows the
 * colour scheme, so it follows the theme. SWITCHBOARD_TRAY_GLYPHS=dark|light settles it
 * for a desktop that guesses wrong.
 */
export function panelIsDark(hints: PanelThemeHints): boolean {
  if (hints.platform === 'win32') return hints.systemUiDark;
  if (hints.platform === 'darwin') return hints.appThemeDark; // template images: unused
  const chosen = hints.env.SWITCHBOARD_TRAY_GLYPHS;
  if (chosen === 'light') return true; // light glyphs: a dark panel
  if (chosen === 'dark') return false;
  const desktops = (hints.env.XDG_CURRENT_DESKTOP ?? '').toUpperCase().split(':');
  if (desktops.includes('KDE')) return hints.appThemeDark;
  return true;
}

export function trayIconFile(state: TrayIconState, { platform, darkPanel }: TrayIconContext): string {
  if (platform === 'darwin') return `tray/mac/${state}Template.png`;
  const variant = darkPanel ? 'dark' : 'light';
  return platform === 'win32' ? `tray/${variant}/${state}.png` : `tray/${variant}/${state}-32.png`;
}

/** The app icon sizes in `assets/icons/<n>x<n>.png` (Linux installs every one). */
export const APP_ICON_SIZES: readonly number[] = [16, 24, 32, 48, 64, 128, 256, 512];

/** The app icon shown in notifications and toasts that show one. */
export const NOTIFICATION_ICON_FILE = 'icons/256x256.png';
