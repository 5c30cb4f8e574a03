import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { DUMMY_COLOR, type ModelColors, withAlpha } from './colors.js';
import { chartTitle, axisTitle, legendOptions, layoutPadding } from './chart-style.js';
import { historySchema, readResultJson, type History } from './result-files.js';

export interface ModelHistory {
  model: string;
  history: History;
}

/** Reads `models/<model>/history.json` of a train/tune stage, models sorted by name. */
export async function readHistories(stageDir: string): Promise<ModelHistory[]> {
  const modelsDir = path.join(stageDir, 'models');
  const entries = await readdir(modelsDir, { withFileTypes: true });
  const models = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    models.map(async (model) => ({
      model,
      history: await readResultJson(path.join(modelsDir, model, 'history.json'), historySchema),
    })),
  );
}

// A log axis cannot show 0, negatives or NaN: leave a gap there instead of distorting the curve.
const positive = (v: number | null): number | null => (v !== null && Number.isFinite(v) && v > 0 ? v : null);

/**
 * Train (solid) and validation (dashed) loss per architecture over epochs on a log axis; the best epoch
 * (the one early stopping restored) is a large marker on the validation curve; the dummy baseline's
 * validation loss is a grey dashed line.
 */
export function learningCurvesConfig(stage: string, histories: ModelHistory[], colors: ModelColors): ChartConfiguration<'line'> {
  const datasets: ChartDataset<'line', (number | null)[]>[] = [];
  const epochs = Math.max(1, ...histories.map(({ history }) => Math.max(history.train.length, history.val.length)));
  for (const { model, history } of histories) {
    const color = colors(model);
    datasets.push({
      label: model,
      data: history.train.map(positive),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 3,
      pointRadius: 0,
      spanGaps: false,
    });
    datasets.push({
      label: `${model} (validation)`,
      data: history.val.map(positive),
      borderColor: withAlpha(color, 0.85),
      backgroundColor: color,
      borderDash: [12, 8],
      borderWidth: 3,
      pointRadius: history.val.map((_, i) => (i === history.bestEpoch ? 11 : 0)),
      pointStyle: 'rectRot',
      pointBorderColor: '#000',
      pointBorderWidth: 2,
    });
  }
  // Every model of a stage trains on the same set, so normally there is one dummy value; if scalers differ
  // the distinct values are each drawn rather than silently averaged.
  const dummies = new Map<string, number>();
  for (const { model, history } of histories) {
    const v = positive(history.dummy?.val ?? null);
    if (v !== null && ![...dummies.values()].some((d) => Math.abs(d - v) <= 1e-9 * Math.max(1, v))) dummies.set(model, v);
  }
  for (const [model, v] of dummies) {
    datasets.push({
      label: dummies.size > 1 ? `dummy baseline, validation (${model})` : 'dummy baseline, validation',
      data: Array.from({ length: epochs }, () => v),
      borderColor: DUMMY_COLOR,
      backgroundColor: DUMMY_COLOR,
      borderDash: [4, 6],
      borderWidth: 3,
      pointRadius: 0,
    });
  }
  const lossName = histories.find((h) => h.history.loss)?.history.loss ?? 'loss';
  return {
    type: 'line',
    data: { labels: Array.from({ length: epochs }, (_, i) => String(i + 1)), datasets },
    options: {
      layout: layoutPadding,
      plugins: {
        title: chartTitle(`Stage ${stage}: learning curves`),
        subtitle: {
          display: true,
          text: 'solid: training loss · dashed: validation loss · ◆ best epoch (kept by early stopping) · grey dashed: dummy mean predictor',
          font: { size: 18 },
          padding: { bottom: 12 },
        },
        legend: legendOptions((label) => !label.endsWith('(validation)')),
      },
      scales: {
        x: { title: axisTitle('epoch'), ticks: { autoSkip: true, maxTicksLimit: 25 } },
        y: { type: 'logarithmic', title: axisTitle(`${lossName} loss (normalised units, –), log scale`) },
      },
    },
  };
}
