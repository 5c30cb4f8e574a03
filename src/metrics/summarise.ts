import { max, mean, min, quantileSorted } from 'simple-statistics';

/** Five-number summary plus mean, as drawn in the RAE boxplots. */
export interface Summary {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
}

/**
 * Quartiles use simple-statistics' quantile, which in the installed 7.12 is linear interpolation between
 * order statistics, R type 7 / numpy's default: q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]),
 * h = (n−1)p. Older releases used another rule; test/metrics pins the definition.
 */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('cannot summarise an empty list of values');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('cannot summarise non-finite values');
  return summariseSorted([...values].sort((a, b) => a - b));
}

/** summarise() of values already sorted ascending (finite, at least one). */
export function summariseSorted(sorted: number[]): Summary {
  return {
    min: min(sorted),
    q1: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q3: quantileSorted(sorted, 0.75),
    max: max(sorted),
    mean: mean(sorted),
  };
}
