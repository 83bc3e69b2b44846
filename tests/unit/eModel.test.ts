/** The bench's E-model estimate (bench/eModel.ts) against G.107's known points. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  delayImpairment,
  effectiveEquipmentImpairment,
  estimateMos,
  mosFromR,
  opusImpairment,
} from '../../bench/eModel.js';

describe('the E-model estimate', () => {
  it('a perfect narrowband call rates R 93.2, MOS 4.41 (G.107 defaults)', () => {
    expect(estimateMos({ concealedShare: 0, oneWayDelayMs: 0, bitrateBps: null })).toEqual({ r: 93.2, mos: 4.41 });
  });

  it('maps R to MOS at the scale’s anchors', () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(70)).toBeCloseTo(3.6, 1);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('delay costs little until about 177 ms one way, then much more', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4, 5);
    expect(delayImpairment(177.3)).toBeCloseTo(4.26, 2);
    expect(delayImpairment(300) - delayImpairment(200)).toBeGreaterThan(10);
    expect(delayImpairment(-10)).toBe(0);
  });

  it('loss: 1 % unconcealed-equivalent costs about 3.6 of R with a concealing codec; 5 % about 15', () => {
    expect(effectiveEquipmentImpairment(0, 1)).toBeCloseTo(3.64, 2);
    expect(effectiveEquipmentImpairment(0, 5)).toBeCloseTo(15.78, 2);
    expect(effectiveEquipmentImpairment(0, 0)).toBe(0);
  });

  it('an encoder held to 8 kbit/s starts 10 lower than one at 16 kbit/s or more', () => {
    expect(opusImpairment(null)).toBe(0);
    expect(opusImpairment(32_000)).toBe(0);
    expect(opusImpairment(16_000)).toBe(0);
    expect(opusImpairment(12_000)).toBe(5);
    expect(opusImpairment(8_000)).toBe(10);
    expect(opusImpairment(6_000)).toBe(10);
  });

  it('more concealment, more delay or a lower bitrate never rates a call higher', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        fc.integer({ min: 6_000, max: 64_000 }),
        fc.integer({ min: 6_000, max: 64_000 }),
        (c1, c2, d1, d2, b1, b2) => {
          const better = estimateMos({
            concealedShare: Math.min(c1, c2),
            oneWayDelayMs: Math.min(d1, d2),
            bitrateBps: Math.max(b1, b2),
          });
          const worse = estimateMos({
            concealedShare: Math.max(c1, c2),
            oneWayDelayMs: Math.max(d1, d2),
            bitrateBps: Math.min(b1, b2),
          });
          expect(worse.mos).toBeLessThanOrEqual(better.mos);
          expect(worse.mos).toBeGreaterThanOrEqual(1);
          expect(better.mos).toBeLessThanOrEqual(4.5);
        },
      ),
    );
  });
});
