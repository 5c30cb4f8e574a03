/**
 * Building blocks shared by the architectures in models/: convolution stacks, residual blocks, attention
 * gates, up-sampling, and the checks that refuse a grid a model cannot handle. All use the functional
 * layers API on symbolic tensors, so the models are plain tf.LayersModel graphs that save and reload.
 *
 * Deliberately absent: depthwise/separable convolutions (no gradient on the wasm backend) and transposed
 * convolutions (their forward pass is wasm's slow naive Conv2DBackpropInput); up-sampling is
 * resize + convolution instead.
 */
import { tf } from '../training/tf.js';
import type { ModelSpec } from './registry.js';
import { cubicResample } from './cubic-resample-layer.js';

export type Sym = tf.SymbolicTensor;

export const ACTIVATIONS = ['relu', 'elu', 'selu', 'swish', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface ConvOptions {
  kernelSize?: number;
  strides?: number;
  /** batch normalisation between convolution and activation */
  batchNorm?: boolean;
  /** weight of the old moving statistics per step (Keras convention; PyTorch's momentum m is 1 − m here) */
  batchNormMomentum?: number;
  /** 'linear' for none */
  activation?: Activation | 'linear';
}

/**
 * Default batch-norm momentum: 0.9, PyTorch's 0.1. tfjs's own 0.99 suits long trainings; with the few
 * steps per epoch of a small study (≈ 5) more than half of the initial moving statistics survive 30
 * epochs, and validation, early stopping and ranking then run on statistics the model never had.
 */
export const BATCH_NORM_MOMENTUM = 0.9;

/** convolution → (batch norm) → activation, 'same' padding. */
export function conv(x: Sym, filters: number, opts: ConvOptions = {}): Sym {
  const { kernelSize = 3, strides = 1, batchNorm = false, batchNormMomentum = BATCH_NORM_MOMENTUM, activation = 'relu' } = opts;
  let y = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: !batchNorm, kernelInitializer: 'heNormal' }).apply(x) as Sym;
  if (batchNorm) y = tf.layers.batchNormalization({ axis: -1, momentum: batchNormMomentum }).apply(y) as Sym;
  if (activation !== 'linear') y = tf.layers.activation({ activation }).apply(y) as Sym;
  return y;
}

/** `count` convolutions of `filters` channels each. */
export function convStack(x: Sym, filters: number, count: number, opts: ConvOptions = {}): Sym {
  let y = x;
  for (let i = 0; i < count; i++) y = conv(y, filters, opts);
  return y;
}

/**
 * ResNet basic block: conv(stride) → BN → act → conv → BN, plus a shortcut (1×1 projection when the shape
 * changes), then the activation. With strides 2 the block also halves the grid (ResUNet's down-sampling).
 */
export function residualBlock(x: Sym, filters: number, opts: ConvOptions = {}): Sym {
  const { kernelSize = 3, strides = 1, batchNorm = true, activation = 'relu' } = opts;
  const main = conv(conv(x, filters, { kernelSize, strides, batchNorm, activation }), filters, {
    kernelSize,
    batchNorm,
    activation: 'linear',
  });
  const inChannels = x.shape[x.shape.length - 1];
  const shortcut = strides === 1 && inChannels === filters ? x : conv(x, filters, { kernelSize: 1, strides, batchNorm, activation: 'linear' });
  const sum = tf.layers.add().apply([main, shortcut]) as Sym;
  return activation === 'linear' ? sum : (tf.layers.activation({ activation }).apply(sum) as Sym);
}

/**
 * Additive attention gate (Oktay et al., Attention U-Net): the decoder's coarser features decide, per
 * cell, how much of the encoder's skip connection passes. `gating` must already be on the skip's grid.
 */
export function attentionGate(skip: Sym, gating: Sym, inter: number): Sym {
  const s = tf.layers.conv2d({ filters: inter, kernelSize: 1, useBias: false }).apply(skip) as Sym;
  const g = tf.layers.conv2d({ filters: inter, kernelSize: 1 }).apply(gating) as Sym;
  const joint = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([s, g]) as Sym) as Sym;
  const alpha = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(joint) as Sym;
  // Multiply broadcasts the one-channel gate over the skip's channels.
  return tf.layers.multiply().apply([skip, alpha]) as Sym;
}

export function maxPool(x: Sym, factor = 2): Sym {
  return tf.layers.maxPooling2d({ poolSize: factor, strides: factor }).apply(x) as Sym;
}

export function avgPool(x: Sym, factor = 2): Sym {
  return tf.layers.averagePooling2d({ poolSize: factor, strides: factor }).apply(x) as Sym;
}

/**
 * Up-sampling by a whole factor. `bilinear` samples at half-pixel centres, as PyTorch's
 * interpolate(mode='bilinear', align_corners=False) and TF2 do (tfjs's own bilinear up-sampling follows
 * TensorFlow 1 and differs by up to 66 % at the borders; a model ported from PyTorch would not match).
 */
export function upsample(x: Sym, factor = 2, interpolation: 'nearest' | 'bilinear' = 'nearest'): Sym {
  if (interpolation === 'nearest') return tf.layers.upSampling2d({ size: [factor, factor], interpolation }).apply(x) as Sym;
  const [, h, w] = x.shape;
  return cubicResample({ height: h! * factor, width: w! * factor, kernel: 'linear' }).apply(x) as Sym;
}

export function concat(xs: Sym[]): Sym {
  return tf.layers.concatenate({ axis: -1 }).apply(xs) as Sym;
}

export function add(xs: Sym[]): Sym {
  return tf.layers.add().apply(xs) as Sym;
}

/** Dropout, or the input unchanged when rate is 0 (keeps the graph free of no-op layers). */
export function dropout(x: Sym, rate: number): Sym {
  return rate > 0 ? (tf.layers.dropout({ rate }).apply(x) as Sym) : x;
}

/** 1×1 convolution to the target channels, linear (targets are normalised, so no output activation). */
export function outputHead(x: Sym, channels: number): Sym {
  return tf.layers.conv2d({ filters: channels, kernelSize: 1, padding: 'same' }).apply(x) as Sym;
}

/**
 * Head of a model with a vector output (values per sample, or one logit per class): global average
 * pooling over the grid, an optional hidden dense layer, then a linear dense layer of `units` (no output
 * activation: regression targets are normalised, classification losses take logits).
 */
export function vectorHead(x: Sym, units: number, opts: { hidden?: number; dropout?: number; activation?: Activation } = {}): Sym {
  let v = tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
  if (opts.hidden) v = tf.layers.dense({ units: opts.hidden, activation: opts.activation ?? 'relu' }).apply(v) as Sym;
  v = dropout(v, opts.dropout ?? 0);
  return tf.layers.dense({ units }).apply(v) as Sym;
}

/** Wraps the graph into a model named after the architecture. */
export function finish(name: string, input: Sym, output: Sym): tf.LayersModel {
  return tf.model({ inputs: input, outputs: output, name });
}

// ---- grid checks -------------------------------------------------------------------------------------

function twos(n: number): number {
  let k = 0;
  while (n > 0 && n % 2 === 0) {
    n /= 2;
    k++;
  }
  return k;
}

/**
 * Refusal for a model that halves the (output) grid `halvings` times; undefined when the grid divides.
 * The message names the sizes that work and the largest setting that fits this grid.
 */
export function checkDivisible(spec: ModelSpec, halvings: number, setting = 'depth'): string | undefined {
  const [h, w] = spec.outputShape;
  const m = 2 ** halvings;
  if (h % m === 0 && w % m === 0) return undefined;
  const examples = [1, 2, 3, 4, 5]
    .map((k) => k * m)
    .filter((v) => v >= m)
    .join(', ');
  const fits = Math.min(twos(h), twos(w));
  const nearest = (v: number) => Math.max(m, Math.round(v / m) * m);
  const advice =
    fits > 0
      ? `use ${setting} ≤ ${fits} for a ${h}×${w} grid, or crop/pad the data to ${nearest(h)}×${nearest(w)}`
      : `a ${h}×${w} grid cannot be halved at all: crop/pad the data to ${nearest(h)}×${nearest(w)}, or use plain_cnn`;
  return (
    `${setting} ${halvings} halves the grid ${halvings === 1 ? 'once' : `${halvings} times`}` +
    `, so height and width must be multiples of ${m} (${examples}, …); got ${h}×${w}: ${advice}`
  );
}

/** Refusal for non-positive-integer or out-of-range numeric hyperparameters. */
export function checkInts(spec: ModelSpec, ranges: Record<string, [min: number, max: number]>): string | undefined {
  for (const [key, [min, max]] of Object.entries(ranges)) {
    const v = spec.hp[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return `hyperparameter ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`;
    }
  }
  return undefined;
}

export function checkRate(spec: ModelSpec, key: string): string | undefined {
  const v = spec.hp[key];
  return typeof v === 'number' && v >= 0 && v < 1 ? undefined : `hyperparameter ${key} must be in [0, 1), got ${JSON.stringify(v)}`;
}

export function checkChoice(spec: ModelSpec, key: string, choices: readonly string[]): string | undefined {
  const v = spec.hp[key];
  return typeof v === 'string' && choices.includes(v) ? undefined : `hyperparameter ${key} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`;
}

/** Runs checks in order, returns the first refusal. */
export function firstRefusal(...refusals: (string | undefined)[]): string | undefined {
  return refusals.find((r) => r !== undefined);
}
