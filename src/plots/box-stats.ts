import { summariseSorted, type Summary } from '../metrics/summarise.js';

/** What a box shows; computed here (not by the boxplot plugin) so the numbers are testable and documented. */
export interface BoxStats extends Summary {
  n: number;
  /** Tukey whiskers: the most extreme values within 1.5 × IQR of the box. */
  whiskerMin: number;
  whiskerMax: number;
  outliers: number[];
}

export const WHISKER_COEF = 1.5;

/**
 * The metrics' five-number summary and mean (src/metrics/summarise.ts), Tukey whiskers and outliers.
 * Non-finite values must be removed by the caller. Returns null for no data.
 */
export function boxStats(values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const summary = summariseSorted(sorted);
  const { q1, q3 } = summary;
  const iqr = q3 - q1;
  const low = q1 - WHISKER_COEF * iqr;
  const high = q3 + WHISKER_COEF * iqr;
  const inside = sorted.filter((v) => v >= low && v <= high);
  return {
    n: sorted.length,
    ...summary,
    // The box itself lies within the fences, so `inside` is never empty.
    whiskerMin: inside[0]!,
    whiskerMax: inside[inside.length - 1]!,
    outliers: sorted.filter((v) => v < low || v > high),
  };
}
