import { describe, expect, it } from 'vitest';
import { MIN_RING_MS, decideMissedCall, decideRing, type RingContext, type RingRequest } from './ringPolicy.js';

const now = 1_700_000_000_000;

function ring(overrides: Partial<RingRequest> = {}): RingRequest {
  return {
    callId: 'call-1',
    roomId: '!room:example.org',
    caller: { userId: '@alice:example.org', displayName: 'Alice' },
    video: false,
    expiresAt: now + 60_000,
    ...overrides,
  };
}

const hiddenInTray: RingContext = {
  doNotDisturb: false,
  windowVisible: false,
  windowFocused: false,
  alreadyInCall: false,
};

describe('decideRing', () => {
  it('rings loudly, notifies, raises and flashes while the app sits hidden in the tray', () => {
    expect(decideRing(ring(), hiddenInTray, now)).toEqual({
      action: 'ring',
      presentation: {
        ringtone: true,
        callWaitingTone: false,
        notification: 'incoming',
        raiseWindow: true,
        flash: true,
      },
    });
  });

  it('does not repeat the call in a banner when the window is already in front', () => {
    const decision = decideRing(ring(), { ...hiddenInTray, windowVisible: true, windowFocused: true }, now);
    expect(decision).toEqual({
      action: 'ring',
      presentation: { ringtone: true, callWaitingTone: false, notification: 'none', raiseWindow: false, flash: false },
    });
  });

  it('notifies and raises when the window is visible but behind other windows', () => {
    const decision = decideRing(ring(), { ...hiddenInTray, windowVisible: true }, now);
    expect(decision).toMatchObject({
      action: 'ring',
      presentation: { ringtone: true, notification: 'incoming', raiseWindow: true, flash: true },
    });
  });

  it('under do not disturb: no ringtone, no banner, no raise, no flash — but the ring is still tracked', () => {
    const decision = decideRing(ring(), { ...hiddenInTray, doNotDisturb: true }, now);
    expect(decision).toEqual({
      action: 'ring',
      presentation: { ringtone: false, callWaitingTone: false, notification: 'none', raiseWindow: false, flash: false },
    });
  });

  it('do not disturb wins over being in a call: not even the call-waiting tone', () => {
    const decision = decideRing(ring(), { ...hiddenInTray, doNotDisturb: true, alreadyInCall: true }, now);
    expect(decision).toMatchObject({ action: 'ring', presentation: { ringtone: false, callWaitingTone: false } });
  });

  it('while already in a call: a quiet call-waiting tone and a notification, never the loud ringtone or a raise', () => {
    const decision = decideRing(ring(), { ...hiddenInTray, alreadyInCall: true, windowVisible: true }, now);
    expect(decision).toEqual({
      action: 'ring',
      presentation: {
        ringtone: false,
        callWaitingTone: true,
        notification: 'incoming',
        raiseWindow: false,
        flash: true,
      },
    });
  });

  it('does not ring an invite that has already expired, and reports it as missed', () => {
    expect(decideRing(ring({ expiresAt: now - 1 }), hiddenInTray, now)).toEqual({
      action: 'skip',
      reason: 'expired',
      missed: { notify: true, silent: false },
    });
    expect(decideRing(ring({ expiresAt: now }), hiddenInTray, now)).toMatchObject({ reason: 'expired' });
    expect(decideRing(ring({ expiresAt: Number.NaN }), hiddenInTray, now)).toMatchObject({ reason: 'expired' });
  });

  it('does not ring when too little lifetime is left to answer', () => {
    expect(decideRing(ring({ expiresAt: now + MIN_RING_MS - 1 }), hiddenInTray, now)).toMatchObject({
      action: 'skip',
      reason: 'too-short',
    });
    expect(decideRing(ring({ expiresAt: now + MIN_RING_MS }), hiddenInTray, now)).toMatchObject({ action: 'ring' });
  });

  it('keeps the missed-call notice of a skipped ring silent under do not disturb', () => {
    expect(decideRing(ring({ expiresAt: now - 1 }), { ...hiddenInTray, doNotDisturb: true }, now)).toMatchObject({
      missed: { notify: true, silent: true },
    });
  });
});

describe('decideMissedCall', () => {
  it.each(['expired', 'cancelled', 'missed', 'failed', 'busy'] as const)(
    'a ring that ended as "%s" is a missed call',
    (reason) => {
      expect(decideMissedCall(reason, hiddenInTray)).toEqual({ notify: true, silent: false });
    },
  );

  it('under do not disturb the missed call is still notified, quietly', () => {
    expect(decideMissedCall('expired', { ...hiddenInTray, doNotDisturb: true })).toEqual({
      notify: true,
      silent: true,
    });
  });

  it.each(['answered', 'declined', 'answered-elsewhere'] as const)(
    'a ring that ended as "%s" was dealt with: no missed-call notification',
    (reason) => {
      expect(decideMissedCall(reason, { ...hiddenInTray, doNotDisturb: true }).notify).toBe(false);
    },
  );
});
