/**
 * Accuracy of predictions against targets, both in physical units, flattened [n, cells] with
 * `cellsPerSample` = h × w × channels. Sums run in float64.
 */

export interface ArrayMetrics {
  /** Per-sample relative absolute error Σ|y−ŷ| / Σ|y−ȳ| (ȳ: that sample's mean target), samples with a
   *  defined RAE only, in sample order. */
  rae: number[];
  /** Samples whose target is constant (Σ|y−ȳ| = 0), where RAE is undefined; left out of `rae`. */
  raeUndefined: number;
  /** Over all cells of all samples. */
  mae: number;
  rmse: number;
  /** 1 − SS_res/SS_tot with the mean over all cells; NaN when every target value is the same. */
  r2: number;
  /** Number of samples. */
  n: number;
}

export function evaluateArrays(pred: Float32Array | Float64Array, truth: Float32Array | Float64Array, cellsPerSample: number): ArrayMetrics {
  if (pred.length !== truth.length) throw new RangeError(`prediction has ${pred.length} values, target ${truth.length}`);
  if (!Number.isInteger(cellsPerSample) || cellsPerSample < 1 || truth.length % cellsPerSample !== 0) {
    throw new RangeError(`${truth.length} values do not split into samples of ${cellsPerSample} cells`);
  }
  const n = truth.length / cellsPerSample;
  if (n === 0) throw new RangeError('no samples to evaluate');

  const rae: number[] = [];
  let raeUndefined = 0;
  let absSum = 0;
  let sqSum = 0;
  let truthSum = 0;
  for (let s = 0; s < n; s++) {
    const start = s * cellsPerSample;
    const end = start + cellsPerSample;
    let mean = 0;
    for (let i = start; i < end; i++) mean += truth[i]!;
    mean /= cellsPerSample;
    let num = 0;
    let den = 0;
    for (let i = start; i < end; i++) {
      const e = truth[i]! - pred[i]!;
      num += Math.abs(e);
      den += Math.abs(truth[i]! - mean);
      sqSum += e * e;
      truthSum += truth[i]!;
    }
    absSum += num;
    if (den > 0) rae.push(num / den);
    else raeUndefined++;
  }

  const total = truth.length;
  const globalMean = truthSum / total;
  let ssTot = 0;
  for (let i = 0; i < total; i++) ssTot += (truth[i]! - globalMean) ** 2;
  return {
    rae,
    raeUndefined,
    mae: absSum / total,
    rmse: Math.sqrt(sqSum / total),
    r2: ssTot > 0 ? 1 - sqSum / ssTot : Number.NaN,
    n,
  };
}
