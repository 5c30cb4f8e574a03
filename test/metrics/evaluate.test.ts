import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateArrays } from '../../src/metrics/evaluate.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('hand-computed RAE, MAE, RMSE and R² on two samples of three cells', () => {
  // Sample 0: y = [1, 2, 3], ŷ = [1, 3, 5] → |e| = [0, 1, 2]; ȳ = 2, Σ|y−ȳ| = 2 → RAE = 3 / 2.
  // Sample 1: y = [0, 0, 4], ŷ = [1, 0, 4] → |e| = [1, 0, 0]; ȳ = 4/3, Σ|y−ȳ| = 4/3 + 4/3 + 8/3 = 16/3 → RAE = 3/16.
  const truth = Float32Array.of(1, 2, 3, 0, 0, 4);
  const pred = Float32Array.of(1, 3, 5, 1, 0, 4);
  const m = evaluateArrays(pred, truth, 3);
  assert.equal(m.n, 2);
  assert.equal(m.raeUndefined, 0);
  close(m.rae[0]!, 1.5, 'rae 0');
  close(m.rae[1]!, 3 / 16, 'rae 1');
  close(m.mae, 4 / 6, 'mae'); // Σ|e| = 4 over 6 cells
  close(m.rmse, Math.sqrt(6 / 6), 'rmse'); // Σe² = 0 + 1 + 4 + 1 = 6
  // Global mean 10/6; SS_tot = Σy² − 6·mean² = 30 − 100/6 = 80/6.
  close(m.r2, 1 - 6 / (80 / 6), 'r2');
});

test('a perfect prediction has RAE 0, MAE 0, R² 1; the mean predictor has RAE 1', () => {
  const truth = Float32Array.of(0, 1, 2, 3);
  const perfect = evaluateArrays(truth, truth, 4);
  assert.deepEqual(perfect.rae, [0]);
  assert.equal(perfect.mae, 0);
  assert.equal(perfect.r2, 1);
  const mean = evaluateArrays(Float32Array.of(1.5, 1.5, 1.5, 1.5), truth, 4);
  close(mean.rae[0]!, 1, 'rae of the mean');
  close(mean.r2, 0, 'r2 of the mean');
});

test('samples with a constant target are counted as undefined RAE, not NaN and not dropped silently', () => {
  const truth = Float32Array.of(2, 2, 0, 1, 5, 5);
  const pred = Float32Array.of(2, 3, 0, 0, 5, 5);
  const m = evaluateArrays(pred, truth, 2);
  assert.equal(m.n, 3);
  assert.equal(m.raeUndefined, 2);
  // Sample 1 only: y = [0, 1], ŷ = [0, 0] → Σ|e| = 1, ȳ = 0.5, Σ|y−ȳ| = 1.
  assert.deepEqual(m.rae, [1]);
});

test('all-constant targets give R² NaN (documented), other metrics stay finite', () => {
  const m = evaluateArrays(Float32Array.of(1, 2), Float32Array.of(3, 3), 2);
  assert.ok(Number.isNaN(m.r2));
  assert.equal(m.raeUndefined, 1);
  assert.deepEqual(m.rae, []);
  close(m.mae, 1.5, 'mae');
});

test('mismatched lengths or a cell count that does not divide are errors', () => {
  assert.throws(() => evaluateArrays(new Float32Array(4), new Float32Array(6), 2), /prediction has 4 values, target 6/);
  assert.throws(() => evaluateArrays(new Float32Array(6), new Float32Array(6), 4), /do not split into samples of 4 cells/);
  assert.throws(() => evaluateArrays(new Float32Array(0), new Float32Array(0), 4), /no samples/);
});
