import assert from 'node:assert/strict';
import { test } from 'node:test';
import { perTargetMetrics } from '../../src/metrics/vector-regression.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('per-target MAE, RMSE, R² and Pearson r of a hand-worked case', () => {
  // two targets, three samples: t0 truth 1 2 3, pred 1 2 4; t1 truth 10 10 10 (constant), pred 9 10 11
  const truth = [1, 10, 2, 10, 3, 10];
  const pred = [1, 9, 2, 10, 4, 11];
  const [t0, t1] = perTargetMetrics(pred, truth, 2);
  close(t0!.mae, 1 / 3);
  close(t0!.rmse, Math.sqrt(1 / 3));
  close(t0!.r2, 1 - 1 / 2); // SS_res 1, SS_tot 2
  // r of (1,2,3) with (1,2,4): cov 1.5 / (1 · sqrt(7/3))
  close(t0!.pearson, 1.5 / Math.sqrt(7 / 3), 1e-12);
  close(t1!.mae, 2 / 3);
  assert.ok(Number.isNaN(t1!.r2) && Number.isNaN(t1!.pearson)); // constant target: undefined
});

test('shapes that do not fit are refused', () => {
  assert.throws(() => perTargetMetrics([1, 2], [1, 2, 3], 1), /prediction has 2 values/);
  assert.throws(() => perTargetMetrics([1, 2, 3], [1, 2, 3], 2), /do not split into rows of 2/);
});
