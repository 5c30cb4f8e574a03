/**
 * Comparing two runs: one row per changed setting (naming the stages it changed in), added and removed
 * settings, and metrics with deltas only where both sides are numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, flatten } from '../../src/runs/run-compare.js';

test('a --set inherited by three stages is one param change naming the three', () => {
  const old = {
    label: 'a',
    params: { A: { train: { lr: 0.002, epochs: 3 } }, B: { train: { lr: 0.002 }, trials: 4 }, C: { train: { lr: 0.002 } }, D: { sets: ['test'] } },
    metrics: {},
  };
  const now = {
    label: 'b',
    params: { A: { train: { lr: 0.001, epochs: 3 } }, B: { train: { lr: 0.001 }, trials: 4 }, C: { train: { lr: 0.001 } }, D: { sets: ['test'] } },
    metrics: {},
  };
  const c = compareRuns(old, now);
  assert.deepEqual(c.params, [{ path: 'train.lr', old: 0.002, new: 0.001, stages: ['A', 'B', 'C'] }]);
  assert.deepEqual(compareRuns(old, old).params, []);
});

test('added, removed and list-valued settings; stages that differ in different ways stay apart', () => {
  const c = compareRuns(
    { label: 'a', params: { A: { models: ['x', 'y'], clip: 1 }, B: { clip: 1 } }, metrics: {} },
    { label: 'b', params: { A: { models: ['x'], extra: true }, B: { clip: 2 } }, metrics: {} },
  );
  assert.deepEqual(
    c.params.map((p) => [p.path, p.old, p.new, p.stages]),
    [
      ['clip', 1, undefined, ['A']],
      ['clip', 1, 2, ['B']],
      ['extra', undefined, true, ['A']],
      ['models', ['x', 'y'], ['x'], ['A']],
    ],
  );
  assert.deepEqual(flatten({ a: { b: 1, c: [1, 2] }, d: null }), { 'a.b': 1, 'a.c': [1, 2], d: null });
});

test('metrics old → new with the delta for numbers; unchanged ones marked so', () => {
  const c = compareRuns(
    { label: 'a', params: {}, metrics: { D: { 'rae_median.unet.test.test': 0.5, 'mae.unet.test.test': 0.01, best: 'unet' } } },
    { label: 'b', params: {}, metrics: { D: { 'rae_median.unet.test.test': 0.4, 'mae.unet.test.test': 0.01, best: 'plain_cnn' } } },
  );
  const rae = c.metrics.find((m) => m.key === 'rae_median.unet.test.test')!;
  assert.equal(rae.changed, true);
  assert.ok(Math.abs(rae.delta! - -0.1) < 1e-12);
  assert.equal(c.metrics.find((m) => m.key === 'mae.unet.test.test')!.changed, false);
  const best = c.metrics.find((m) => m.key === 'best')!;
  assert.deepEqual([best.old, best.new, best.delta, best.changed], ['unet', 'plain_cnn', undefined, true]);
});
