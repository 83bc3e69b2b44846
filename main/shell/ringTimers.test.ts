import { describe, expect, it } from 'vitest';
import { createFakeScheduler } from './fakeScheduler.testing.js';
import { MAX_TIMER_DELAY_MS, createRingTimers } from './ringTimers.js';

const t0 = 1_700_000_000_000;

function setup() {
  const scheduler = createFakeScheduler(t0);
  const expired: string[] = [];
  const timers = createRingTimers({ scheduler, onExpired: (callId) => expired.push(callId) });
  return { scheduler, expired, timers };
}

describe('ring timers', () => {
  it('reports expiry once, when the invite lifetime is over and not before', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 60_000);
    scheduler.advance(59_999);
    expect(expired).toEqual([]);
    expect(timers.isRinging('call-1')).toBe(true);
    scheduler.advance(1);
    expect(expired).toEqual(['call-1']);
    expect(timers.isRinging('call-1')).toBe(false);
    scheduler.advance(600_000);
    expect(expired).toEqual(['call-1']);
  });

  it.each(['answered', 'declined', 'cancelled', 'missed', 'answered-elsewhere', 'busy', 'failed'] as const)(
    'a ring stopped as "%s" never expires',
    (reason) => {
      const { scheduler, expired, timers } = setup();
      timers.start('call-1', t0 + 60_000);
      scheduler.advance(10_000);
      expect(timers.stop('call-1', reason)).toBe(true);
      scheduler.advance(120_000);
      expect(expired).toEqual([]);
      expect(scheduler.pendingTimers()).toBe(0);
    },
  );

  it('stopping twice, or stopping a call that never rang, does nothing', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 60_000);
    expect(timers.stop('call-1', 'answered')).toBe(true);
    expect(timers.stop('call-1', 'answered')).toBe(false);
    expect(timers.stop('nobody', 'cancelled')).toBe(false);
    scheduler.advance(120_000);
    expect(expired).toEqual([]);
  });

  it('stopping after expiry does nothing and does not report again', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 5_000);
    scheduler.advance(5_000);
    expect(timers.stop('call-1', 'cancelled')).toBe(false);
    expect(expired).toEqual(['call-1']);
  });

  it('keeps calls apart: stopping one leaves the other ringing', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 30_000);
    timers.start('call-2', t0 + 40_000);
    expect(timers.ringing()).toEqual(['call-1', 'call-2']);
    timers.stop('call-1', 'declined');
    scheduler.advance(40_000);
    expect(expired).toEqual(['call-2']);
  });

  it('a repeated start moves the expiry instead of adding a second timer', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 30_000);
    timers.start('call-1', t0 + 90_000);
    scheduler.advance(60_000);
    expect(expired).toEqual([]);
    scheduler.advance(30_000);
    expect(expired).toEqual(['call-1']);
    expect(scheduler.pendingTimers()).toBe(0);
  });

  it('an invite that is already over expires on the next turn, not synchronously inside start()', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 - 1_000);
    expect(expired).toEqual([]);
    scheduler.advance(1);
    expect(expired).toEqual(['call-1']);
  });

  it('waits on when the timer fires before the wall clock reaches the expiry (clock set back)', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 60_000);
    scheduler.advance(30_000);
    scheduler.setWallClock(t0); // the system clock jumped back 30 s
    scheduler.advance(30_000);
    expect(expired).toEqual([]);
    scheduler.advance(30_000);
    expect(expired).toEqual(['call-1']);
  });

  it('never passes Node a delay it would overflow, and still expires at the right time', () => {
    const { scheduler, expired, timers } = setup();
    const farAway = MAX_TIMER_DELAY_MS + 10_000;
    timers.start('call-1', t0 + farAway);
    expect(Math.max(...scheduler.delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
    scheduler.advance(MAX_TIMER_DELAY_MS);
    expect(expired).toEqual([]);
    scheduler.advance(10_000);
    expect(expired).toEqual(['call-1']);
  });

  it('dispose cancels everything without reporting expiry', () => {
    const { scheduler, expired, timers } = setup();
    timers.start('call-1', t0 + 1_000);
    timers.start('call-2', t0 + 2_000);
    timers.dispose();
    scheduler.advance(10_000);
    expect(expired).toEqual([]);
    expect(timers.ringing()).toEqual([]);
  });

  it('ignores a cancelled timer that fires anyway (a scheduler that cannot cancel)', () => {
    const scheduler = createFakeScheduler(t0);
    const expired: string[] = [];
    const timers = createRingTimers({
      scheduler: { ...scheduler, clearTimeout: () => undefined },
      onExpired: (callId) => expired.push(callId),
    });
    timers.start('call-1', t0 + 10_000);
    timers.stop('call-1', 'answered');
    timers.start('call-1', t0 + 30_000); // the same call rings again later
    scheduler.advance(10_000);
    expect(expired).toEqual([]);
    scheduler.advance(20_000);
    expect(expired).toEqual(['call-1']);
  });

  it('a stop from inside onExpired is a harmless no-op', () => {
    const scheduler = createFakeScheduler(t0);
    const results: boolean[] = [];
    const timers = createRingTimers({
      scheduler,
      onExpired: (callId) => results.push(timers.stop(callId, 'cancelled')),
    });
    timers.start('call-1', t0 + 1_000);
    scheduler.advance(1_000);
    expect(results).toEqual([false]);
  });
});
