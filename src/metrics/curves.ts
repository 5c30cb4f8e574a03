/**
 * ROC and precision–recall curves of a binary score, one point per distinct threshold (tied scores move
 * together, so a tie between a positive and a negative is one diagonal ROC segment), highest threshold
 * first, as scikit-learn's roc_curve (drop_intermediate=False) and precision_recall_curve give them:
 * - ROC starts at (0, 0) with threshold +∞ and ends at (1, 1); its trapezoidal area is classification.ts's
 *   auroc (ties counted one half);
 * - PR starts at recall 0, precision 1 (threshold +∞) and its step-wise area Σ (R_k − R_{k−1}) P_k is
 *   averagePrecision.
 * Both are undefined (null) when the labels hold one class only, like the metrics they draw.
 */

export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface PrPoint {
  threshold: number;
  recall: number;
  precision: number;
}

/** Cumulative (threshold, tp, fp) after each distinct score, highest first. */
function sweep(score: ArrayLike<number>, label: ArrayLike<number>): { pos: number; neg: number; steps: { threshold: number; tp: number; fp: number }[] } {
  const n = label.length;
  if (score.length !== n) throw new RangeError(`${score.length} scores for ${n} labels`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (label[i] !== 0 && label[i] !== 1) throw new RangeError(`label ${i} is ${label[i]}; binary labels are 0 or 1`);
    if (Number.isNaN(score[i])) throw new RangeError(`score ${i} is NaN`);
    pos += label[i]!;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const steps: { threshold: number; tp: number; fp: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n;) {
    const threshold = score[order[i]!]!;
    while (i < n && score[order[i]!] === threshold) {
      if (label[order[i]!] === 1) tp++;
      else fp++;
      i++;
    }
    steps.push({ threshold, tp, fp });
  }
  return { pos, neg: n - pos, steps };
}

export function rocCurve(score: ArrayLike<number>, label: ArrayLike<number>): RocPoint[] | null {
  const { pos, neg, steps } = sweep(score, label);
  if (pos === 0 || neg === 0) return null;
  return [{ threshold: Infinity, fpr: 0, tpr: 0 }, ...steps.map((s) => ({ threshold: s.threshold, fpr: s.fp / neg, tpr: s.tp / pos }))];
}

export function precisionRecallCurve(score: ArrayLike<number>, label: ArrayLike<number>): PrPoint[] | null {
  const { pos, neg, steps } = sweep(score, label);
  if (pos === 0 || neg === 0) return null;
  return [
    { threshold: Infinity, recall: 0, precision: 1 },
    ...steps.map((s) => ({ threshold: s.threshold, recall: s.tp / pos, precision: s.tp / (s.tp + s.fp) })),
  ];
}

/** Trapezoidal area under a ROC curve. */
export function rocArea(curve: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) area += ((curve[i]!.fpr - curve[i - 1]!.fpr) * (curve[i]!.tpr + curve[i - 1]!.tpr)) / 2;
  return area;
}

/** Step-wise area under a PR curve: average precision. */
export function prArea(curve: readonly PrPoint[]): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) area += (curve[i]!.recall - curve[i - 1]!.recall) * curve[i]!.precision;
  return area;
}
