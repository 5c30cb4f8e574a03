/**
 * Classification metrics from predicted probabilities and integer labels, in float64. Definitions follow
 * scikit-learn's so anyone can recompute them from the exported predictions:
 * - precision, recall and F1 use zero_division = 0: a class never predicted has precision 0, a class
 *   absent from the labels has recall 0 (and is left out of the macro averages, which average over the
 *   classes present in the labels — sklearn averages over the labels argument; pipe passes the present ones);
 * - AUROC is the Mann–Whitney statistic with tied scores counted one half (sklearn's roc_auc_score) and
 *   average precision is the step-wise area Σ (R_k − R_{k−1}) P_k over distinct thresholds
 *   (sklearn's average_precision_score). Both are undefined (NaN, written as null) when the labels hold
 *   one class only;
 * - log-loss clips probabilities to [1e-15, 1 − 1e-15].
 */

export interface BinaryMetrics {
  n: number;
  positives: number;
  accuracy: number;
  balancedAccuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auroc: number;
  averagePrecision: number;
  logLoss: number;
  /** [[tn, fp], [fn, tp]] at the threshold */
  confusion: [[number, number], [number, number]];
  threshold: number;
}

const EPS = 1e-15;

function checkBinary(prob: ArrayLike<number>, label: ArrayLike<number>): void {
  if (prob.length !== label.length) throw new RangeError(`${prob.length} probabilities for ${label.length} labels`);
  if (prob.length === 0) throw new RangeError('no samples to evaluate');
  for (let i = 0; i < label.length; i++) {
    if (label[i] !== 0 && label[i] !== 1) throw new RangeError(`label ${i} is ${label[i]}; binary labels are 0 or 1`);
    if (!(prob[i]! >= 0 && prob[i]! <= 1)) throw new RangeError(`probability ${i} is ${prob[i]}; probabilities lie in [0, 1]`);
  }
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** AUROC by ranks: ties get their average rank, which counts a tied positive/negative pair as 1/2. */
export function auroc(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const n = label.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i] === 1 ? 1 : 0;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let k = i; k <= j; k++) if (label[order[k]!] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision over distinct thresholds, highest score first (tied scores form one threshold). */
export function averagePrecision(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const n = label.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i] === 1 ? 1 : 0;
  if (pos === 0 || pos === n) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    for (let k = i; k <= j; k++) tp += label[order[k]!] === 1 ? 1 : 0;
    seen = j + 1;
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}

export function binaryMetrics(prob: ArrayLike<number>, label: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  checkBinary(prob, label);
  const n = label.length;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, prob[i]!));
    const y = label[i]!;
    ll -= y === 1 ? Math.log(p) : Math.log(1 - p);
    const hat = prob[i]! >= threshold ? 1 : 0;
    if (hat === 1 && y === 1) tp++;
    else if (hat === 1) fp++;
    else if (y === 1) fn++;
    else tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const positives = tp + fn;
  // Balanced accuracy averages the recalls of the classes present (sklearn's balanced_accuracy_score).
  const present = [positives > 0 ? recall : undefined, tn + fp > 0 ? specificity : undefined].filter((v): v is number => v !== undefined);
  return {
    n,
    positives,
    accuracy: (tp + tn) / n,
    balancedAccuracy: present.reduce((a, b) => a + b, 0) / present.length,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    auroc: auroc(prob, label),
    averagePrecision: averagePrecision(prob, label),
    logLoss: ll / n,
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    threshold,
  };
}

export interface MulticlassMetrics {
  n: number;
  classes: number;
  accuracy: number;
  balancedAccuracy: number;
  /** macro averages over the classes present in the labels */
  precision: number;
  recall: number;
  f1: number;
  /** one-vs-rest, macro over classes present with both positives and negatives */
  auroc: number;
  logLoss: number;
  perClass: { precision: number; recall: number; f1: number; support: number; auroc: number }[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

/** `prob` holds n × classes probabilities, row-major; the prediction is the arg-max (first on ties). */
export function multiclassMetrics(prob: ArrayLike<number>, label: ArrayLike<number>, classes: number): MulticlassMetrics {
  const n = label.length;
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer ≥ 2, got ${classes}`);
  if (prob.length !== n * classes) throw new RangeError(`${prob.length} probabilities for ${n} labels of ${classes} classes`);
  if (n === 0) throw new RangeError('no samples to evaluate');
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const y = label[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new RangeError(`label ${i} is ${y}; labels are 0 … ${classes - 1}`);
    let best = 0;
    for (let c = 1; c < classes; c++) if (prob[i * classes + c]! > prob[i * classes + best]!) best = c;
    confusion[y]![best]!++;
    ll -= Math.log(Math.min(1 - EPS, Math.max(EPS, prob[i * classes + y]!)));
  }
  const perClass = confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[c]!, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const score = Float64Array.from({ length: n }, (_, i) => prob[i * classes + c]!);
    const onehot = Float64Array.from({ length: n }, (_, i) => (label[i] === c ? 1 : 0));
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support, auroc: auroc(score, onehot) };
  });
  const present = perClass.filter((p) => p.support > 0);
  const macro = (k: 'precision' | 'recall' | 'f1') => present.reduce((a, p) => a + p[k], 0) / present.length;
  const aucs = perClass.map((p) => p.auroc).filter((a) => Number.isFinite(a));
  const correct = confusion.reduce((a, row, c) => a + row[c]!, 0);
  return {
    n,
    classes,
    accuracy: correct / n,
    balancedAccuracy: macro('recall'),
    precision: macro('precision'),
    recall: macro('recall'),
    f1: macro('f1'),
    auroc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : Number.NaN,
    logLoss: ll / n,
    perClass,
    confusion,
  };
}

function classCounts(label: ArrayLike<number>, classes: number): number[] {
  const count = new Array<number>(classes).fill(0);
  for (let i = 0; i < label.length; i++) count[label[i]!]!++;
  return count;
}

/** The majority class of the labels (lowest index on ties) — the classification dummy. */
export function majorityClass(label: ArrayLike<number>, classes: number): number {
  const count = classCounts(label, classes);
  return count.indexOf(Math.max(...count));
}

/** Class frequencies of the labels (the training prior), summing to 1. */
export function classPrior(label: ArrayLike<number>, classes: number): number[] {
  return classCounts(label, classes).map((c) => c / label.length);
}
