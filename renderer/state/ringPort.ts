import type { SwitchboardApi } from '../../preload/contract.js';
import type { RingPort } from './callStore.svelte.js';

/**
 * Ringing is presented by main (OS notification, ring timers, tray), which keeps ringing
 * reliable while the window is hidden. Until main's ringing channels are in the contract
 * this port logs what it would ask for.
 */
export function bridgeRingPort(_bridge: SwitchboardApi, displayName: (userId: string) => string): RingPort {
  return {
    start: (ring) => console.info('[ring] start', ring.callId, displayName(ring.peerUserId)),
    stop: (callId, reason) => console.info('[ring] stop', callId, reason),
  };
}
