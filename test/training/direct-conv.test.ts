// The project's own SIMD convolutions (src/training/wasm-kernels/assembly/conv.ts): forward, fused
// bias + relu, input and filter gradients against exact float64 references, over geometries that reach
// every code path (2×16, 4×8 and 4×4 tiles, 1×4 tiles at the borders, channel counts that are not a multiple of 4, the 1-channel dot paths, asymmetric
// and VALID padding, 1×1 and 5×5 kernels, images narrower than a tile), and proof that the own kernels ran.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { spySimdModule } from './kernel-spy.js';
import { conv2dGradsRef, conv2dRef, relError, values, type ConvSpec, type Shape4 } from './reference-ops.js';

const TOL = 1e-5;
let calls: Record<'conv2d' | 'conv2dFilterGrad', number>;

before(async () => {
  await initBackend('wasm');
  calls = spySimdModule(['conv2d', 'conv2dFilterGrad']);
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

test('geometries the own kernels do not cover (stride 2) fall back, with the same results', () => {
  for (const [xs, fs, stride] of [[[2, 6, 6, 3], [3, 3, 3, 3], 2], [[2, 8, 8, 4], [3, 3, 4, 8], 2]] as [Shape4, Shape4, number][]) {
    const spec: ConvSpec = { stride, dilation: 1, pad: 'same' };
    const x = values(size(xs), 21);
    const f = values(size(fs), 22);
    const { y } = conv2dRef(x, xs, f, fs, spec);
    const before = { ...calls };
    const got = tf.tidy(() => tf.conv2d(tf.tensor4d(f32(x), xs), tf.tensor4d(f32(f), fs), stride, 'same').dataSync().slice());
    assert.ok(relError(got, y) <= TOL, `forward error ${relError(got, y)}`);
    assert.equal(calls.conv2d, before.conv2d, 'fallback used');
  }
});
