import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestContract } from './contract.js';
import { exceedsBytes, MAX_REQUEST_BYTES } from './requestSize.js';

describe('the size bound of a bridge request', () => {
  it('has a bound for every channel, matrix.fetch the largest', () => {
    expect(Object.keys(MAX_REQUEST_BYTES).sort()).toEqual(Object.keys(requestContract).sort());
    const largest = Math.max(...Object.values(MAX_REQUEST_BYTES));
    expect(MAX_REQUEST_BYTES['matrix.fetch']).toBe(largest);
  });

  it('agrees with JSON.stringify within a small margin, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4000 }), (value, max) => {
        const length = JSON.stringify(value).length;
        // Never too large for what fits; never lets through what JSON's escapes could not explain.
        if (length <= max) expect(exceedsBytes(value, max)).toBe(false);
        if (length > max * 6 + 64) expect(exceedsBytes(value, max)).toBe(true);
      }),
    );
  });

  it('refuses a huge payload, a deep one and a wide one, without walking all of it', () => {
    const huge = { body: { encoding: 'text', data: 'x'.repeat(50 * 1024 * 1024) } };
    expect(exceedsBytes(huge, MAX_REQUEST_BYTES['matrix.fetch'])).toBe(true);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(exceedsBytes(deep, 1_000_000)).toBe(true);
    expect(exceedsBytes(new Array(200_000).fill(0), 100_000_000)).toBe(true);
  });

  it('lets the phone’s own requests through: a sync, a call event, a key upload', () => {
    const keys = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `signed_curve25519:AAAA${i}`,
        { key: 'k'.repeat(43), signatures: { '@me:hs': { 'ed25519:DEV': 's'.repeat(86) } } },
      ]),
    );
    const upload = {
      requestId: 'r1',
      method: 'POST',
      url: 'https://hs/_matrix/client/v3/keys/upload',
      headers: {},
      body: { encoding: 'text', data: JSON.stringify({ one_time_keys: keys }) },
    };
    expect(exceedsBytes(upload, MAX_REQUEST_BYTES['matrix.fetch'])).toBe(false);
    expect(exceedsBytes({ callId: 'c', state: 'connected' }, MAX_REQUEST_BYTES['call.state'])).toBe(false);
  });
});
