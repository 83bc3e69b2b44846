/** Percentiles for the benchmark's figures (nearest-rank, as scripts/bench/stats.ts). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const p50 = (values: readonly number[]): number => percentile(values, 50);
export const p95 = (values: readonly number[]): number => percentile(values, 95);

export function summary(values: readonly number[]): { p50: number; p95: number } {
  return { p50: p50(values), p95: p95(values) };
}

export interface Description {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** n, min, p50, p95, max and mean, rounded to 0.1. */
export function describe(values: readonly number[]): Description {
  const round = (x: number) => Math.round(x * 10) / 10;
  const mean = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    n: values.length,
    min: round(values.length === 0 ? Number.NaN : Math.min(...values)),
    p50: round(p50(values)),
    p95: round(p95(values)),
    max: round(values.length === 0 ? Number.NaN : Math.max(...values)),
    mean: round(mean),
  };
}
