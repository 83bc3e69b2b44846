import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliver, deliveryWindowMs, nextDeliveryAttemptMs, type SendFailure } from './reliableDelivery.js';

function fakeLoop(outcomes: (SendFailure | 'ok')[], windowMs = 60_000) {
  let now = 0;
  const sent: string[] = [];
  const logs: string[] = [];
  const attempt = (which: string) => async () => {
    sent.push(which);
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome === 'ok') return '$delivered';
    throw Object.assign(new Error(outcome.kind), { failure: outcome });
  };
  return {
    sent,
    logs,
    now: () => now,
    loop: {
      first: attempt('first'),
      again: attempt('again'),
      classify: (error: unknown) => (error as { failure: SendFailure }).failure,
      windowMs,
      now: () => now,
      sleep: async (ms: number) => void (now += ms),
      log: (message: string) => void logs.push(message),
    },
  };
}

describe('call events that must get through', () => {
  it('are the hang-up, the reject and select_answer; other events are sent once', () => {
    expect(deliveryWindowMs('m.call.hangup')).toBe(600_000);
    expect(deliveryWindowMs('m.call.reject')).toBe(180_000);
    expect(deliveryWindowMs('m.call.select_answer')).toBe(180_000);
    for (const type of ['m.call.invite', 'm.call.candidates', 'm.call.answer', 'm.call.negotiate']) {
      expect(deliveryWindowMs(type)).toBeNull();
    }
  });

  it('are tried again through an outage, the same event each time, and delivered once it is over', async () => {
    const t = fakeLoop([{ kind: 'unreachable' }, { kind: 'unreachable' }, { kind: 'unreachable' }, 'ok']);
    await expect(deliver(t.loop)).resolves.toBe('$delivered');
    expect(t.sent).toEqual(['first', 'again', 'again', 'again']);
    expect(t.now()).toBe(500 + 1_000 + 2_000);
    expect(t.logs).toEqual(['delivered after retrying']);
  });

  it('wait as long as the homeserver asks when rate limited', async () => {
    const t = fakeLoop([{ kind: 'rate-limited', retryAfterMs: 3_000 }, 'ok']);
    await deliver(t.loop);
    expect(t.now()).toBe(3_000);
  });

  it('are not tried again once the homeserver refuses them, nor once they no longer mean anything', async () => {
    const refused = fakeLoop([{ kind: 'refused', status: 403 }]);
    await expect(deliver(refused.loop)).rejects.toThrow('refused');
    expect(refused.sent).toEqual(['first']);
    const late = fakeLoop(
      Array.from({ length: 100 }, () => ({ kind: 'unreachable' }) as const),
      20_000,
    );
    await expect(deliver(late.loop)).rejects.toThrow('unreachable');
    expect(late.now()).toBeLessThanOrEqual(20_000);
    expect(late.logs).toEqual(['giving up on delivering']);
  });

  it('never wait past the window, whatever fails and however often', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SendFailure>(
          { kind: 'unreachable' },
          { kind: 'rate-limited', retryAfterMs: 7_000 },
          { kind: 'refused', status: 400 },
        ),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 700_000 }),
        fc.integer({ min: 0, max: 700_000 }),
        (failure, attempt, since, windowMs) => {
          const wait = nextDeliveryAttemptMs(failure, attempt, since, windowMs);
          if (wait !== null) {
            expect(since + wait).toBeLessThanOrEqual(windowMs);
            expect(wait).toBeGreaterThan(0);
            expect(wait).toBeLessThanOrEqual(10_000);
          }
          if (failure.kind === 'refused') expect(wait).toBeNull();
        },
      ),
    );
  });
});
