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

export function trayIconFile(state: TrayIconState, { platform, darkPanel }: TrayIconContext): string {
  if (platform === 'darwin') return `tray/mac/${state}Template.png`;
  const variant = darkPanel ? 'dark' : 'light';
  return platform === 'win32' ? `tray/${variant}/${state}.png` : `tray/${variant}/${state}-32.png`;
}

/** The app icon sizes in `assets/icons/<n>x<n>.png` (Linux installs every one). */
export const APP_ICON_SIZES: readonly number[] = [16, 24, 32, 48, 64, 128, 256, 512];

/** The app icon shown in notifications and toasts that show one. */
export const NOTIFICATION_ICON_FILE = 'icons/256x256.png';
