import type { SwitchboardApi } from '../../preload/contract.js';
import type { DesktopPreferences } from './settingsStore.svelte.js';

/**
 * Do not disturb and start at login belong to main (it owns notifications, the tray and
 * the OS login item): the window's toggles ask main, which answers with what it did.
 */
export function sendDesktopPreferencesToMain(bridge: SwitchboardApi, preferences: DesktopPreferences): void {
  void bridge.request('shell.settings.set', preferences).then(
    ({ problem }) => {
      if (problem !== null) console.warn('[settings] main could not apply', problem);
    },
    (error: unknown) => console.warn('[settings] main refused', error),
  );
}
