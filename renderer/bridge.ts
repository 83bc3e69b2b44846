import { bridgeFromExposed, type ExposedBridge, type SwitchboardApi } from '../preload/contract.js';

declare global {
  interface Window {
    /** Put here by the preload (Electron) or the harness preload (end-to-end tests). */
    readonly switchboard?: ExposedBridge;
  }
}

/** The bridge to main. The page has no other way to reach the system or the network. */
export function getBridge(): SwitchboardApi {
  const exposed = window.switchboard;
  if (exposed === undefined) throw new Error('Switchboard bridge missing: the page was opened outside the app');
  return bridgeFromExposed(exposed);
}
