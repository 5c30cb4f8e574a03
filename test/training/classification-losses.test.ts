import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../../src/training/tf.js';
import { binaryCrossEntropy, categoricalCrossEntropy, inverseFrequencyWeights } from '../../src/training/classification-losses.js';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b} (±${tol})`);
const sig = (x: number) => 1 / (1 + Math.exp(-x));

test('binary cross-entropy from logits: plain mean, class weights (Σw·l/Σw), label smoothing', async () => {
  await initBackend('wasm');
  const logits = [2, -1, 0.5, -30];
  const y = [1, 0, 0, 1];
  const bce = (x: number, z: number) => -(z * Math.log(sig(x)) + (1 - z) * Math.log(1 - sig(x)));
  const l = logits.map((x, i) => bce(x, y[i]!));
  const run = (f: ReturnType<typeof binaryCrossEntropy>) => tf.tidy(() => f(tf.tensor1d(y), tf.tensor1d(logits)).dataSync()[0]!);
  close(run(binaryCrossEntropy()), l.reduce((a, b) => a + b) / 4, 1e-5);
  const w = [1, 3]; // positives weigh 3
  const ws = y.map((v) => w[v]!);
  close(run(binaryCrossEntropy({ classWeights: w })), l.reduce((a, b, i) => a + b * ws[i]!, 0) / ws.reduce((a, b) => a + b), 1e-5);
  const ls = 0.2;
  const smooth = logits.map((x, i) => bce(x, y[i]! * (1 - ls) + ls / 2));
  close(run(binaryCrossEntropy({ labelSmoothing: ls })), smooth.reduce((a, b) => a + b) / 4, 1e-5);
});

test('categorical cross-entropy from logits with class weights and label smoothing', async () => {
  await initBackend('wasm');
  const logits = [
    [1, 2, 0.5],
    [0, -1, 3],
  ];
  const y = [1, 0];
  const lse = (r: number[]) => Math.log(r.reduce((a, x) => a + Math.exp(x), 0));
  const nll = logits.map((r, i) => lse(r) - r[y[i]!]!);
  const run = (f: ReturnType<typeof categoricalCrossEntropy>) => tf.tidy(() => f(tf.tensor2d(y, [2, 1]), tf.tensor2d(logits)).dataSync()[0]!);
  close(run(categoricalCrossEntropy(3)), (nll[0]! + nll[1]!) / 2, 1e-5);
  close(run(categoricalCrossEntropy(3, { classWeights: [4, 1, 1] })), (nll[0]! * 1 + nll[1]! * 4) / 5, 1e-5);
  const ls = 0.3;
  const smooth = logits.map((r, i) => r.reduce((a, x, c) => a - ((c === y[i] ? 1 - ls : 0) + ls / 3) * (x - lse(r)), 0));
  close(run(categoricalCrossEntropy(3, { labelSmoothing: ls })), (smooth[0]! + smooth[1]!) / 2, 1e-5);
});

test('cross-entropy gradients on wasm match central finite differences in float64', async () => {
  await initBackend('wasm');
  const logits = [0.3, -1.2, 2.5, 0.1, -0.4, 1.7];
  const y = [1, 0, 1, 0, 0, 1];
  const w = [1, 2.5];
  const f64 = (xs: number[]) => {
    let s = 0;
    let sw = 0;
    xs.forEach((x, i) => {
      const z = y[i]! * 0.9 + 0.05;
      const wi = w[y[i]!]!;
      s += wi * (Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x))));
      sw += wi;
    });
    return s / sw;
  };
  const loss = binaryCrossEntropy({ classWeights: w, labelSmoothing: 0.1 });
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(tf.tensor1d(y), x))(tf.tensor1d(logits)).dataSync());
  logits.forEach((_, i) => {
    const h = 1e-6;
    const up = [...logits];
    const dn = [...logits];
    up[i]! += h;
    dn[i]! -= h;
    close(g[i]!, (f64(up) - f64(dn)) / (2 * h), 1e-6);
  });
  const cce = categoricalCrossEntropy(3, { classWeights: [1, 2, 0.5], labelSmoothing: 0.1 });
  const x2 = [0.2, -0.7, 1.1, 0.9, 0.3, -1.4];
  const y2 = [2, 0];
  const c64 = (xs: number[]) => {
    let s = 0;
    let sw = 0;
    for (let r = 0; r < 2; r++) {
      const row = xs.slice(r * 3, r * 3 + 3);
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      const wi = [1, 2, 0.5][y2[r]!]!;
      s += wi * row.reduce((a, v, c) => a - ((c === y2[r] ? 0.9 : 0) + 0.1 / 3) * (v - lse), 0);
      sw += wi;
    }
    return s / sw;
  };
  const g2 = tf.tidy(() => tf.grad((x: tf.Tensor) => cce(tf.tensor2d(y2, [2, 1]), x))(tf.tensor2d(x2, [2, 3])).dataSync());
  x2.forEach((_, i) => {
    const h = 1e-6;
    const up = [...x2];
    const dn = [...x2];
    up[i]! += h;
    dn[i]! -= h;
    close(g2[i]!, (c64(up) - c64(dn)) / (2 * h), 1e-6);
  });
});

test('class_weights auto is the inverse class frequency of the training labels; bad weights are refused', () => {
  assert.deepEqual(inverseFrequencyWeights([0, 0, 0, 1], 2), [4 / 6, 2]);
  assert.deepEqual(inverseFrequencyWeights([0, 0], 3), [2 / (3 * 2), 1, 1]);
  assert.throws(() => binaryCrossEntropy({ classWeights: [1] }), /2 non-negative numbers/);
  assert.throws(() => categoricalCrossEntropy(3, { labelSmoothing: 1 }), /\[0, 1\)/);
});
