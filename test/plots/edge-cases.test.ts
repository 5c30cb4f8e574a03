import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeNpy } from '../../src/data/npy.js';
import { modelColors } from '../../src/plots/colors.js';
import { learningCurvesConfig } from '../../src/plots/learning-curves.js';
import { renderPredictionMaps } from '../../src/plots/prediction-maps.js';
import { raeBoxplot } from '../../src/plots/rae-boxplot.js';
import { renderChart } from '../../src/plots/render-chart.js';
import type { Metrics } from '../../src/plots/result-files.js';
import { tradeoffConfig } from '../../src/plots/tradeoff-chart.js';
import { bestSoFar, tuningHistoryConfig } from '../../src/plots/tuning-history.js';
import { pngFacts } from './png-check.js';

// Partial and degenerate results (a diverged run, a tuning run where every trial failed, a model that
// skipped a set) must still render, not crash the whole `pipe plot`.

let dir: string;
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'pipe-plot-edges-')); });
after(() => rm(dir, { recursive: true, force: true }));
const colors = modelColors(['a', 'b']);
const small = { width: 400, height: 300 };

async function rendersSomething(config: Parameters<typeof renderChart>[0], name: string): Promise<void> {
  const f = await pngFacts(await renderChart(config, path.join(dir, `${name}.png`), small));
  assert.deepEqual([f.width, f.height], [400, 300]);
  assert.ok(f.variance > 100, `${name} blank`);
}

test('learning curves: diverged (null) losses, a single epoch and no dummy still render', async () => {
  await rendersSomething(learningCurvesConfig('A', [
    { model: 'a', history: { train: [0.5, null, 0.2], val: [0.6, null, null], bestEpoch: 0 } },
    { model: 'b', history: { train: [0.4], val: [0.45], bestEpoch: 0 } },
  ], colors), 'curves');
});

test('tuning history: best-so-far only over complete trials; all-failed runs render', async () => {
  const trials = [
    { number: 0, params: {}, value: 0.5, state: 'complete' as const },
    { number: 1, params: {}, value: 0.1, state: 'pruned' as const },
    { number: 2, params: {}, value: 0.3, state: 'complete' as const },
    { number: 3, params: {}, value: null, state: 'failed' as const },
    { number: 4, params: {}, value: 0.4, state: 'complete' as const },
  ];
  assert.deepEqual(bestSoFar(trials), [{ x: 0, y: 0.5 }, { x: 2, y: 0.3 }, { x: 4, y: 0.3 }]);
  await rendersSomething(tuningHistoryConfig('B', trials), 'tuning');
  await rendersSomething(tuningHistoryConfig('B', [{ number: 0, params: {}, value: null, state: 'failed' }]), 'tuning-failed');
});

const metrics: Metrics = {
  unit: 'm',
  models: {
    a: {
      params: 100,
      inferenceMsPerSample: 1,
      sets: { small: { val: { n: 3, rae: [0.2, 0.3, 0.25], mae: 0.1, r2: 0.5 } }, test: { test: { n: 2, rae: [null, null], mae: null, r2: null } } },
    },
    dummy: { params: 0, sets: { test: { test: { n: 2, rae: [1, 1.2], mae: 0.3, r2: 0 } } } },
  },
};

test('boxplot: a model without a set, or with only undefined RAEs, gets no box there', async () => {
  const { stats, config } = raeBoxplot('D', metrics, colors);
  assert.equal(stats.dummy!['small / val'], null);
  assert.equal(stats.a!['test / test'], null);
  assert.equal(stats.a!['small / val']!.median, 0.25);
  await rendersSomething(config, 'box');
});

test('size/speed/accuracy: no chart when no trained model has a value on the comparison set', () => {
  assert.equal(tradeoffConfig('D', metrics, colors), null);
});

test('prediction maps: a prediction whose shape differs from the targets is an error naming both files', async () => {
  const stageDir = path.join(dir, 'D');
  await writeNpy(path.join(stageDir, 'targets', 'test-test.npy'), new Float32Array(2 * 4 * 4), [2, 4, 4, 1]);
  await writeNpy(path.join(stageDir, 'predictions', 'a', 'test-test.npy'), new Float32Array(2 * 4 * 5), [2, 4, 5, 1]);
  await assert.rejects(
    renderPredictionMaps({ stage: 'D', stageDir, metrics, on: { set: 'test', part: 'test', label: 'test / test' }, outDir: dir, ...small }),
    /predictions\/a\/test-test\.npy: shape \[2,4,5,1\] does not match .*targets\/test-test\.npy \[2,4,4,1\]/,
  );
});
