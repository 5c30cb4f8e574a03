// Training losses (tf, mean over every output cell) and the same losses in float64 JS for the dummy
// baseline, so "model vs predicting the training mean" is measured in the units of the training loss.
import { tf } from './tf.js';

export type LossName = 'l1' | 'l2' | 'huber';

export function lossFn(name: LossName, huberDelta = 1): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  switch (name) {
    case 'l1':
      return (t, p) => tf.mean(tf.abs(tf.sub(p, t)));
    case 'l2':
      return (t, p) => tf.mean(tf.squaredDifference(p, t));
    case 'huber':
      return (t, p) => tf.losses.huberLoss(t, p, undefined, huberDelta, tf.Reduction.MEAN) as tf.Scalar;
  }
}

/** Per-cell loss in float64. */
export function pointLoss(name: LossName, huberDelta = 1): (err: number) => number {
  switch (name) {
    case 'l1':
      return (e) => Math.abs(e);
    case 'l2':
      return (e) => e * e;
    case 'huber':
      return (e) => {
        const a = Math.abs(e);
        return a <= huberDelta ? 0.5 * e * e : huberDelta * (a - 0.5 * huberDelta);
      };
  }
}

/** Per-channel mean of channels-last y. */
export function channelMeans(y: Float32Array, channels: number): Float64Array {
  const sum = new Float64Array(channels);
  for (let i = 0; i < y.length; i++) sum[i % channels] += y[i];
  const cells = y.length / channels;
  return sum.map((s) => s / cells);
}

/** Mean loss of predicting `means` (per channel) for every cell of y. */
export function constantLoss(y: Float32Array, channels: number, means: Float64Array, loss: (err: number) => number): number {
  if (y.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += loss(means[i % channels] - y[i]);
  return s / y.length;
}
