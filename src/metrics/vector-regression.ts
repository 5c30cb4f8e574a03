/**
 * Per-target accuracy of vector regression (an inverse model's material parameters, a storm's intensity
 * and position): MAE and RMSE in the target's physical units, R² (1 − SS_res/SS_tot against that
 * target's mean over the evaluated samples) and Pearson's r. Float64 sums; R² and r are NaN (null in
 * JSON) for a target that is constant over the samples, and r also when the predictions are constant.
 */
import { sampleCorrelation } from 'simple-statistics';

export interface TargetMetrics {
  mae: number;
  rmse: number;
  r2: number;
  pearson: number;
}

/** `pred` and `truth` hold n × targets values, row-major. */
export function perTargetMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>, targets: number): TargetMetrics[] {
  if (pred.length !== truth.length) throw new RangeError(`prediction has ${pred.length} values, target ${truth.length}`);
  if (!Number.isInteger(targets) || targets < 1 || truth.length % targets !== 0)
    throw new RangeError(`${truth.length} values do not split into rows of ${targets} targets`);
  const n = truth.length / targets;
  if (n === 0) throw new RangeError('no samples to evaluate');
  return Array.from({ length: targets }, (_, t) => {
    const p = Array.from({ length: n }, (_, i) => pred[i * targets + t]!);
    const y = Array.from({ length: n }, (_, i) => truth[i * targets + t]!);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    let abs = 0;
    let sq = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      abs += Math.abs(p[i]! - y[i]!);
      sq += (p[i]! - y[i]!) ** 2;
      tot += (y[i]! - mean) ** 2;
    }
    const constant = (v: number[]) => v.every((x) => x === v[0]);
    return {
      mae: abs / n,
      rmse: Math.sqrt(sq / n),
      r2: tot > 0 ? 1 - sq / tot : Number.NaN,
      pearson: n > 1 && !constant(y) && !constant(p) ? sampleCorrelation(p, y) : Number.NaN,
    };
  });
}
