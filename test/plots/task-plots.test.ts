/**
 * Plots of classification and vector-regression heads: the pure helpers against hand-computed values,
 * each chart's content read back from Chart.js (legends, marked epochs, the y = x line), and every
 * writer's PNGs decoded and checked for ink.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { readFile } from 'node:fs/promises';
import type { Chart } from 'chart.js';
import { modelColors } from '../../src/plots/colors.js';
import { renderConfusionMatrix, rowNormalised } from '../../src/plots/confusion-matrix.js';
import { bestEpochOf, metricCurveConfig } from '../../src/plots/metric-curve.js';
import { parityChartConfig, parityRange } from '../../src/plots/parity-chart.js';
import { renderChart } from '../../src/plots/render-chart.js';
import { prChartConfig, rocChartConfig } from '../../src/plots/roc-pr-charts.js';
import { fileSafe, writeClassificationPlots, writeMetricCurve, writeParityPlots } from '../../src/plots/task-plots.js';
import { pngFacts } from './png-check.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipe-task-plots-'));
});
after(() => rm(dir, { recursive: true, force: true }));
const colors = modelColors(['cnn', 'resnet']);

const yTrue = [1, 1, 0, 1, 0, 0];
const good = { model: 'resnet', yTrue, yProb: [0.9, 0.8, 0.8, 0.4, 0.4, 0.1] };
const weak = { model: 'cnn', yTrue, yProb: [0.2, 0.6, 0.7, 0.5, 0.3, 0.1] };

/** Renders a config and returns the laid-out chart's legend texts and the PNG's facts. */
async function render(config: Parameters<typeof renderChart>[0], name: string) {
  let legend: string[] = [];
  let chart: Chart | undefined;
  const file = await renderChart(config, path.join(dir, `${name}.png`), {
    width: 800,
    height: 700,
    inspect: (c) => {
      chart = c;
      legend = (c.legend?.legendItems ?? []).map((i) => i.text);
    },
  });
  const facts = await pngFacts(file);
  assert.deepEqual([facts.width, facts.height], [800, 700]);
  assert.ok(facts.variance > 100 && facts.ink > 0.005, `${name} looks blank`);
  return { legend, chart: chart!, facts };
}

test('ROC chart: a curve per model with its AUROC in the legend, and the chance diagonal', async () => {
  const { legend, chart } = await render(rocChartConfig('ROC on test', [good, weak], colors), 'roc');
  // resnet: 7/9 by hand (test/metrics/curves.test.ts)
  assert.equal(legend[0], 'resnet (AUROC 0.778)');
  // cnn positives 0.2, 0.6, 0.5 against negatives 0.7, 0.3, 0.1: 1 + 2 + 2 = 5 of 9 pairs
  assert.equal(legend[1], 'cnn (AUROC 0.556)');
  assert.equal(legend[2], 'chance (AUROC 0.5)');
  assert.deepEqual(chart.data.datasets[0]!.data, [
    { x: 0, y: 0 },
    { x: 0, y: 1 / 3 },
    { x: 1 / 3, y: 2 / 3 },
    { x: 2 / 3, y: 1 },
    { x: 1, y: 1 },
  ]);
});

test('PR chart: step curves with AP in the legend and the positive rate as the chance line', async () => {
  const { legend, chart } = await render(prChartConfig('PR on test', [good], colors), 'pr');
  assert.deepEqual(legend, ['resnet (AP 0.756)', 'positive rate 0.500']);
  assert.equal((chart.data.datasets[0] as { stepped?: unknown }).stepped, 'before', 'the area under the steps is AP');
  // one class only: no curve, the legend says undefined rather than a number
  const { legend: single } = await render(prChartConfig('PR', [{ model: 'cnn', yTrue: [1, 1], yProb: [0.2, 0.9] }], colors), 'pr-one-class');
  assert.equal(single[0], 'cnn (AP undefined)');
});

test('confusion matrix: row shares by hand, and the cells shaded by them', async () => {
  assert.deepEqual(
    rowNormalised([
      [3, 1],
      [0, 0],
      [2, 6],
    ]),
    [
      [0.75, 0.25],
      [0, 0],
      [0.25, 0.75],
    ],
  );
  const file = await renderConfusionMatrix(
    {
      title: 'cm',
      matrix: [
        [90, 10],
        [0, 5],
      ],
      classNames: ['dry', 'flooded'],
    },
    path.join(dir, 'cm.png'),
    { width: 900, height: 800 },
  );
  const facts = await pngFacts(file);
  assert.ok(facts.variance > 100);
  // the layout of renderConfusionMatrix at 900×800: cells from (x0, 150), cell = min(600/2, 560/2) = 280
  const img = await loadImage(await readFile(file));
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const cell = 280;
  const x0 = 260 + (900 - 260 - 40 - 2 * cell) / 2;
  const lum = (r: number, c: number) => {
    const [red, g, b] = ctx.getImageData(x0 + c * cell + 12, 150 + r * cell + 12, 1, 1).data;
    return 0.299 * red! + 0.587 * g! + 0.114 * b!;
  };
  assert.ok(lum(1, 1) < 130, 'a share of 1 (5 of 5) is dark');
  assert.ok(lum(1, 0) > 250, 'a share of 0 is white');
  assert.ok(lum(0, 0) < lum(0, 1), '90 % is darker than 10 %');
  await assert.rejects(renderConfusionMatrix({ title: 'x', matrix: [[1, 2]], classNames: ['a', 'b'] }, path.join(dir, 'bad.png')), /2×2 counts/);
});

test('parity chart: one target, equal padded axes, the y = x line, R² in legend and title', async () => {
  assert.deepEqual(parityRange([0, 10, Number.NaN]), [-0.3, 10.3]);
  assert.deepEqual(parityRange([2, 2]), [1.9, 2.1]);
  assert.deepEqual(parityRange([]), [0, 1]);
  const targetNames = ['peak_mm_per_hour', 'x_m'];
  // target 0: truth 10, 20, 30, 40 (mean 25, SS_tot 500), errors 1, −1, 2, 0 (SS_res 6): R² = 1 − 6/500 = 0.988
  const m = { model: 'cnn', targetNames, yTrue: [10, 0, 20, 5, 30, 0, 40, 5], yPred: [11, 3, 19, 3, 32, 1, 40, 4] };
  const { legend, chart } = await render(parityChartConfig('Stage D on test', 0, [m], colors), 'parity');
  assert.deepEqual(legend, ['cnn (R² 0.988)', 'y = x']);
  assert.equal(chart.options.plugins?.title?.text, 'Stage D on test: peak_mm_per_hour — R² 0.988');
  assert.deepEqual(chart.data.datasets[0]!.data, [
    { x: 10, y: 11 },
    { x: 20, y: 19 },
    { x: 30, y: 32 },
    { x: 40, y: 40 },
  ]);
  const [lo, hi] = parityRange([10, 11, 20, 19, 30, 32, 40, 40]);
  assert.deepEqual(chart.data.datasets[1]!.data, [
    { x: lo, y: lo },
    { x: hi, y: hi },
  ]);
  assert.deepEqual([chart.scales.x!.min, chart.scales.x!.max, chart.scales.y!.min, chart.scales.y!.max], [lo, hi, lo, hi]);
  const two = parityChartConfig('Stage D on test', 1, [m, { ...m, model: 'resnet' }], colors);
  assert.equal(two.options!.plugins!.title!.text, 'Stage D on test: x_m', 'several models: R² in the legend only');
});

test('monitored metric: the best epoch by mode, first on ties, skipping undefined epochs', async () => {
  assert.equal(bestEpochOf([0.5, 0.7, 0.7, 0.6], 'max'), 1);
  assert.equal(bestEpochOf([0.5, 0.3, 0.3, 0.6], 'min'), 1);
  assert.equal(bestEpochOf([null, Number.NaN, 0.2], 'max'), 2);
  assert.equal(bestEpochOf([null, null], 'min'), -1);
  const config = metricCurveConfig(
    'Stage A',
    'val_recall',
    'max',
    [
      { model: 'cnn', values: [0.2, 0.6, 0.6, 0.5] },
      { model: 'resnet', values: [null, 0.4, 0.8] },
    ],
    colors,
  );
  const { legend } = await render(config, 'metric');
  assert.deepEqual(legend, ['cnn (best 0.600 at epoch 2)', 'resnet (best 0.800 at epoch 3)']);
  assert.deepEqual(config.data.datasets[0]!.pointRadius, [0, 11, 0, 0]);
  assert.deepEqual(config.data.datasets[1]!.pointRadius, [0, 0, 11]);
  const { legend: min } = await render(metricCurveConfig('Stage A', 'val_loss', 'min', [{ model: 'cnn', values: [0.2, 0.6, 0.1] }], colors), 'metric-min');
  assert.deepEqual(min, ['cnn (best 0.100 at epoch 3)']);
});

test('writers: every PNG of a classification, a vector-regression and a monitored-metric stage', async () => {
  const out = path.join(dir, 'written');
  const multi = { model: 'cnn', part: 'test', yTrue: [0, 1, 2], yProb: [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.5, 0.2, 0.3], classNames: ['low', 'mid', 'high'] };
  const files = await writeClassificationPlots(out, 'D', [
    { ...good, part: 'test' },
    { ...weak, part: 'test' },
    { ...good, part: 'big-val' },
  ]);
  assert.deepEqual(
    files.map((f) => path.relative(out, f)),
    [
      'D-confusion-resnet-test.png',
      'D-confusion-cnn-test.png',
      'D-roc-test.png',
      'D-pr-test.png',
      'D-confusion-resnet-big-val.png',
      'D-roc-big-val.png',
      'D-pr-big-val.png',
    ],
  );
  const multiFiles = await writeClassificationPlots(out, 'E', [multi]);
  assert.deepEqual(
    multiFiles.map((f) => path.basename(f)),
    ['E-confusion-cnn-test.png'],
    'multiclass: no binary curves',
  );
  const targetNames = ['peak mm/h', 'x_m'];
  const vector = { model: 'cnn', part: 'test', targetNames, yTrue: [1, 2, 3, 4, 5, 6], yPred: [1.1, 2, 2.9, 4.2, 5, 6.1] };
  const parity = await writeParityPlots(out, 'D', [vector, { ...vector, model: 'resnet' }]);
  assert.deepEqual(
    parity.map((f) => path.basename(f)),
    ['D-parity-test-peak_mm_h.png', 'D-parity-test-x_m.png'],
  );
  const curve = await writeMetricCurve(out, 'A', 'val_recall', 'max', [{ model: 'cnn', values: [0.1, 0.5, 0.4] }]);
  assert.equal(path.basename(curve), 'A-val_recall.png');
  for (const f of [...files, ...multiFiles, ...parity, curve]) {
    const facts = await pngFacts(f);
    assert.ok(facts.opaque && facts.variance > 100 && facts.ink > 0.005, `${f} looks blank`);
  }
  assert.equal(fileSafe('a/b c'), 'a_b_c');
  await assert.rejects(writeParityPlots(out, 'D', [vector, { ...vector, model: 'x', targetNames: ['a', 'b'] }]), /differ/);
});
