import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMediaKey } from './mediaKeyCheck.js';

describe('a media key on its way to LiveKit', () => {
  it('is accepted with 16–64 bytes, an index 0–255 and a printable identity, and copied', () => {
    const key = new Uint8Array(16).fill(7);
    const checked = checkMediaKey({ key, index: 3, identity: '@bob:hs:DEV' });
    expect(checked).toEqual({ ok: true, value: { key, index: 3, identity: '@bob:hs:DEV' } });
    if (checked.ok) expect(checked.value.key).not.toBe(key);
  });

  it('is refused, with a reason, when anything is off', () => {
    const good = { key: new Uint8Array(32), index: 0, identity: '@bob:hs:DEV' };
    for (const bad of [
      { ...good, key: new Uint8Array(15) },
      { ...good, key: new Uint8Array(65) },
      { ...good, key: 'AAAA' },
      { ...good, index: 256 },
      { ...good, index: -1 },
      { ...good, index: 1.5 },
      { ...good, identity: '' },
      { ...good, identity: 'has space' },
      { ...good, identity: 'x'.repeat(513) },
    ]) {
      const checked = checkMediaKey(bad);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.reason.length).toBeGreaterThan(5);
    }
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (key, index, identity) => {
        const checked = checkMediaKey({ key, index, identity });
        expect(typeof checked.ok).toBe('boolean');
      }),
    );
  });
});
