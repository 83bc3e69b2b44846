/**
 * What an incoming call looks and sounds like, decided from the ring request and the
 * state of the app. Pure: the ring coordinator turns these decisions into effects.
 */
import type { RingStopRequestReason } from '../../preload/contract.js';

/** The call engine's request to ring (`ring.start`). */
export interface RingRequest {
  callId: string;
  roomId: string;
  caller: { userId: string; displayName: string; avatarUrl?: string | undefined };
  video: boolean;
  /** When the invite stops being answerable (epoch ms): the invite's age plus its lifetime. */
  expiresAt: number;
}

export interface RingContext {
  doNotDisturb: boolean;
  windowVisible: boolean;
  windowFocused: boolean;
  /** A call is connected (or being set up) on this device. */
  alreadyInCall: boolean;
}

/** How an incoming call is presented while it rings. */
export interface RingPresentation {
  /** The loud, looping ringtone. */
  ringtone: boolean;
  /** A short, quiet call-waiting tone mixed into the running call instead of the ringtone. */
  callWaitingTone: boolean;
  /** An OS notification with Answer / Decline (where the platform can). */
  notification: 'incoming' | 'none';
  /** Show the window, without taking focus, on its incoming-call view. */
  raiseWindow: boolean;
  /** Flash the taskbar button / bounce the dock icon until the window is focused. */
  flash: boolean;
}

export type RingDecision =
  | { action: 'ring'; presentation: RingPresentation }
  | {
      /** Not rung at all: the invite is over, or too close to its end to be answered. */
      action: 'skip';
      reason: 'expired' | 'too-short';
      missed: MissedCallNotice;
    };

/** A "Missed call from …" notification, shown after a ring that nobody answered. */
export interface MissedCallNotice {
  notify: boolean;
  /** Without the notification sound (do not disturb keeps missed calls quiet). */
  silent: boolean;
}

/**
 * Below this many milliseconds of remaining lifetime a ring would start and stop before a
 * person could reach for the Answer button: the call is treated as missed instead.
 */
export const MIN_RING_MS = 3_000;

const silentPresentation: RingPresentation = {
  ringtone: false,
  callWaitingTone: false,
  notification: 'none',
  raiseWindow: false,
  flash: false,
};

export function decideRing(request: RingRequest, context: RingContext, now: number): RingDecision {
  const remaining = request.expiresAt - now;
  if (!Number.isFinite(remaining) || remaining <= 0) {
    return { action: 'skip', reason: 'expired', missed: missedNotice(context) };
  }
  if (remaining < MIN_RING_MS) {
    return { action: 'skip', reason: 'too-short', missed: missedNotice(context) };
  }

  // Do not disturb: nothing rings, nothing pops up; the person learns of the call afterwards.
  if (context.doNotDisturb) return { action: 'ring', presentation: silentPresentation };

  const windowInFront = context.windowVisible && context.windowFocused;

  if (context.alreadyInCall) {
    // A ringtone would drown the conversation and the window must not jump over it: a
    // quiet tone in the call plus the notification, which lets the person answer or decline.
    return {
      action: 'ring',
      presentation: {
        ringtone: false,
        callWaitingTone: true,
        notification: windowInFront ? 'none' : 'incoming',
        raiseWindow: false,
        flash: !context.windowFocused,
      },
    };
  }

  return {
    action: 'ring',
    presentation: {
      ringtone: true,
      callWaitingTone: false,
      // The window in front already shows the incoming call; a banner would repeat it.
      notification: windowInFront ? 'none' : 'incoming',
      raiseWindow: !windowInFront,
      flash: !context.windowFocused,
    },
  };
}

/**
 * Why ringing stopped: the engine's reasons (`ring.stop`), plus `expired` when main's own
 * ring timer ran out. Only some of them mean the person missed the call.
 */
export type RingStopReason = RingStopRequestReason | 'expired';

/**
 * The caller gave up (cancelled), the engine saw the invite lapse (missed), main's timer
 * ran out (expired), the call broke before anyone picked up (failed), or it was turned
 * away because another call was going on (busy): the person missed a call and may want to
 * call back. Answered or declined, here or on another device: the person dealt with it.
 */
export function decideMissedCall(reason: RingStopReason, context: RingContext): MissedCallNotice {
  switch (reason) {
    case 'cancelled':
    case 'missed':
    case 'expired':
    case 'failed':
    case 'busy':
      return missedNotice(context);
    case 'answered':
    case 'declined':
    case 'answered-elsewhere':
      return { notify: false, silent: true };
  }
}

function missedNotice(context: RingContext): MissedCallNotice {
  return { notify: true, silent: context.doNotDisturb };
}
