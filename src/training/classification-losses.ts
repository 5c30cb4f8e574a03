// Cross-entropy losses from logits for classification heads, with class weights and label smoothing.
// Conventions follow PyTorch's BCEWithLogitsLoss / CrossEntropyLoss with `weight` and reduction 'mean':
// each element's loss is multiplied by its class's weight and the sum is divided by the sum of the
// weights used, so uniform weights give the plain mean. Label smoothing ε replaces a binary target z by
// z(1 − ε) + ε/2 and a one-hot target by (1 − ε)·onehot + ε/K, as tfjs, Keras and PyTorch do.
import { tf } from './tf.js';

export interface CrossEntropyOptions {
  /** weight per class (binary: [negative, positive]); default all 1 */
  classWeights?: readonly number[];
  labelSmoothing?: number;
}

function checkOptions(classes: number, o: CrossEntropyOptions): void {
  const w = o.classWeights;
  if (w && (w.length !== classes || w.some((x) => !(x >= 0)) || !w.some((x) => x > 0))) {
    throw new RangeError(`class weights must be ${classes} non-negative numbers, not all 0; got [${w.join(', ')}]`);
  }
  const ls = o.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls < 1)) throw new RangeError(`label smoothing must be in [0, 1), got ${ls}`);
}

/** Binary (and multilabel: one independent sigmoid per channel) cross-entropy; targets are 0/1. */
export function binaryCrossEntropy(o: CrossEntropyOptions = {}): (yTrue: tf.Tensor, logits: tf.Tensor) => tf.Scalar {
  checkOptions(2, o);
  const ls = o.labelSmoothing ?? 0;
  const [w0, w1] = o.classWeights ?? [1, 1];
  return (yTrue, logits) =>
    tf.tidy(() => {
      const z = ls > 0 ? tf.add(tf.mul(yTrue, 1 - ls), ls / 2) : yTrue;
      // max(x, 0) − x·z + log(1 + exp(−|x|)): finite for any logit
      const per = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, z)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
      if (w0 === 1 && w1 === 1) return tf.mean(per) as tf.Scalar;
      const w = tf.add(tf.mul(yTrue, w1 - w0), w0);
      return tf.div(tf.sum(tf.mul(per, w)), tf.sum(w)) as tf.Scalar;
    });
}

/** Multiclass cross-entropy over the last axis (K logits); targets are class indices, one channel. */
export function categoricalCrossEntropy(classes: number, o: CrossEntropyOptions = {}): (yTrue: tf.Tensor, logits: tf.Tensor) => tf.Scalar {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer ≥ 2, got ${classes}`);
  checkOptions(classes, o);
  const ls = o.labelSmoothing ?? 0;
  const weights = o.classWeights;
  return (yTrue, logits) =>
    tf.tidy(() => {
      const flat = tf.reshape(logits, [-1, classes]);
      const idx = tf.reshape(tf.cast(yTrue, 'int32'), [-1]);
      const onehot = tf.oneHot(idx, classes);
      const target = ls > 0 ? tf.add(tf.mul(onehot, 1 - ls), ls / classes) : onehot;
      const per = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(flat)), -1));
      if (!weights) return tf.mean(per) as tf.Scalar;
      const w = tf.gather(tf.tensor1d(weights as number[]), idx);
      return tf.div(tf.sum(tf.mul(per, w)), tf.sum(w)) as tf.Scalar;
    });
}

/**
 * `class_weights: auto`: inverse class frequency on the training part, n / (K · count_c) (scikit-learn's
 * 'balanced'); a class absent from the training part gets weight 1 (it has no samples to weigh).
 */
export function inverseFrequencyWeights(labels: ArrayLike<number>, classes: number): number[] {
  const count = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) count[labels[i]!]!++;
  return count.map((c) => (c > 0 ? labels.length / (classes * c) : 1));
}

/** The loss of a classification task: what trainModel uses instead of a regression loss. */
export interface ClassificationLoss {
  type: 'binary' | 'multiclass' | 'multilabel';
  /** classes (multiclass) or labels (multilabel); binary: 2 */
  classes: number;
  classWeights?: number[];
  labelSmoothing?: number;
}

export function classificationLossFn(c: ClassificationLoss): (yTrue: tf.Tensor, logits: tf.Tensor) => tf.Scalar {
  const o: CrossEntropyOptions = {
    ...(c.classWeights ? { classWeights: c.classWeights } : {}),
    ...(c.labelSmoothing ? { labelSmoothing: c.labelSmoothing } : {}),
  };
  return c.type === 'multiclass' ? categoricalCrossEntropy(c.classes, o) : binaryCrossEntropy(o);
}

/**
 * The loss of predicting the training prior for every sample (the classification dummy, in the units of
 * the training loss): multiclass logits log(prior), binary/multilabel logit(prior of each label channel).
 * `trainY`/`y` are labels, `channels` the label channels per cell (multiclass: 1).
 */
export function priorLoss(c: ClassificationLoss, trainY: Float32Array, y: Float32Array, channels: number): number {
  if (y.length === 0) return NaN;
  const clamp = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));
  let logits: number[];
  if (c.type === 'multiclass') {
    const count = new Array<number>(c.classes).fill(0);
    for (let i = 0; i < trainY.length; i++) count[trainY[i]!]!++;
    logits = count.map((k) => Math.log(clamp(k / trainY.length)));
  } else {
    const pos = new Array<number>(channels).fill(0);
    for (let i = 0; i < trainY.length; i++) pos[i % channels]! += trainY[i]!;
    logits = pos.map((k) => {
      const p = clamp(k / (trainY.length / channels));
      return Math.log(p / (1 - p));
    });
  }
  const cells = y.length / channels;
  const loss = classificationLossFn(c);
  return tf.tidy(() => {
    const yt = tf.tensor2d(y, [cells, channels]);
    const lt = tf.tile(tf.tensor2d(logits, [1, logits.length]), [cells, 1]);
    return loss(yt, lt).dataSync()[0]!;
  });
}
