// The project's own kernels besides convolution (assembly/pool.ts, reduce.ts, tile.ts): nearest-neighbour
// upsampling, max-pool's tie rule, sums and means over leading axes, Tile, BatchMatMul, Concat, the batch-norm gradient — results against float64
// references, and proof that the own kernel ran (its calls are counted) or that other geometries fell back.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { relError, resizeNearestRef, values, type Shape4 } from './reference-ops.js';
import { simdKernels, spyKernel, spySimdModule } from './kernel-spy.js';

const spied = ['resizeNearestUp', 'maxPool2x2Grad', 'sumRows', 'avgPoolGradBlocks', 'conv2d', 'conv2dFilterGrad', 'copyRuns'] as const;
let calls: Record<(typeof spied)[number], number>;

before(async () => {
  await initBackend('wasm');
  calls = spySimdModule(spied);
});

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

test('ResizeNearestNeighbor by whole factors is the own kernel; other sizes fall back; both match the reference', () => {
  for (const [xs, oh, ow, own] of [
    [[2, 3, 4, 8], 6, 8, true],
    [[1, 3, 2, 3], 9, 4, true],
    [[2, 4, 5, 2], 7, 9, false],
  ] as [Shape4, number, number, boolean][]) {
    for (const halfPixel of [false, true]) {
      const x = Float64Array.from(Float32Array.from(values(size(xs), 31))); // exact in float32: copies compare equal
      const before = calls.resizeNearestUp;
      const got = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.tensor4d(Float32Array.from(x), xs), [oh, ow], false, halfPixel).dataSync().slice());
      if (own || !halfPixel) {
        // halfPixelCenters changes the source cells only for fractional ratios (the reference has no such rule).
        assert.ok(relError(got, resizeNearestRef(x, xs, oh, ow, false)) === 0, `${xs} -> ${oh}x${ow}`);
      }
      assert.equal(calls.resizeNearestUp - before, own ? 1 : 0, `${xs} -> ${oh}x${ow} own kernel calls`);
    }
  }
});

test('MaxPoolGrad (own, 2x2 stride 2) sends each gradient to the first maximum of a tied window', () => {
  const xs: Shape4 = [1, 4, 4, 4];
  const dy = values(2 * 2 * 4, 32);
  const before = calls.maxPool2x2Grad;
  const g = tf.tidy(() => {
    const x = tf.zeros(xs);
    const [gx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.tensor(Float32Array.from(dy), [1, 2, 2, 4]))))([x]);
    return gx.dataSync().slice();
  });
  assert.equal(calls.maxPool2x2Grad - before, 1);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      for (let c = 0; c < 4; c++) {
        const want = i % 2 === 0 && j % 2 === 0 ? Math.fround(dy[((i >> 1) * 2 + (j >> 1)) * 4 + c]) : 0;
        assert.equal(g[(i * 4 + j) * 4 + c], want, `(${i},${j},${c})`);
      }
});

test('Sum and Mean over leading axes (bias gradients, batch-norm moments) are the own kernel; other axes fall back', () => {
  const shape = [3, 4, 5, 6];
  const x = values(size(shape), 33);
  const ref = (axes: number[]): Float64Array => {
    const keep = shape.map((_, i) => !axes.includes(i));
    const outShape = shape.filter((_, i) => keep[i]);
    const out = new Float64Array(size(outShape));
    const idx = [0, 0, 0, 0];
    for (let k = 0; k < x.length; k++) {
      let rem = k;
      for (let d = 3; d >= 0; d--) {
        idx[d] = rem % shape[d];
        rem = Math.floor(rem / shape[d]);
      }
      let o = 0;
      for (let d = 0; d < 4; d++) if (keep[d]) o = o * shape[d] + idx[d];
      out[o] += x[k];
    }
    return out;
  };
  for (const [axis, own] of [[[0, 1, 2], true], [[-4, 1], true], [0, true], [[1, 2], false], [[0, 1, 2, 3], false]] as [number | number[], boolean][]) {
    for (const keepDims of [false, true]) {
      for (const op of ['sum', 'mean'] as const) {
        const before = calls.sumRows;
        const got = tf.tidy(() => {
          const s = tf[op](tf.tensor(Float32Array.from(x), shape), axis, keepDims);
          return { v: s.dataSync().slice(), shape: s.shape };
        });
        const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + 4 : a));
        const count = axes.reduce((a, d) => a * shape[d], 1);
        const want = ref(axes).map((v) => (op === 'mean' ? v / count : v));
        assert.deepEqual(got.shape, keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i)));
        assert.ok(relError(got.v, want) <= 1e-6, `${op} axis ${axis}: error ${relError(got.v, want)}`);
        assert.equal(calls.sumRows - before, own ? 1 : 0, `${op} axis ${axis} own kernel calls`);
      }
    }
  }
});

test('Tile (own, in contiguous runs) matches an index-by-index reference for float32, int32 and bool', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [2, 3, 4, 1]], // batch norm's gradient
    [[2, 3], [3, 2]],
    [[2, 1, 3], [1, 4, 2]],
    [[3], [4]],
    [[4, 1], [1, 3]],
    [[2, 2], [1, 1]],
    [[2, 0, 3], [2, 2, 2]],
  ];
  for (const [shape, reps] of cases) {
    const n = size(shape);
    const x = Array.from({ length: n }, (_, i) => i + 1);
    const outShape = shape.map((d, i) => d * reps[i]);
    const want: number[] = [];
    for (let k = 0; k < size(outShape); k++) {
      let rem = k;
      let from = 0;
      let stride = 1;
      for (let d = shape.length - 1; d >= 0; d--) {
        const o = rem % outShape[d];
        rem = Math.floor(rem / outShape[d]);
        from += (o % shape[d]) * stride;
        stride *= shape[d];
      }
      want.push(x[from]);
    }
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const got = tf.tidy(() => {
        const t = tf.tile(tf.tensor(dtype === 'bool' ? x.map((v) => v % 2) : x, shape, dtype), reps);
        return { v: Array.from(t.dataSync()), shape: t.shape };
      });
      assert.deepEqual(got.shape, outShape, `${shape} x ${reps} ${dtype}`);
      assert.deepEqual(got.v, dtype === 'bool' ? want.map((v) => v % 2) : want, `${shape} x ${reps} ${dtype}`);
    }
  }
});

test('AvgPoolGrad runs the own kernel when windows tile the input, wasm\'s own when they overlap', () => {
  for (const [k, stride, own] of [[2, 2, true], [3, 3, true], [3, 2, false]] as [number, number, boolean][]) {
    const before = calls.avgPoolGradBlocks;
    tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(values(2 * 7 * 7 * 4, 41)), [2, 7, 7, 4]);
      tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, k, stride, 'valid')))(x).dataSync();
    });
    assert.equal(calls.avgPoolGradBlocks - before, own ? 1 : 0, `${k}x${k} stride ${stride}`);
  }
});

test('BatchMatMul runs on the own kernels for A·B, A·Bᵀ and Aᵀ·B (batched, broadcast, any sizes); Aᵀ·Bᵀ falls back', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 5, 7], [3, 7, 6], false, false],
    [[3, 5, 7], [3, 6, 7], false, true],
    [[3, 7, 5], [3, 7, 6], true, false], // k = 7: one row of 7
    [[2, 96, 6], [2, 96, 9], true, false], // k = 96: chunked as 2 rows of 48
    [[1, 5, 8], [4, 8, 3], false, false], // A broadcast over B's batch
    [[2, 3, 4, 4], [2, 3, 4, 16], false, false], // two batch axes
    [[9, 4], [4, 1], false, false], // plain 2-D, one output column
    [[3, 7, 5], [3, 6, 7], true, true],
  ];
  for (const [as, bs, ta, tb] of cases) {
    const a = values(size(as), 51);
    const b = values(size(bs), 52);
    const ra = as.length;
    const m = ta ? as[ra - 1] : as[ra - 2];
    const k = ta ? as[ra - 2] : as[ra - 1];
    const n = tb ? bs[bs.length - 2] : bs[bs.length - 1];
    const batchA = size(as.slice(0, -2));
    const batchB = size(bs.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const want = new Float64Array(batch * m * n);
    for (let i = 0; i < batch; i++) {
      const oa = (batchA === 1 ? 0 : i) * m * k;
      const ob = (batchB === 1 ? 0 : i) * k * n;
      for (let r = 0; r < m; r++)
        for (let c = 0; c < n; c++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += a[oa + (ta ? q * m + r : r * k + q)] * b[ob + (tb ? c * k + q : q * n + c)];
          want[(i * m + r) * n + c] = s;
        }
    }
    const before = calls.conv2d + calls.conv2dFilterGrad;
    const got = tf.tidy(() => tf.matMul(tf.tensor(Float32Array.from(a), as), tf.tensor(Float32Array.from(b), bs), ta, tb).dataSync().slice());
    const label = `${as} x ${bs} ${ta ? 'T' : ''}${tb ? 'T' : ''}`;
    assert.ok(relError(got, want) <= 1e-5, `${label}: error ${relError(got, want)}`);
    assert.equal(calls.conv2d + calls.conv2dFilterGrad - before, ta && tb ? 0 : batch, `${label}: own kernel calls`);
  }
});

test("batch norm's gradient on one fused pass equals tfjs's element-wise gradient, for all five inputs", () => {
  const grads = (fused: boolean, withScale: boolean, c: number): Float32Array[] =>
    simdKernels(fused, () =>
      tf.tidy(() => {
        const x = tf.tensor4d(Float32Array.from(values(2 * 3 * 5 * c, 61)), [2, 3, 5, c]);
        const mean = tf.tensor1d(Float32Array.from(values(c, 62)));
        const variance = tf.abs(tf.tensor1d(Float32Array.from(values(c, 63)))).add(0.5) as tf.Tensor1D;
        const offset = tf.tensor1d(Float32Array.from(values(c, 64)));
        const scale = tf.tensor1d(Float32Array.from(values(c, 65)));
        const r = tf.tensor4d(Float32Array.from(values(2 * 3 * 5 * c, 66)), [2, 3, 5, c]);
        const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s?: tf.Tensor) =>
          tf.sum(tf.mul(tf.batchNorm(a as tf.Tensor4D, m as tf.Tensor1D, v as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D | undefined, 1e-3), r));
        const inputs = withScale ? [x, mean, variance, offset, scale] : [x, mean, variance, offset];
        return tf.grads(f)(inputs).map((g) => g.dataSync().slice() as Float32Array);
      }),
    );
  const spy = spyKernel('PipeBatchNormGrad');
  try {
    for (const c of [8, 6]) {
      // (Without a scale, tfjs cannot record batchNorm for gradients at all: it saves the missing input.)
      for (const withScale of [true]) {
        const before = spy.calls;
        const fused = grads(true, withScale, c);
        assert.ok(spy.calls > before, 'the fused gradient ran');
        const plain = grads(false, withScale, c);
        fused.forEach((g, i) => {
          assert.ok(relError(g, plain[i]) <= 1e-5, `C=${c} scale=${withScale} ${['x', 'mean', 'variance', 'offset', 'scale'][i]}: ${relError(g, plain[i])}`);
        });
      }
    }
  } finally {
    spy.restore();
  }
});

test('Concat (own strided copies) along every axis, for float32, int32 and bool, with empty inputs skipped', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    for (const axis of [0, 1, 2, -1]) {
      const ax = axis < 0 ? axis + 3 : axis;
      // three inputs of 4, 1 and 5 along the axis, [2, 3, 4] elsewhere
      const sized = [4, 1, 5].map((along) => [2, 3, 4].map((d, i) => (i === ax ? along : d)));
      const arrays = sized.map((s, k) => Array.from({ length: size(s) }, (_, i) => (dtype === 'bool' ? (i + k) % 2 : i * 10 + k)));
      const empty = sized[0].map((d, i) => (i === ax ? 0 : d));
      const before = calls.copyRuns;
      const got = tf.tidy(() => {
        const ts = sized.map((s, k) => tf.tensor(arrays[k], s, dtype));
        const t = tf.concat([ts[0], tf.zeros(empty, dtype), ts[1], ts[2]], axis);
        return { v: Array.from(t.dataSync()), shape: t.shape };
      });
      const outShape = sized[0].map((d, i) => (i === ax ? 10 : d));
      const want: number[] = [];
      const rows = size(outShape.slice(0, ax));
      for (let r = 0; r < rows; r++)
        sized.forEach((s, k) => {
          const inner = size(s.slice(ax));
          want.push(...arrays[k].slice(r * inner, (r + 1) * inner));
        });
      assert.deepEqual(got.shape, outShape, `${dtype} axis ${axis}`);
      assert.deepEqual(got.v, want, `${dtype} axis ${axis}`);
      assert.equal(calls.copyRuns - before, 3, `${dtype} axis ${axis}: one strided copy per non-empty input`);
    }
  }
});
