/**
 * Turns the call engine's ring requests into what the person sees and hears: it asks the
 * ring policy, runs the ring timers, shows and closes notifications, and says which sound
 * to play. The engine stays the source of truth: it starts and stops rings; the only thing
 * main decides on its own is that a ring has run out of time.
 */
import type { RingSound } from '../../preload/contract.js';
import type { Logger } from '../log.js';
import type { NotificationPresenter } from './notificationPresenter.js';
import {
  decideMissedCall,
  decideRing,
  type RingContext,
  type RingDecision,
  type RingPresentation,
  type RingRequest,
  type RingStopReason,
} from './ringPolicy.js';
import { createRingTimers, type Scheduler } from './ringTimers.js';

export type { RingSound };

export interface RingEffects {
  /** The sound to play now, for all ringing calls together. Called only on change. */
  setSound(sound: RingSound): void;
  /** Show the window, without taking focus, on the incoming-call view. */
  raiseWindow(callId: string): void;
  /** Start or stop flashing the taskbar button / bouncing the dock icon. */
  setFlashing(on: boolean): void;
  /** The ringing calls changed (for the tray), oldest first. */
  ringingChanged(ringing: RingRequest[]): void;
  /** A ring ran out of time in main; the engine should treat the invite as over. */
  expired(callId: string): void;
}

export interface RingCoordinatorOptions {
  scheduler: Scheduler;
  presenter: Pick<NotificationPresenter, 'showIncoming' | 'closeIncoming' | 'showMissed'>;
  /** The app's state now: do not disturb, window, calls. */
  getContext: () => RingContext;
  effects: RingEffects;
  log?: Logger;
}

export interface RingCoordinator {
  start(request: RingRequest): RingDecision;
  /** False when the call was not ringing (stopping twice is harmless). */
  stop(callId: string, reason: Exclude<RingStopReason, 'expired'>): boolean;
  ringing(): RingRequest[];
  dispose(): void;
}

interface Ring {
  request: RingRequest;
  presentation: RingPresentation;
}

export function createRingCoordinator(options: RingCoordinatorOptions): RingCoordinator {
  const { presenter, effects } = options;
  const rings = new Map<string, Ring>();
  let sound: RingSound = 'none';
  let flashing = false;

  const refresh = (): void => {
    const all = [...rings.values()];
    const nextSound: RingSound = all.some((ring) => ring.presentation.ringtone)
      ? 'ringtone'
      : all.some((ring) => ring.presentation.callWaitingTone)
        ? 'call-waiting'
        : 'none';
    if (nextSound !== sound) {
      sound = nextSound;
      effects.setSound(sound);
    }
    const nextFlashing = all.some((ring) => ring.presentation.flash);
    if (nextFlashing !== flashing) {
      flashing = nextFlashing;
      effects.setFlashing(flashing);
    }
    effects.ringingChanged(all.map((ring) => ring.request));
  };

  const end = (callId: string, reason: RingStopReason): boolean => {
    const ring = rings.get(callId);
    if (ring === undefined) return false;
    rings.delete(callId);
    timers.stop(callId, reason);
    const missed = decideMissedCall(reason, options.getContext());
    if (missed.notify) presenter.showMissed(ring.request, { silent: missed.silent });
    else presenter.closeIncoming(callId);
    options.log?.info('ringing stopped', { callId, reason });
    refresh();
    return true;
  };

  const timers = createRingTimers({
    scheduler: options.scheduler,
    onExpired: (callId) => {
      if (end(callId, 'expired')) effects.expired(callId);
    },
  });

  return {
    start(request) {
      const existing = rings.get(request.callId);
      if (existing !== undefined) {
        // The engine repeated the ring (a re-sent invite): keep ringing as is, with the new expiry.
        existing.request = request;
        timers.start(request.callId, request.expiresAt);
        return { action: 'ring', presentation: existing.presentation };
      }
      const decision = decideRing(request, options.getContext(), options.scheduler.now());
      if (decision.action === 'skip') {
        options.log?.info('not ringing', { callId: request.callId, reason: decision.reason });
        if (decision.missed.notify) presenter.showMissed(request, { silent: decision.missed.silent });
        return decision;
      }
      const { presentation } = decision;
      rings.set(request.callId, { request, presentation });
      timers.start(request.callId, request.expiresAt);
      if (presentation.notification === 'incoming') presenter.showIncoming(request);
      if (presentation.raiseWindow) effects.raiseWindow(request.callId);
      refresh();
      return decision;
    },
    stop: (callId, reason) => end(callId, reason),
    ringing: () => [...rings.values()].map((ring) => ring.request),
    dispose() {
      timers.dispose();
      for (const callId of rings.keys()) presenter.closeIncoming(callId);
      rings.clear();
      refresh();
    },
  };
}
