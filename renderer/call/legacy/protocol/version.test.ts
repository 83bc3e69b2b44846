import { describe, expect, it } from 'vitest';
import { normaliseVersion, SENT_VERSION } from './version.js';

describe('normaliseVersion', () => {
  it('spec: the integer 0 is version 0', () => {
    expect(normaliseVersion(0)).toBe(0);
  });

  it.each([['1'], [1], ['0'], ['2'], [2], [0.5], ['v1'], [null], [true], [{}], [[]]])(
    'spec: any version other than integer 0 is treated as "1" (%j)',
    (raw) => {
      expect(normaliseVersion(raw)).toBe(1);
    },
  );

  it('ours: an absent version is version 0, the conservative reading of a pre-version-1 peer', () => {
    expect(normaliseVersion(undefined)).toBe(0);
  });

  it('spec: we send the string "1"', () => {
    expect(SENT_VERSION).toBe('1');
  });
});
