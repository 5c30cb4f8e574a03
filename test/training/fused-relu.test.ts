// The fused ReLU paths of training (src/training/wasm-kernels/conv-bias-relu.ts, relu-grad.ts): a conv layer
// with a ReLU activation under gradient recording runs PipeConv2DBiasRelu forward and PipeReluGrad backward,
// and its value and all gradients are bit-identical to tfjs's unfused ops (Conv2D, Add, Relu; Step, Cast,
// Multiply, Sum); PipeReluGrad itself equals dy · step(x) bit for bit, NaN, ±0 and ±Infinity included. Linear conv
// layers run PipeConv2DBias, bit-identical to tfjs's fused linear conv2d, with no input gradient nobody asked for.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { simdKernels, spyKernel } from './kernel-spy.js';
import { values } from './reference-ops.js';

before(async () => {
  await initBackend('wasm');
});

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const f32 = (n: number, seed: number): Float32Array => Float32Array.from(values(n, seed));

function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: element ${i} differs: ${got[i]} vs ${want[i]}`);
  }
}

test('PipeReluGrad equals dy · step(x) bit for bit, NaN, ±0 and ±Infinity included', () => {
  const special = [NaN, 0, -0, Infinity, -Infinity, 1e-38, -1e-38, 3, -3];
  const n = 4 * 4 * 4 * 5 + 3; // not a multiple of 4: the scalar tail runs too
  const x = f32(n, 3);
  const dy = f32(n, 4);
  special.forEach((v, i) => {
    x[i] = v;
    dy[n - 1 - i] = v;
    x[n - 1 - i] = special[(i + 3) % special.length];
  });
  const spy = spyKernel('PipeReluGrad');
  try {
    const [got, want] = tf.tidy(() => {
      const xt = tf.tensor1d(x);
      const dyt = tf.tensor1d(dy);
      const g = tf.grad((a: tf.Tensor) => tf.relu(a))(xt, dyt);
      const ref = tf.mul(dyt, tf.cast(tf.step(xt), 'float32'));
      return [g, ref].map((t) => t.dataSync() as Float32Array);
    });
    assert.equal(spy.calls, 1, 'Relu gradient ran PipeReluGrad');
    sameBits(got, want, 'dx');
  } finally {
    spy.restore();
  }
});

const cases: { x: [number, number, number, number]; k: number; filters: number; pad: 'same' | 'valid'; bias: boolean }[] = [
  { x: [2, 9, 11, 2], k: 3, filters: 16, pad: 'same', bias: true }, // 2 input channels (first layers), 2x16 tiles
  { x: [2, 8, 9, 16], k: 3, filters: 16, pad: 'same', bias: true },
  { x: [1, 7, 10, 5], k: 3, filters: 6, pad: 'valid', bias: true }, // channel tail of 2
  { x: [2, 6, 7, 8], k: 3, filters: 1, pad: 'same', bias: true }, // one output channel: dot path
  { x: [1, 9, 9, 3], k: 7, filters: 3, pad: 'same', bias: false }, // 7x7, tail of 3, no bias
  { x: [2, 5, 6, 4], k: 1, filters: 32, pad: 'same', bias: true },
];

for (const c of cases) {
  test(`relu conv layer while training: x${c.x.join('x')} k${c.k} f${c.filters} ${c.pad}${c.bias ? '' : ' no bias'}: fused, bit-identical`, () => {
    const layer = tf.layers.conv2d({ filters: c.filters, kernelSize: c.k, padding: c.pad, activation: 'relu', useBias: c.bias });
    layer.build(c.x);
    const wShape = [c.k, c.k, c.x[3], c.filters];
    layer.setWeights(c.bias ? [tf.tensor(f32(size(wShape), 5), wShape), tf.tensor1d(f32(c.filters, 6))] : [tf.tensor(f32(size(wShape), 5), wShape)]);
    const x = tf.tensor4d(f32(size(c.x), 7), c.x);
    const outShape = layer.computeOutputShape(c.x) as number[];
    const r = tf.tensor(f32(size(outShape), 8), outShape);
    const [w, b] = layer.getWeights();
    const unfused = (xi: tf.Tensor, wi: tf.Tensor, bi?: tf.Tensor) => {
      const conv = tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, c.pad);
      return tf.relu(bi ? tf.add(conv, bi) : conv);
    };
    const spies = ['PipeConv2DBiasRelu', 'Conv2D', 'Add', 'Relu', 'Step', 'Cast'].map((name) => [name, spyKernel(name)] as const);
    let fusedOut: Float32Array[];
    try {
      fusedOut = tf.tidy(() => {
        const inputs = c.bias ? [x, w, b] : [x, w];
        const { value, grads } = tf.valueAndGrads((...t: tf.Tensor[]) => convLayerWith(layer, t))(inputs, r);
        return [value, ...grads].map((t) => t.dataSync() as Float32Array);
      });
      const count = Object.fromEntries(spies.map(([name, s]) => [name, s.calls]));
      assert.equal(count.PipeConv2DBiasRelu, 1, 'the layer ran the fused kernel while recording gradients');
      for (const name of ['Conv2D', 'Add', 'Relu', 'Step', 'Cast']) assert.equal(count[name], 0, `${name} did not run in the fused step`);
    } finally {
      for (const [, s] of spies) s.restore();
    }
    const want = tf.tidy(() => {
      const inputs = c.bias ? [x, w, b] : [x, w];
      const { value, grads } = tf.valueAndGrads((...t: tf.Tensor[]) => unfused(t[0], t[1], t[2]))(inputs, r);
      return [value, ...grads].map((t) => t.dataSync() as Float32Array);
    });
    ['y', 'dx', 'dw', 'db'].slice(0, want.length).forEach((what, i) => sameBits(fusedOut[i], want[i], what));
  });
}

/** The layer's own call with its kernel and bias replaced by `t[1]`, `t[2]` (so tf.grads can see them). */
function convLayerWith(layer: tf.layers.Layer, t: tf.Tensor[]): tf.Tensor {
  const l = layer as unknown as { kernel: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null };
  const kernel = l.kernel;
  const bias = l.bias;
  l.kernel = { read: () => t[1] };
  if (bias) l.bias = { read: () => t[2] };
  try {
    return layer.call(t[0], {}) as tf.Tensor;
  } finally {
    l.kernel = kernel;
    l.bias = bias;
  }
}

test("with PIPE_SIMD_KERNELS=off the relu conv layer runs tfjs's own path", () => {
  const layer = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' });
  const x = tf.tensor4d(f32(2 * 5 * 5 * 2, 9), [2, 5, 5, 2]);
  layer.build(x.shape);
  const spy = spyKernel('PipeConv2DBiasRelu');
  try {
    simdKernels(false, () =>
      tf.tidy(() =>
        tf
          .grad((a: tf.Tensor) => tf.sum(layer.apply(a) as tf.Tensor))(x)
          .dataSync(),
      ),
    );
    assert.equal(spy.calls, 0);
  } finally {
    spy.restore();
  }
});

test('a fused training step leaks no tensor (the ReLU mask is freed with the backward pass)', () => {
  const layer = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' });
  const x = tf.tensor4d(f32(2 * 6 * 6 * 4, 10), [2, 6, 6, 4]);
  layer.build(x.shape);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor));
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const spy = spyKernel('PipeConv2DBiasRelu');
  const before = tf.memory().numTensors;
  try {
    step();
    assert.equal(spy.calls, 1, 'the step ran the fused kernel');
  } finally {
    spy.restore();
  }
  assert.equal(tf.memory().numTensors, before);
});

// Linear conv layers (no activation, or a separate activation layer; with and without bias, strides 1 and 2)
// run PipeConv2DBias while training: the same FusedConv2D kernel, bit-identical values and gradients to
// tfjs's customGrad path, and no input gradient where nothing asks for it (a model's first layer).
const linearCases: { x: [number, number, number, number]; k: number; filters: number; strides: number; bias: boolean }[] = [
  { x: [2, 9, 11, 3], k: 3, filters: 16, strides: 1, bias: true },
  { x: [2, 8, 8, 6], k: 3, filters: 12, strides: 2, bias: false }, // res_unet's down-sampling (batch norm after it)
  { x: [1, 9, 9, 12], k: 7, filters: 12, strides: 1, bias: true },
  { x: [2, 8, 9, 6], k: 1, filters: 1, strides: 1, bias: true }, // a last layer
];

for (const c of linearCases) {
  test(`linear conv layer while training: x${c.x.join('x')} k${c.k} f${c.filters} stride ${c.strides}${c.bias ? '' : ' no bias'}: bit-identical`, () => {
    const layer = tf.layers.conv2d({ filters: c.filters, kernelSize: c.k, strides: c.strides, padding: 'same', useBias: c.bias });
    layer.build(c.x);
    const wShape = [c.k, c.k, c.x[3], c.filters];
    layer.setWeights(c.bias ? [tf.tensor(f32(size(wShape), 15), wShape), tf.tensor1d(f32(c.filters, 16))] : [tf.tensor(f32(size(wShape), 15), wShape)]);
    const x = tf.tensor4d(f32(size(c.x), 17), c.x);
    const outShape = layer.computeOutputShape(c.x) as number[];
    const r = tf.tensor(f32(size(outShape), 18), outShape);
    const [w, b] = layer.getWeights();
    const inputs = c.bias ? [x, w, b] : [x, w];
    const spy = spyKernel('PipeConv2DBias');
    let got: Float32Array[];
    try {
      got = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((...t: tf.Tensor[]) => convLayerWith(layer, t))(inputs, r);
        return [value, ...grads].map((t) => t.dataSync() as Float32Array);
      });
      assert.equal(spy.calls, 1, 'the layer ran PipeConv2DBias while recording gradients');
    } finally {
      spy.restore();
    }
    const want = tf.tidy(() => {
      const tfjs = (xi: tf.Tensor, wi: tf.Tensor, bi?: tf.Tensor) =>
        tf.fused.conv2d({ x: xi as tf.Tensor4D, filter: wi as tf.Tensor4D, bias: bi, strides: c.strides, pad: 'same', activation: 'linear' });
      const { value, grads } = tf.valueAndGrads((...t: tf.Tensor[]) => tfjs(t[0], t[1], t[2]))(inputs, r as tf.Tensor4D);
      return [value, ...grads].map((t) => t.dataSync() as Float32Array);
    });
    ['y', 'dx', 'dw', 'db'].slice(0, want.length).forEach((what, i) => sameBits(got[i], want[i], what));
  });
}

test("a linear conv layer on the data computes no input gradient (tfjs's customGrad path did)", () => {
  const layer = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' });
  const x = tf.tensor4d(f32(2 * 6 * 6 * 3, 19), [2, 6, 6, 3]);
  layer.build(x.shape);
  const spies = ['PipeConv2DBias', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'].map((name) => [name, spyKernel(name)] as const);
  try {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor));
      return [value, ...Object.values(grads)].map((t) => t.dataSync());
    });
    const count = Object.fromEntries(spies.map(([name, s]) => [name, s.calls]));
    assert.deepEqual(count, { PipeConv2DBias: 1, Conv2DBackpropInput: 0, Conv2DBackpropFilter: 1 });
  } finally {
    for (const [, s] of spies) s.restore();
  }
});
