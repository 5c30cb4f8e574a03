/**
 * From a classification model's raw outputs (logits) to probabilities and to the metrics of
 * src/metrics/classification.ts, for the monitored validation metric during training and for evaluate.
 * Per-cell classification scores every cell as a sample. No tfjs here.
 */
import { binaryMetrics, multiclassMetrics } from '../../src/metrics/classification.js';
import type { ResolvedClassification } from './task-data.js';

/** sigmoid of each logit (binary, multilabel) or softmax over each cell's `classes` logits (multiclass). */
export function probabilities(logits: Float32Array, c: ResolvedClassification): Float32Array {
  const out = new Float32Array(logits.length);
  if (c.type !== 'multiclass') {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
    return out;
  }
  const k = c.classes;
  for (let r = 0; r < logits.length; r += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[r + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[r + j]! - max);
    for (let j = 0; j < k; j++) out[r + j] = Math.exp(logits[r + j]! - max) / sum;
  }
  return out;
}

/** The headline metrics of one part (JSON: NaN becomes null). Multilabel: macro averages over the labels. */
export interface ClassScores {
  n: number;
  accuracy: number;
  balanced_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auroc: number | null;
  average_precision: number | null;
  log_loss: number;
  /** binary: [[tn, fp], [fn, tp]]; multiclass: [true][predicted]; multilabel: one binary matrix per label */
  confusion: number[][] | number[][][];
  per_class?: { precision: number; recall: number; f1: number; support: number; auroc: number | null }[];
  threshold?: number;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** Column `j` of a row-major [rows, k] array. */
function column(a: ArrayLike<number>, k: number, j: number): Float64Array {
  return Float64Array.from({ length: a.length / k }, (_, i) => a[i * k + j]!);
}

export function classScores(prob: Float32Array, labels: Float32Array, c: ResolvedClassification): ClassScores {
  if (c.type === 'multiclass') {
    const m = multiclassMetrics(prob, labels, c.classes);
    return {
      n: m.n,
      accuracy: m.accuracy,
      balanced_accuracy: m.balancedAccuracy,
      precision: m.precision,
      recall: m.recall,
      f1: m.f1,
      auroc: finite(m.auroc),
      average_precision: null,
      log_loss: m.logLoss,
      confusion: m.confusion,
      per_class: m.perClass.map((p) => ({ ...p, auroc: finite(p.auroc) })),
    };
  }
  const labelsPerCell = c.type === 'multilabel' ? c.classes : 1;
  const per = Array.from({ length: labelsPerCell }, (_, j) => binaryMetrics(column(prob, labelsPerCell, j), column(labels, labelsPerCell, j), c.threshold));
  const mean = (f: (m: (typeof per)[number]) => number) => {
    const v = per.map(f).filter((x) => Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
  };
  return {
    n: per[0]!.n,
    accuracy: mean((m) => m.accuracy),
    balanced_accuracy: mean((m) => m.balancedAccuracy),
    precision: mean((m) => m.precision),
    recall: mean((m) => m.recall),
    f1: mean((m) => m.f1),
    auroc: finite(mean((m) => m.auroc)),
    average_precision: finite(mean((m) => m.averagePrecision)),
    log_loss: mean((m) => m.logLoss),
    confusion: c.type === 'binary' ? per[0]!.confusion : per.map((m) => m.confusion),
    ...(c.type === 'multilabel'
      ? { per_class: per.map((m) => ({ precision: m.precision, recall: m.recall, f1: m.f1, support: m.positives, auroc: finite(m.auroc) })) }
      : {}),
    threshold: c.threshold,
  };
}

/** The value of a `train.monitor` metric (val_recall …) from the validation part's logits and labels. */
export function monitoredMetric(metric: string, logits: Float32Array, labels: Float32Array, c: ResolvedClassification): number {
  const s = classScores(probabilities(logits, c), labels, c);
  const key = metric.replace(/^val_/, '') as keyof ClassScores;
  const v = s[key];
  return typeof v === 'number' ? v : Number.NaN;
}

/** Log-loss of each sample (mean over its cells and labels): the per-sample losses behind the ranking's spread. */
export function sampleLogLoss(prob: Float32Array, labels: Float32Array, n: number, c: ResolvedClassification): number[] {
  const eps = 1e-15;
  const perLabel = labels.length / n;
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let q = i * perLabel; q < (i + 1) * perLabel; q++) {
      const y = labels[q]!;
      const p = c.type === 'multiclass' ? prob[q * c.classes + y]! : y === 1 ? prob[q]! : 1 - prob[q]!;
      sum -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
    }
    return sum / perLabel;
  });
}
