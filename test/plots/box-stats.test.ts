import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interquartileRange, max, min, quantile } from 'simple-statistics';
import { boxStats } from '../../src/plots/box-stats.js';
import { modelColors } from '../../src/plots/colors.js';
import { raeBoxplot } from '../../src/plots/rae-boxplot.js';
import { renderChart } from '../../src/plots/render-chart.js';
import type { Metrics } from '../../src/plots/result-files.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

// Skewed values with two clear outliers, unsorted on purpose.
const values = [0.31, 0.12, 0.45, 0.22, 0.28, 0.19, 2.9, 0.33, 0.25, 0.41, 0.15, 0.27, 0.36, 0.21, 3.4, 0.3, 0.24, 0.18];

test('box stats: quartiles equal simple-statistics quantiles, Tukey whiskers and outliers', () => {
  const s = boxStats(values)!;
  close(s.q1, quantile(values, 0.25), 'q1');
  close(s.median, quantile(values, 0.5), 'median');
  close(s.q3, quantile(values, 0.75), 'q3');
  close(s.min, min(values), 'min');
  close(s.max, max(values), 'max');
  const iqr = interquartileRange(values);
  const inside = values.filter((v) => v >= s.q1 - 1.5 * iqr && v <= s.q3 + 1.5 * iqr);
  close(s.whiskerMin, min(inside), 'whiskerMin');
  close(s.whiskerMax, max(inside), 'whiskerMax');
  assert.deepEqual(s.outliers, [2.9, 3.4]);
  assert.equal(s.n, values.length);
});

test('box stats: no data gives null, one value gives a degenerate box', () => {
  assert.equal(boxStats([]), null);
  const s = boxStats([0.5])!;
  assert.deepEqual([s.min, s.q1, s.median, s.q3, s.max, s.whiskerMin, s.whiskerMax], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
});

test('boxplot: the plugin draws exactly the precomputed quartiles and whiskers', async () => {
  const metrics: Metrics = {
    unit: 'm',
    models: {
      unet: { params: 10, sets: { test: { test: { n: values.length + 1, rae: [...values, null], mae: 0.1, r2: 0.9 } } } },
      dummy: { params: 0, sets: { test: { test: { n: 5, rae: [0.9, 1.1, 1.0, 0.95, 1.2], mae: 0.5, r2: 0 } } } },
    },
  };
  const { config, stats } = raeBoxplot('D', metrics, modelColors(['unet']));
  const unet = stats.unet!['test / test']!;
  close(unet.median, quantile(values, 0.5), 'null RAE (undefined sample) is excluded');
  const dir = await mkdtemp(path.join(tmpdir(), 'pipe-box-'));
  try {
    let checked = 0;
    await renderChart(config, path.join(dir, 'box.png'), {
      width: 800,
      height: 500,
      inspect: (chart) => {
        const y = chart.scales.y!;
        chart.data.datasets.forEach((_, i) => {
          const el = chart.getDatasetMeta(i).data[0] as unknown as Record<string, number>;
          const s = i === 0 ? unet : stats.dummy!['test / test']!;
          for (const key of ['q1', 'median', 'q3', 'whiskerMin', 'whiskerMax'] as const) {
            close(el[key]!, y.getPixelForValue(s[key]), `dataset ${i} ${key} pixel`);
            checked++;
          }
        });
      },
    });
    assert.equal(checked, 10);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
