// Bilinear up-sampling with half-pixel centres, against PyTorch's documented rule for
// interpolate(mode='bilinear', align_corners=False): src = max(0, (dst + 0.5) / scale − 0.5), the two
// neighbours floor(src) and min(floor(src) + 1, size − 1), weights by distance — computed here in float64.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../../src/training/tf.js';
import { upsample } from '../../src/model-kit/blocks.js';

function torchBilinear(x: Float64Array, [n, h, w, c]: number[], f: number): Float64Array {
  const [H, W] = [h * f, w * f];
  const out = new Float64Array(n * H * W * c);
  const axis = (dst: number, size: number) => {
    const src = Math.max(0, (dst + 0.5) / f - 0.5);
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, size - 1);
    const t = src - i0;
    return { i0, i1, t };
  };
  for (let b = 0; b < n; b++)
    for (let r = 0; r < H; r++) {
      const ry = axis(r, h);
      for (let q = 0; q < W; q++) {
        const rx = axis(q, w);
        for (let k = 0; k < c; k++) {
          const at = (y: number, xx: number) => x[((b * h + y) * w + xx) * c + k]!;
          const top = at(ry.i0, rx.i0) * (1 - rx.t) + at(ry.i0, rx.i1) * rx.t;
          const bot = at(ry.i1, rx.i0) * (1 - rx.t) + at(ry.i1, rx.i1) * rx.t;
          out[((b * H + r) * W + q) * c + k] = top * (1 - ry.t) + bot * ry.t;
        }
      }
    }
  return out;
}

test('bilinear up-sampling (factor 2 and 3) equals PyTorch align_corners=False, unlike tfjs upSampling2d', async () => {
  await initBackend('wasm');
  for (const f of [2, 3]) {
    const shape = [2, 3, 4, 2];
    const x = Float64Array.from({ length: 48 }, (_, i) => Math.sin(i * 1.7) * 3);
    const input = tf.input({ shape: shape.slice(1) });
    const model = tf.model({ inputs: input, outputs: upsample(input, f, 'bilinear') });
    const got = tf.tidy(() => (model.predict(tf.tensor(Float32Array.from(x), shape)) as tf.Tensor).dataSync());
    const want = torchBilinear(x, shape, f);
    let worst = 0;
    want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
    assert.ok(worst < 1e-5, `factor ${f}: max difference ${worst}`);
    // tfjs's TF1-style bilinear differs at the borders: the check above can tell the two apart
    const tf1 = tf.tidy(() =>
      (tf.layers.upSampling2d({ size: [f, f], interpolation: 'bilinear' }).apply(tf.tensor(Float32Array.from(x), shape)) as tf.Tensor).dataSync(),
    );
    let diff = 0;
    want.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - tf1[i]!))));
    assert.ok(diff > 0.1, `tfjs's own bilinear should differ from PyTorch's here (max difference ${diff})`);
    model.dispose();
  }
});
