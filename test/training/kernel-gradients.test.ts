// Every kernel the project registers for wasm (and the wasm gradients they sit beside) against central
// finite differences of float64 reference implementations, relative max-norm error ≤ 1e-4.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import {
  conv2dRef, dot, finiteDiff, maxPoolRef, relError, resizeBilinearRef, resizeNearestRef, values,
  type ConvSpec, type Shape4,
} from './reference-ops.js';

const TOL = 1e-4;

before(async () => {
  await initBackend('wasm');
});

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Gradients of Σ op(inputs) ⊙ r on wasm, as float64 arrays. */
function wasmGrads(op: (...xs: tf.Tensor[]) => tf.Tensor, inputs: { v: Float64Array; shape: number[] }[], r: Float64Array): Float64Array[] {
  const gs = tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(Float32Array.from(i.v), i.shape));
    const rt = tf.tensor(Float32Array.from(r), op(...ts).shape);
    return tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), rt)))(ts);
  });
  const out = gs.map((g) => Float64Array.from(g.dataSync()));
  tf.dispose(gs);
  return out;
}

function checkConv(name: string, xs: Shape4, fs: Shape4, spec: ConvSpec): void {
  test(`${name}: ${spec.depthwise ? 'depthwise ' : ''}conv2d stride ${spec.stride} ${spec.pad} x${xs.join('x')} f${fs.join('x')}`, () => {
    const x = values(size(xs), 1);
    const f = values(size(fs), 2);
    const { shape } = conv2dRef(x, xs, f, fs, spec);
    const r = values(size(shape), 3);
    const op = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      spec.depthwise
        ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, spec.stride, spec.pad)
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, spec.stride, spec.pad);
    const [gx, gf] = wasmGrads(op, [{ v: x, shape: xs }, { v: f, shape: fs }], r);
    const fdx = finiteDiff((v) => dot(conv2dRef(v, xs, f, fs, spec).y, r), x);
    const fdf = finiteDiff((v) => dot(conv2dRef(x, xs, v, fs, spec).y, r), f);
    assert.ok(relError(gx, fdx) <= TOL, `dx error ${relError(gx, fdx)}`);
    assert.ok(relError(gf, fdf) <= TOL, `dfilter error ${relError(gf, fdf)}`);
  });
}

// Conv2DBackpropFilter (own) and Conv2DBackpropInput (own fast path at stride 1, wasm's at stride 2).
checkConv('Conv2DBackprop*', [2, 6, 6, 3], [3, 3, 3, 4], { stride: 1, dilation: 1, pad: 'same' });
checkConv('Conv2DBackprop*', [2, 6, 6, 3], [3, 3, 3, 4], { stride: 2, dilation: 1, pad: 'same' });
checkConv('Conv2DBackprop*', [2, 7, 7, 3], [3, 3, 3, 4], { stride: 1, dilation: 1, pad: 'valid' });
checkConv('Conv2DBackprop*', [2, 7, 7, 3], [2, 2, 3, 4], { stride: 2, dilation: 1, pad: 'valid' });
checkConv('Conv2DBackprop*', [2, 6, 6, 4], [3, 3, 4, 2], { stride: 1, dilation: 1, pad: 'same' });
checkConv('Conv2DBackprop*', [2, 7, 6, 4], [3, 2, 4, 2], { stride: 1, dilation: 1, pad: 'valid' });
checkConv('Conv2DBackprop*', [2, 7, 6, 2], [2, 3, 2, 4], { stride: 1, dilation: 1, pad: 'same' });
checkConv('Conv2DBackprop*', [2, 8, 8, 3], [2, 2, 3, 4], { stride: 2, dilation: 1, pad: 'valid' });
checkConv('Conv2DBackprop*', [2, 9, 9, 2], [3, 3, 2, 3], { stride: 3, dilation: 1, pad: 'same' });
checkConv('Conv2DBackprop*', [2, 5, 5, 2], [1, 1, 2, 3], { stride: 1, dilation: 1, pad: 'same' });
checkConv('DepthwiseConv2dNativeBackprop*', [2, 6, 6, 3], [3, 3, 3, 2], { stride: 1, dilation: 1, pad: 'same', depthwise: true });
checkConv('DepthwiseConv2dNativeBackprop*', [2, 7, 7, 2], [3, 3, 2, 1], { stride: 2, dilation: 1, pad: 'valid', depthwise: true });

test('Conv2DBackpropInput via conv2dTranspose: kernel 3 strides 1 and 2, kernel 2 stride 2', () => {
  for (const [stride, k] of [[1, 3], [2, 3], [2, 2]]) {
    const ys: Shape4 = [2, 4, 4, 3]; // the transpose conv's input = the forward conv's output
    const fs: Shape4 = [k, k, 2, 3];
    const outShape: Shape4 = [2, 4 * stride, 4 * stride, 2];
    const dy = values(size(ys), 4);
    const f = values(size(fs), 5);
    const r = values(size(outShape), 6);
    const [gdy, gf] = wasmGrads(
      (a, b) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, stride, 'same'),
      [{ v: dy, shape: ys }, { v: f, shape: fs }],
      r,
    );
    // conv2dTranspose(dy) is the adjoint of conv2d: <convT(dy), r> = <dy, conv(r)>.
    const spec: ConvSpec = { stride, dilation: 1, pad: 'same' };
    const fdDy = finiteDiff((v) => dot(v, conv2dRef(r, outShape, f, fs, spec).y), dy);
    const fdF = finiteDiff((v) => dot(dy, conv2dRef(r, outShape, v, fs, spec).y), f);
    assert.ok(relError(gdy, fdDy) <= TOL, `stride ${stride} d(dy) error ${relError(gdy, fdDy)}`);
    assert.ok(relError(gf, fdF) <= TOL, `stride ${stride} dfilter error ${relError(gf, fdF)}`);
  }
});

for (const [k, stride, pad, xs] of [
  [2, 2, 'valid', [2, 8, 8, 3]],
  [2, 2, 'valid', [2, 7, 7, 2]],
  [2, 2, 'valid', [2, 8, 8, 4]], // own SIMD kernel (channels a multiple of 4)
  [2, 2, 'valid', [1, 7, 9, 8]], // own SIMD kernel, a row and a column outside every window
  [3, 2, 'same', [2, 7, 7, 2]],
  [3, 1, 'same', [1, 5, 5, 2]],
] as [number, number, 'same' | 'valid', Shape4][]) {
  test(`MaxPoolGrad: ${k}x${k} stride ${stride} ${pad} x${xs.join('x')}`, () => {
    const x = values(size(xs), 7);
    const y = maxPoolRef(x, xs, k, stride, pad);
    const r = values(y.length, 8);
    const [g] = wasmGrads((a) => tf.maxPool(a as tf.Tensor4D, k, stride, pad), [{ v: x, shape: xs }], r);
    const fd = finiteDiff((v) => dot(maxPoolRef(v, xs, k, stride, pad), r), x, 1e-6);
    assert.ok(relError(g, fd) <= TOL, `error ${relError(g, fd)}`);
  });
}

/** VALID average pool, k×k windows at the given stride. */
function avgPoolRef(v: Float64Array, xs: Shape4, k: number, stride: number): { y: Float64Array; shape: Shape4 } {
  const [n, h, w, c] = xs;
  const ho = Math.floor((h - k) / stride) + 1;
  const wo = Math.floor((w - k) / stride) + 1;
  const y = new Float64Array(n * ho * wo * c);
  for (let b = 0; b < n; b++) for (let i = 0; i < ho; i++) for (let j = 0; j < wo; j++) for (let a = 0; a < k; a++)
    for (let q = 0; q < k; q++) for (let ch = 0; ch < c; ch++)
      y[((b * ho + i) * wo + j) * c + ch] += v[((b * h + i * stride + a) * w + j * stride + q) * c + ch] / (k * k);
  return { y, shape: [n, ho, wo, c] };
}

// Windows that tile the input run on the own SIMD kernel (vector and scalar channel tails, a row and a
// column outside every window); overlapping windows on wasm's own.
for (const [xs, k, stride] of [
  [[2, 6, 6, 2], 2, 2],
  [[1, 7, 8, 5], 3, 3],
  [[2, 7, 7, 3], 3, 2],
] as [Shape4, number, number][]) {
  test(`AvgPoolGrad: ${k}x${k} stride ${stride} valid x${xs.join('x')}`, () => {
    const x = values(size(xs), 9);
    const r = values(size(avgPoolRef(x, xs, k, stride).shape), 10);
    const [g] = wasmGrads((a) => tf.avgPool(a as tf.Tensor4D, k, stride, 'valid'), [{ v: x, shape: xs }], r);
    const fd = finiteDiff((v) => dot(avgPoolRef(v, xs, k, stride).y, r), x);
    assert.ok(relError(g, fd) <= TOL, `error ${relError(g, fd)}`);
  });
}

for (const [xs, oh, ow, align] of [
  [[2, 4, 4, 3], 8, 8, false],
  [[2, 4, 4, 8], 8, 8, false], // own SIMD kernel, vector path
  [[1, 3, 2, 5], 6, 6, false], // own SIMD kernel, factors 2 and 3, a vector and a scalar tail
  [[2, 3, 4, 2], 9, 8, false],
  [[2, 4, 5, 2], 7, 9, false],
  [[2, 4, 5, 2], 7, 9, true],
] as [Shape4, number, number, boolean][]) {
  test(`ResizeNearestNeighborGrad: ${xs.join('x')} -> ${oh}x${ow}${align ? ' alignCorners' : ''}`, () => {
    const x = values(size(xs), 11);
    const r = values(xs[0] * oh * ow * xs[3], 12);
    const [g] = wasmGrads((a) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [oh, ow], align), [{ v: x, shape: xs }], r);
    const fd = finiteDiff((v) => dot(resizeNearestRef(v, xs, oh, ow, align), r), x);
    assert.ok(relError(g, fd) <= TOL, `error ${relError(g, fd)}`);
  });
}

test('ResizeBilinearGrad (wasm own): x2 and 4x5 -> 7x9', () => {
  for (const [xs, oh, ow] of [[[2, 4, 4, 3], 8, 8], [[2, 4, 5, 2], 7, 9]] as [Shape4, number, number][]) {
    const x = values(size(xs), 13);
    const r = values(xs[0] * oh * ow * xs[3], 14);
    const [g] = wasmGrads((a) => tf.image.resizeBilinear(a as tf.Tensor4D, [oh, ow]), [{ v: x, shape: xs }], r);
    const fd = finiteDiff((v) => dot(resizeBilinearRef(v, xs, oh, ow), r), x);
    assert.ok(relError(g, fd) <= TOL, `${xs.join('x')} error ${relError(g, fd)}`);
  }
});

test('UnsortedSegmentSum via the gradient of gather (embedding lookup)', () => {
  const table = values(5 * 3, 15);
  const ids = [4, 0, 2, 4, 4, 1];
  const r = values(ids.length * 3, 16);
  const gt = tf.tidy(() => {
    const t = tf.tensor2d(Float32Array.from(table), [5, 3]);
    const rt = tf.tensor2d(Float32Array.from(r), [ids.length, 3]);
    const idx = tf.tensor1d(ids, 'int32');
    return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx), rt)))(t);
  });
  const g = Float64Array.from(gt.dataSync());
  gt.dispose();
  const gather = (v: Float64Array): Float64Array => Float64Array.from(ids.flatMap((i) => [v[i * 3], v[i * 3 + 1], v[i * 3 + 2]]));
  const fd = finiteDiff((v) => dot(gather(v), r), table);
  assert.ok(relError(g, fd) <= TOL, `error ${relError(g, fd)}`);
});

test('Slice and SplitV (own, in place) match the cpu backend on every kind of slice', () => {
  const shape = [2, 5, 4, 6];
  const x = values(2 * 5 * 4 * 6, 17);
  const cases: [number[], number[]][] = [
    [[0, 0, 0, 0], [2, 5, 4, 6]], [[1, 0, 0, 0], [1, 5, 4, 6]], [[0, 1, 0, 0], [2, 3, 4, 6]],
    [[0, 0, 0, 2], [2, 5, 4, 3]], [[1, 2, 1, 1], [1, 2, 2, 4]], [[0, 4, 3, 5], [2, 1, 1, 1]], [[0, 0, 0, 0], [2, 0, 4, 6]],
  ];
  const run = (backend: string): number[][] => {
    tf.setBackend(backend);
    const out = tf.tidy(() => {
      const t = tf.tensor4d(Float32Array.from(x), shape as Shape4);
      const slices = cases.map(([b, s]) => tf.slice(t, b, s));
      const parts = [...tf.split(t, [1, 3, 2], 3), ...tf.split(t, 5, 1), ...tf.split(tf.reshape(t, [40, 6]), [2, 4], 1)];
      return [...slices, ...parts].map((p) => Array.from(p.dataSync()));
    });
    tf.setBackend('wasm');
    return out;
  };
  assert.deepEqual(run('wasm'), run('cpu'));
});
