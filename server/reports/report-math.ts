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

/** Values counted: value → how many times it occurs. What the report queries return instead of one row per ticket. */
export type Histogram = Map<number, number>;

export function addToHistogram(h: Histogram, value: number, count = 1): void {
  h.set(value, (h.get(value) ?? 0) + count);
}

/** Mean, nearest-rank median and p90, and count of the values a histogram holds (the same figures as `distribution`). */
export function histogramDistribution(h: Histogram): Distribution {
  const values = [...h.keys()].sort((a, b) => a - b);
  let count = 0;
  let sum = 0;
  for (const v of values) { const n = h.get(v)!; count += n; sum += v * n; }
  if (!count) return { mean: null, median: null, p90: null, count: 0 };
  return { mean: round(sum / count, 1), median: rankIn(h, values, count, 50), p90: rankIn(h, values, count, 90), count };
}

/** The nearest-rank median of a histogram, null when empty. */
export function histogramMedian(h: Histogram): number | null {
  return histogramDistribution(h).median;
}

function rankIn(h: Histogram, sortedValues: readonly number[], count: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p * count) / 100));
  let seen = 0;
  for (const v of sortedValues) {
    seen += h.get(v)!;
    if (seen >= rank) return v;
  }
  return sortedValues[sortedValues.length - 1]!;
}
