import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callSystemSettings, chooseCallSystem, latestActivity, type SystemChoiceFacts } from './systemChoice.js';

const facts = (over: Partial<SystemChoiceFacts> = {}): SystemChoiceFacts => ({
  setting: 'automatic',
  forThisCall: null,
  contactLastSeen: null,
  rtcAvailable: true,
  ...over,
});

describe('which call system places a call', () => {
  it('Automatic: the system the contact was last seen using', () => {
    expect(chooseCallSystem(facts({ contactLastSeen: { system: 'legacy', at: 5 } }))).toEqual({
      system: 'legacy',
      why: 'contact-uses-it',
    });
    expect(chooseCallSystem(facts({ contactLastSeen: { system: 'rtc', at: 5 } }))).toEqual({
      system: 'rtc',
      why: 'contact-uses-it',
    });
  });

  it('Automatic, contact never seen calling: Element Call where the homeserver supports it, else legacy', () => {
    expect(chooseCallSystem(facts())).toEqual({ system: 'rtc', why: 'homeserver-supports-it' });
    expect(chooseCallSystem(facts({ rtcAvailable: false }))).toEqual({ system: 'legacy', why: 'only-one' });
    // Without a LiveKit service, even a contact seen on MatrixRTC is called with legacy.
    expect(chooseCallSystem(facts({ rtcAvailable: false, contactLastSeen: { system: 'rtc', at: 1 } }))).toMatchObject({
      system: 'legacy',
    });
  });

  it('the setting Legacy or Element Call decides over what the contact uses', () => {
    const seenRtc = { contactLastSeen: { system: 'rtc' as const, at: 9 } };
    expect(chooseCallSystem(facts({ ...seenRtc, setting: 'legacy' }))).toEqual({ system: 'legacy', why: 'setting' });
    expect(chooseCallSystem(facts({ setting: 'rtc' }))).toEqual({ system: 'rtc', why: 'setting' });
  });

  it('the call button’s menu decides this one call, over the setting', () => {
    expect(chooseCallSystem(facts({ setting: 'legacy', forThisCall: 'rtc' }))).toEqual({
      system: 'rtc',
      why: 'chosen',
    });
    expect(chooseCallSystem(facts({ setting: 'rtc', forThisCall: 'legacy' }))).toEqual({
      system: 'legacy',
      why: 'chosen',
    });
  });

  it('Element Call asked for where the homeserver has no LiveKit service: no call, and why in words', () => {
    const choice = chooseCallSystem(facts({ setting: 'rtc', rtcAvailable: false }));
    expect(choice.system).toBeNull();
    expect(choice.why).toMatch(/no Element Call service/);
    expect(chooseCallSystem(facts({ forThisCall: 'rtc', rtcAvailable: false })).system).toBeNull();
  });

  it('always picks exactly one system or none, never Element Call without a service', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...callSystemSettings),
        fc.constantFrom('legacy' as const, 'rtc' as const, null),
        fc.option(fc.record({ system: fc.constantFrom('legacy' as const, 'rtc' as const), at: fc.nat() })),
        fc.boolean(),
        (setting, forThisCall, contactLastSeen, rtcAvailable) => {
          const choice = chooseCallSystem({ setting, forThisCall, contactLastSeen, rtcAvailable });
          expect([null, 'legacy', 'rtc']).toContain(choice.system);
          if (!rtcAvailable) expect(choice.system).not.toBe('rtc');
          if (forThisCall === 'legacy') expect(choice.system).toBe('legacy');
        },
      ),
    );
  });
});

describe('the system a contact was last seen using', () => {
  it('is the latest activity; a tie goes to MatrixRTC; nothing seen is null', () => {
    expect(
      latestActivity([
        { system: 'legacy', at: 10 },
        { system: 'rtc', at: 30 },
        { system: 'legacy', at: 20 },
      ]),
    ).toEqual({ system: 'rtc', at: 30 });
    expect(
      latestActivity([
        { system: 'legacy', at: 5 },
        { system: 'rtc', at: 5 },
      ]),
    ).toEqual({ system: 'rtc', at: 5 });
    expect(latestActivity([])).toBeNull();
    expect(latestActivity([{ system: 'rtc', at: Number.NaN }])).toBeNull();
  });
});
