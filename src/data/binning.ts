/**
 * Binning a continuous target into classes (the CNN-LSTM case: a parameter predicted both as a value and
 * as its range). Edges are fitted on the training part only and stored with the model like the scaler,
 * so validation and test samples are binned by edges they did not influence.
 * - `quantile`: interior edges at the k/classes quantiles (numpy's default linear rule) of the training
 *   values, so classes are about equally frequent there;
 * - `uniform`: equal-width edges between the training minimum and maximum.
 * A value equal to an edge goes to the upper class (numpy.digitize with right=False); values outside the
 * training range go to the first or last class.
 */
import { quantileSorted } from 'simple-statistics';
import { DataError } from './data-error.js';

export type BinRule = 'quantile' | 'uniform';

export interface Bins {
  rule: BinRule;
  /** classes − 1 interior edges, strictly increasing */
  edges: number[];
}

export function fitBins(train: ArrayLike<number>, classes: number, rule: BinRule): Bins {
  if (!Number.isInteger(classes) || classes < 2) throw new DataError(`bins need at least 2 classes, got ${classes}`);
  const values = Array.from(train).filter((v) => Number.isFinite(v));
  const needed = rule === 'quantile' ? classes : 2;
  if (values.length < needed)
    throw new DataError(`cannot fit ${classes} ${rule} bins on ${values.length} finite training value${values.length === 1 ? '' : 's'}`);
  const sorted = values.sort((a, b) => a - b);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const edges = Array.from({ length: classes - 1 }, (_, k) =>
    rule === 'quantile' ? quantileSorted(sorted, (k + 1) / classes) : lo + ((hi - lo) * (k + 1)) / classes,
  );
  for (let k = 1; k < edges.length; k++) {
    if (!(edges[k]! > edges[k - 1]!)) {
      throw new DataError(
        `the training values give ${rule} bin edges that coincide (${edges[k - 1]} twice): too many ties for ${classes} classes`,
        undefined,
        'use fewer classes, or bins: uniform',
      );
    }
  }
  return { rule, edges };
}

/** The class of each value: the number of edges ≤ it. */
export function applyBins(bins: Bins, values: ArrayLike<number>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = bins.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bins.edges[mid]! <= values[i]!) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}
