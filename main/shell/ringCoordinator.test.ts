import { describe, expect, it } from 'vitest';
import { createFakeNotifications } from './fakeNotifications.testing.js';
import { createFakeScheduler } from './fakeScheduler.testing.js';
import { createNotificationPresenter, type NotificationAction } from './notificationPresenter.js';
import { createRingCoordinator, type RingSound } from './ringCoordinator.js';
import type { RingContext, RingRequest } from './ringPolicy.js';

const t0 = 1_700_000_000_000;

function request(callId: string, overrides: Partial<RingRequest> = {}): RingRequest {
  return {
    callId,
    roomId: `!${callId}:example.org`,
    caller: { userId: '@alice:example.org', displayName: 'Alice' },
    video: false,
    expiresAt: t0 + 60_000,
    ...overrides,
  };
}

/** The whole ringing path with fakes only at the edges: OS notifications, clock, effects. */
function setup(platform = 'linux', initial: Partial<RingContext> = {}) {
  const scheduler = createFakeScheduler(t0);
  const fakes = createFakeNotifications();
  const actions: NotificationAction[] = [];
  const presenter = createNotificationPresenter({
    platform,
    createNotification: fakes.create,
    onAction: (action) => actions.push(action),
    newToken: () => 'token',
  });
  const context: RingContext = {
    doNotDisturb: false,
    windowVisible: false,
    windowFocused: false,
    alreadyInCall: false,
    ...initial,
  };
  const sounds: RingSound[] = [];
  const raised: string[] = [];
  const flashing: boolean[] = [];
  const expired: string[] = [];
  const ringingSeen: string[][] = [];
  const coordinator = createRingCoordinator({
    scheduler,
    presenter,
    getContext: () => context,
    effects: {
      setSound: (sound) => sounds.push(sound),
      raiseWindow: (callId) => raised.push(callId),
      setFlashing: (on) => flashing.push(on),
      ringingChanged: (ringing) => ringingSeen.push(ringing.map((r) => r.callId)),
      expired: (callId) => expired.push(callId),
    },
  });
  const titlesOnScreen = () => fakes.onScreen().map((n) => n.options.title);
  return {
    scheduler,
    fakes,
    actions,
    context,
    sounds,
    raised,
    flashing,
    expired,
    ringingSeen,
    coordinator,
    titlesOnScreen,
  };
}

describe('ring coordinator', () => {
  it('rings with sound, notification, raise and flash; answering stops all of it and leaves no missed call', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    expect(s.sounds).toEqual(['ringtone']);
    expect(s.titlesOnScreen()).toEqual(['Alice is calling']);
    expect(s.raised).toEqual(['c1']);
    expect(s.flashing).toEqual([true]);
    expect(s.ringingSeen.at(-1)).toEqual(['c1']);

    expect(s.coordinator.stop('c1', 'answered')).toBe(true);
    expect(s.sounds).toEqual(['ringtone', 'none']);
    expect(s.titlesOnScreen()).toEqual([]);
    expect(s.flashing).toEqual([true, false]);
    expect(s.ringingSeen.at(-1)).toEqual([]);
    s.scheduler.advance(120_000);
    expect(s.expired).toEqual([]);
  });

  it('when nobody answers: stops ringing at expiry, shows "Missed call", and tells the engine once', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    s.scheduler.advance(60_000);
    expect(s.sounds.at(-1)).toBe('none');
    expect(s.titlesOnScreen()).toEqual(['Missed call from Alice']);
    expect(s.expired).toEqual(['c1']);
    expect(s.coordinator.stop('c1', 'cancelled')).toBe(false);
    s.scheduler.advance(60_000);
    expect(s.expired).toEqual(['c1']);
  });

  it('under do not disturb: silence and no banner while it rings, then a quiet missed-call notification', () => {
    const s = setup('linux', { doNotDisturb: true });
    s.coordinator.start(request('c1'));
    expect(s.sounds).toEqual([]);
    expect(s.fakes.all).toEqual([]);
    expect(s.raised).toEqual([]);
    expect(s.ringingSeen.at(-1)).toEqual(['c1']);
    s.scheduler.advance(60_000);
    expect(s.titlesOnScreen()).toEqual(['Missed call from Alice']);
    expect(s.fakes.all[0]?.options.silent).toBe(true);
  });

  it('a caller who hangs up before an answer leaves a missed call in place of the ringing one', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    s.coordinator.stop('c1', 'cancelled');
    expect(s.titlesOnScreen()).toEqual(['Missed call from Alice']);
    expect(s.expired).toEqual([]);
  });

  it.each(['answered-elsewhere', 'declined', 'answered'] as const)(
    'a ring ended as "%s" closes the notification without a missed call',
    (reason) => {
      const s = setup();
      s.coordinator.start(request('c1'));
      s.coordinator.stop('c1', reason);
      expect(s.titlesOnScreen()).toEqual([]);
    },
  );

  it('during a call: the call-waiting tone instead of the ringtone, and the window stays put', () => {
    const s = setup('linux', { alreadyInCall: true, windowVisible: true });
    s.coordinator.start(request('c2'));
    expect(s.sounds).toEqual(['call-waiting']);
    expect(s.raised).toEqual([]);
    expect(s.titlesOnScreen()).toEqual(['Alice is calling']);
  });

  it('with two calls ringing, the ringtone plays until the last one stops', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    s.coordinator.start(request('c2', { caller: { userId: '@bob:example.org', displayName: 'Bob' } }));
    expect(s.sounds).toEqual(['ringtone']);
    s.coordinator.stop('c1', 'declined');
    expect(s.sounds).toEqual(['ringtone']);
    expect(s.titlesOnScreen()).toEqual(['Bob is calling']);
    s.coordinator.stop('c2', 'answered');
    expect(s.sounds).toEqual(['ringtone', 'none']);
  });

  it('does not ring an invite that is about to expire, but tells the person they missed it', () => {
    const s = setup();
    const decision = s.coordinator.start(request('c1', { expiresAt: t0 + 1_000 }));
    expect(decision).toMatchObject({ action: 'skip', reason: 'too-short' });
    expect(s.sounds).toEqual([]);
    expect(s.titlesOnScreen()).toEqual(['Missed call from Alice']);
    expect(s.coordinator.ringing()).toEqual([]);
  });

  it('a repeated ring for the same call moves its expiry without a second banner or raise', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    s.coordinator.start(request('c1', { expiresAt: t0 + 90_000 }));
    expect(s.fakes.all).toHaveLength(1);
    expect(s.raised).toEqual(['c1']);
    s.scheduler.advance(60_000);
    expect(s.expired).toEqual([]);
    s.scheduler.advance(30_000);
    expect(s.expired).toEqual(['c1']);
  });

  it('Answer pressed on the notification reaches the engine, which then stops the ring', () => {
    const s = setup('darwin');
    s.coordinator.start(request('c1'));
    s.fakes.all[0]?.emit('action', 0);
    expect(s.actions).toEqual([{ kind: 'answer', callId: 'c1', roomId: '!c1:example.org' }]);
    s.coordinator.stop('c1', 'answered');
    expect(s.titlesOnScreen()).toEqual([]);
    expect(s.sounds.at(-1)).toBe('none');
  });

  it('dispose silences everything and no expiry follows', () => {
    const s = setup();
    s.coordinator.start(request('c1'));
    s.coordinator.dispose();
    expect(s.sounds.at(-1)).toBe('none');
    expect(s.titlesOnScreen()).toEqual([]);
    s.scheduler.advance(120_000);
    expect(s.expired).toEqual([]);
  });
});
