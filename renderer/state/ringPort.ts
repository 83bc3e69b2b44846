import type { RequestPayload, SwitchboardApi } from '../../preload/contract.js';
import type { EndReason } from '../call/contract.js';
import type { RingPort } from './callStore.svelte.js';

type RingStopReason = RequestPayload<'ring.stop'>['reason'];

/** The engine's reasons, in main's words for what ringing came to. */
export function ringStopReason(reason: EndReason | 'answered'): RingStopReason {
  switch (reason) {
    case 'answered':
    case 'replaced':
      return 'answered';
    case 'declined':
    case 'local-hangup':
      return 'declined';
    case 'answered-elsewhere':
      return 'answered-elsewhere';
    case 'busy':
      return 'busy';
    case 'missed':
    case 'no-answer':
      return 'missed';
    case 'ice-failed':
    case 'media-failed':
    case 'error':
      return 'failed';
    case 'peer-left':
    case 'remote-hangup':
    case 'remote-declined':
      return 'cancelled';
  }
}

/** Main shows at most 64 characters; the contract refuses more than 1024. */
export function shortName(name: string): string {
  return name.length > 256 ? `${name.slice(0, 255)}…` : name;
}

/**
 * Ringing is presented by main (OS notification, ring timer, tray), which keeps it reliable
 * while the window is hidden; the engine says when to start and stop.
 */
export function bridgeRingPort(bridge: SwitchboardApi, displayName: (userId: string) => string): RingPort {
  const report = (what: string) => (error: unknown) => console.warn(`[ring] ${what} refused`, error);
  return {
    start: (ring) =>
      void bridge
        .request('ring.start', {
          callId: ring.callId,
          roomId: ring.roomId,
          caller: { userId: ring.peerUserId, displayName: shortName(displayName(ring.peerUserId)) },
          video: ring.video,
          expiresAt: ring.expiresAt,
        })
        .catch(report('ring.start')),
    stop: (callId, reason) =>
      void bridge.request('ring.stop', { callId, reason: ringStopReason(reason) }).catch(report('ring.stop')),
  };
}
