// The project's own SIMD convolutions (src/training/wasm-kernels/assembly/conv.ts): forward, fused
// bias + relu, input and filter gradients against exact float64 references, over geometries that reach
// every code path (2×16, 2×12, 4×8 and 4×4 tiles, 1×4 tiles at the borders, channel counts that are not a multiple of 4, the 1-channel dot paths,
// asymmetric and VALID padding, 1×1, 5×5 and 7×7 kernels, images narrower than a tile, strides 2 and 3), and proof that the own kernels ran.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { spySimdModule } from './kernel-spy.js';
import { conv2dGradsRef, conv2dRef, relError, values, type ConvSpec, type Shape4 } from './reference-ops.js';

const TOL = 1e-5;
let calls: Record<'conv2d' | 'conv2dStrided' | 'conv2dFilterGrad' | 'conv2dFilterGradStrided', number>;

before(async () => {
  await initBackend('wasm');
  calls = spySimdModule(['conv2d', 'conv2dStrided', 'conv2dFilterGrad', 'conv2dFilterGradStrided']);
});

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const f32 = (v: Float64Array): Float32Array => Float32Array.from(v);

const cases: [Shape4, Shape4, 'same' | 'valid'][] = [
  [[2, 6, 9, 3], [3, 3, 3, 8], 'same'], // 4×8 tiles + borders
  [[2, 7, 11, 5], [3, 3, 5, 12], 'same'], // channel tail of 4 after an 8-block
  [[1, 6, 5, 4], [3, 3, 4, 4], 'valid'],
  [[2, 7, 9, 8], [3, 3, 8, 1], 'same'], // one output channel: dot paths
  [[1, 6, 7, 20], [3, 3, 20, 1], 'same'], // filter gradient: a 16-block and a 4-block of input channels
  [[2, 9, 8, 4], [5, 5, 4, 16], 'same'],
  [[2, 5, 5, 3], [1, 1, 3, 4], 'valid'],
  [[1, 4, 3, 2], [3, 3, 2, 16], 'same'], // narrower than a tile
  [[1, 5, 6, 1], [3, 3, 1, 8], 'same'], // input gradient through the dot path (1 input channel)
  [[1, 6, 8, 16], [2, 3, 16, 16], 'same'], // even kernel: asymmetric SAME padding
  [[2, 5, 9, 6], [3, 3, 6, 32], 'same'], // 2×16 tiles over two channel blocks, odd interior width
  [[2, 6, 9, 8], [3, 3, 8, 6], 'same'], // channel tail of 2 in a 4×8 tile
  [[2, 6, 9, 6], [3, 3, 6, 18], 'same'], // 8-blocks and a tail of 2
  [[1, 6, 7, 3], [3, 3, 3, 3], 'same'], // tail of 3 in a 4×4 tile; input gradient with 3 channels
  [[1, 6, 7, 6], [3, 3, 6, 1], 'valid'], // one output channel, input channels not a multiple of 4
  [[2, 9, 10, 12], [7, 7, 12, 12], 'same'], // large_kernel_ed: 2×12 tiles, 12-channel filter-gradient tiles
  [[1, 8, 11, 3], [7, 7, 3, 24], 'same'], // two 2×12 tiles per pixel group; dx with 3 channels
  [[1, 7, 9, 10], [3, 3, 10, 20], 'same'], // filter gradient: 16 + 4 output channels
  [[1, 7, 9, 5], [3, 3, 5, 28], 'same'], // filter gradient: 16 + 12 (+ a tail of odd input channels)
];

for (const [xs, fs, pad] of cases) {
  test(`own conv kernels: x${xs.join('x')} f${fs.join('x')} ${pad}: forward, fused, dx, dfilter`, () => {
    const spec: ConvSpec = { stride: 1, dilation: 1, pad };
    const x = values(size(xs), 11);
    const f = values(size(fs), 12);
    const bias = values(fs[3], 13);
    const { y, shape } = conv2dRef(x, xs, f, fs, spec);
    const r = values(size(shape), 14);
    const { dx, df } = conv2dGradsRef(x, xs, f, fs, spec, r);
    const before = { ...calls };
    const [gotY, gotFused, gotDx, gotDf] = tf.tidy(() => {
      const xt = tf.tensor4d(f32(x), xs);
      const ft = tf.tensor4d(f32(f), fs);
      const rt = tf.tensor(f32(r), shape);
      const yt = tf.conv2d(xt, ft, 1, pad);
      const fused = tf.fused.conv2d({ x: xt, filter: ft, bias: tf.tensor1d(f32(bias)), activation: 'relu', strides: 1, pad });
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), rt)))([xt, ft]);
      return [yt, fused, gx, gf].map((t) => t.dataSync().slice());
    });
    const yFused = y.map((v, i) => Math.max(0, v + bias[i % fs[3]]));
    assert.ok(relError(gotY, y) <= TOL, `forward error ${relError(gotY, y)}`);
    assert.ok(relError(gotFused, yFused) <= TOL, `fused error ${relError(gotFused, yFused)}`);
    assert.ok(relError(gotDx, dx) <= TOL, `dx error ${relError(gotDx, dx)}`);
    assert.ok(relError(gotDf, df) <= TOL, `dfilter error ${relError(gotDf, df)}`);
    // forward, fused, the forward inside tf.grads, the input gradient.
    const expectConv = 4;
    assert.equal(calls.conv2d - before.conv2d, expectConv, 'own forward kernel calls');
    assert.equal(calls.conv2dFilterGrad - before.conv2dFilterGrad, 1, 'own filter-gradient kernel calls');
  });
}

// Strided convolutions (res_unet's down-sampling, the strided and patch input blocks): forward, input gradient
// through the phases of the transposed convolution (kernels smaller, equal to and larger than the stride, odd
// sizes, VALID rows the forward pass never reads, 1×1 projections), filter gradient.
const strided: [Shape4, Shape4, number, 'same' | 'valid'][] = [
  [[2, 8, 8, 4], [3, 3, 4, 8], 2, 'same'], // res_unet's 3×3 stride-2 conv
  [[2, 9, 11, 6], [3, 3, 6, 12], 2, 'same'], // odd sizes: asymmetric padding, 2×12 tiles
  [[2, 8, 8, 6], [1, 1, 6, 12], 2, 'same'], // 1×1 projection shortcut: phases no tap reaches
  [[1, 10, 9, 3], [4, 4, 3, 16], 2, 'valid'], // even kernel, 2×16 tiles
  [[1, 12, 13, 2], [4, 4, 2, 5], 3, 'same'], // stride 3, 2 input channels, channel tail
  [[1, 12, 12, 3], [3, 3, 3, 1], 2, 'valid'], // one output channel; a row and a column the forward never reads
  [[2, 10, 10, 8], [3, 3, 8, 1], 2, 'same'], // one output channel: dot paths
  [[1, 12, 12, 1], [5, 5, 1, 8], 3, 'same'], // the patch block's shape: kernel larger than the stride
  [[1, 9, 7, 4], [3, 3, 4, 4], 2, 'same'],
];

for (const [xs, fs, stride, pad] of strided) {
  test(`own strided conv kernels: x${xs.join('x')} f${fs.join('x')} stride ${stride} ${pad}: forward, fused, dx, dfilter`, () => {
    const spec: ConvSpec = { stride, dilation: 1, pad };
    const x = values(size(xs), 21);
    const f = values(size(fs), 22);
    const bias = values(fs[3], 23);
    const { y, shape } = conv2dRef(x, xs, f, fs, spec);
    const r = values(size(shape), 24);
    const { dx, df } = conv2dGradsRef(x, xs, f, fs, spec, r);
    const before = { ...calls };
    const [gotY, gotFused, gotDx, gotDf] = tf.tidy(() => {
      const xt = tf.tensor4d(f32(x), xs);
      const ft = tf.tensor4d(f32(f), fs);
      const rt = tf.tensor(f32(r), shape);
      const yt = tf.conv2d(xt, ft, stride, pad);
      const fused = tf.fused.conv2d({ x: xt, filter: ft, bias: tf.tensor1d(f32(bias)), activation: 'relu', strides: stride, pad });
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), rt));
      const [gx, gf] = tf.grads(loss)([xt, ft]);
      return [yt, fused, gx, gf].map((t) => t.dataSync().slice());
    });
    const yFused = y.map((v, i) => Math.max(0, v + bias[i % fs[3]]));
    assert.ok(relError(gotY, y) <= TOL, `forward error ${relError(gotY, y)}`);
    assert.ok(relError(gotFused, yFused) <= TOL, `fused error ${relError(gotFused, yFused)}`);
    assert.ok(relError(gotDx, dx) <= TOL, `dx error ${relError(gotDx, dx)}`);
    assert.ok(relError(gotDf, df) <= TOL, `dfilter error ${relError(gotDf, df)}`);
    assert.equal(calls.conv2d, before.conv2d, 'no stride-1 kernel calls');
    // forward, fused, the forward inside tf.grads; the input gradient once per phase that some tap reaches.
    assert.ok(calls.conv2dStrided - before.conv2dStrided >= 4, 'own strided forward kernel calls');
    assert.equal(calls.conv2dFilterGradStrided - before.conv2dFilterGradStrided, 1, 'own strided filter-gradient kernel calls');
  });
}

test('dilated convolutions (not covered by the own kernels) fall back, with the same results', () => {
  const xs: Shape4 = [2, 9, 9, 3];
  const fs: Shape4 = [3, 3, 3, 4];
  const spec: ConvSpec = { stride: 1, dilation: 2, pad: 'same' };
  const x = values(size(xs), 31);
  const f = values(size(fs), 32);
  const { y } = conv2dRef(x, xs, f, fs, spec);
  const before = { ...calls };
  const got = tf.tidy(() =>
    tf
      .conv2d(tf.tensor4d(f32(x), xs), tf.tensor4d(f32(f), fs), 1, 'same', 'NHWC', 2)
      .dataSync()
      .slice(),
  );
  assert.ok(relError(got, y) <= TOL, `forward error ${relError(got, y)}`);
  assert.deepEqual(calls, before, 'fallback used');
});
