/**
 * The arithmetic of the reports (docs/reports.md), pure: percentiles, means and rates with the
 * rounding the API promises. Tests compute their expected figures with the same definitions.
 */

export interface Distribution {
  /** Arithmetic mean, rounded to one decimal; null without values. */
  mean: number | null;
  /** Nearest-rank 50th percentile (the lower middle value of an even count); null without values. */
  median: number | null;
  /** Nearest-rank 90th percentile; null without values. */
  p90: number | null;
  count: number;
}

/**
 * Nearest-rank percentile of ascending values: the value at rank ⌈p/100 · n⌉ (1-based), p in 1..100.
 * Integer arithmetic for the rank, so that p90 of 10 values is exactly the 9th.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (!n) return null;
  if (!Number.isInteger(p) || p < 1 || p > 100) throw new RangeError(`percentile must be an integer 1..100, got ${p}`);
  const rank = Math.ceil((p * n) / 100);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Mean, median and p90 of values (in any order; the array is not modified). */
export function distribution(values: readonly number[]): Distribution {
  if (!values.length) return { mean: null, median: null, p90: null, count: 0 };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of values) sum += v;
  return { mean: round(sum / values.length, 1), median: nearestRank(sorted, 50), p90: nearestRank(sorted, 90), count: values.length };
}

/** The median alone (nearest rank), null without values. */
export function median(values: readonly number[]): number | null {
  return values.length ? nearestRank(Float64Array.from(values).sort(), 50) : null;
}

/** part / whole as a fraction rounded to four decimals; null when whole is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? round(part / whole, 4) : null;
}

/** Half away from zero at `digits` decimals, without binary surprises (1.005 → 1.01). */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(value) * f + 1e-9) / f;
  return value < 0 ? -r : r;
}
