import { mean, quantileSorted } from 'simple-statistics';

/** What a box shows; computed here (not by the boxplot plugin) so the numbers are testable and documented. */
export interface BoxStats {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  /** Tukey whiskers: the most extreme values within 1.5 × IQR of the box. */
  whiskerMin: number;
  whiskerMax: number;
  outliers: number[];
}

export const WHISKER_COEF = 1.5;

/**
 * Quartiles with simple-statistics' `quantileSorted` (DESIGN.md names it for metric summaries too),
 * Tukey whiskers and outliers. Non-finite values must be removed by the caller. Returns null for no data.
 */
export function boxStats(values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const median = quantileSorted(sorted, 0.5);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const low = q1 - WHISKER_COEF * iqr;
  const high = q3 + WHISKER_COEF * iqr;
  const inside = sorted.filter((v) => v >= low && v <= high);
  return {
    n: sorted.length,
    min: sorted[0]!,
    q1,
    median,
    q3,
    max: sorted[sorted.length - 1]!,
    mean: mean(sorted),
    // The box itself lies within the fences, so `inside` is never empty.
    whiskerMin: inside[0]!,
    whiskerMax: inside[inside.length - 1]!,
    outliers: sorted.filter((v) => v < low || v > high),
  };
}
