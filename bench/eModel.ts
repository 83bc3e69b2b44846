/**
 * An estimated MOS for a measured call, from the ITU-T G.107 E-model with its default
 * values (R = 93.2 − Id − Ie,eff, no advantage factor) on the narrowband scale:
 *
 * - Id, the delay impairment, from the one-way mouth-to-ear delay by the usual simplified
 *   fit of G.107's curve: 0.024·Ta + 0.11·(Ta − 177.3) once Ta passes 177.3 ms.
 * - Ie,eff, the equipment impairment under loss: Ie + (95 − Ie)·Ppl / (Ppl/BurstR + Bpl).
 *   Ppl is what the listener did not get, i.e. the share of samples the receiver had to
 *   conceal (after in-band FEC and RED have recovered what they could), so redundancy
 *   is counted by its effect rather than assumed.
 *
 * G.113 tabulates no Opus values. The estimate takes Bpl = 25.1 (G.113's value for G.711
 * with packet-loss concealment, the nearest tabulated concealing codec), BurstR = 1 (the
 * loss under test is random), and Ie by the bitrate the encoder was held to: 0 at 16 kbit/s
 * and above (wideband Opus there is rated above G.711, whose Ie is 0) and 10 at 8 kbit/s
 * (G.729's value, a codec of that bitrate class), linear between. These are stated
 * assumptions for comparing settings with one another, not a listening test.
 */

export const R_DEFAULT = 93.2;
export const BPL_CONCEALING = 25.1;

export interface CallQualityInput {
  /** Share of received samples concealed (0…1). */
  concealedShare: number;
  /** One-way mouth-to-ear delay, ms. */
  oneWayDelayMs: number;
  /** The bitrate the Opus encoder was held to, bit/s (null: its own, about 32 kbit/s). */
  bitrateBps: number | null;
}

/** The delay impairment Id for a one-way delay in ms. */
export function delayImpairment(oneWayDelayMs: number): number {
  const ta = Math.max(0, oneWayDelayMs);
  return 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
}

/** Ie for Opus held to a bitrate (see the module comment for where the figures come from). */
export function opusImpairment(bitrateBps: number | null): number {
  if (bitrateBps === null || bitrateBps >= 16_000) return 0;
  if (bitrateBps <= 8_000) return 10;
  return (10 * (16_000 - bitrateBps)) / 8_000;
}

/** Ie,eff for a loss percentage (0…100). */
export function effectiveEquipmentImpairment(ie: number, lossPercent: number, burstR = 1): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  return ie + ((95 - ie) * ppl) / (ppl / burstR + BPL_CONCEALING);
}

/** R to MOS (G.107 Annex B). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** The rating factor R and the estimated MOS, MOS rounded to 0.01. */
export function estimateMos(input: CallQualityInput): { r: number; mos: number } {
  const ieEff = effectiveEquipmentImpairment(opusImpairment(input.bitrateBps), 100 * input.concealedShare);
  const r = R_DEFAULT - delayImpairment(input.oneWayDelayMs) - ieEff;
  return { r: Math.round(r * 10) / 10, mos: Math.round(mosFromR(r) * 100) / 100 };
}
