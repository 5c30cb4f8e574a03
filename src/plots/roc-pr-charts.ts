import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { auroc, averagePrecision } from '../metrics/classification.js';
import { precisionRecallCurve, rocCurve } from '../metrics/curves.js';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import { DUMMY_COLOR, type ModelColors } from './colors.js';

/** One model's binary scores on one set part. */
export interface ScoredModel {
  model: string;
  yTrue: ArrayLike<number>;
  /** predicted probability of the positive class */
  yProb: ArrayLike<number>;
}

type XY = { x: number; y: number };
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'undefined');

function unitAxes(x: string, y: string) {
  return {
    x: { type: 'linear' as const, min: 0, max: 1, title: axisTitle(x) },
    y: { type: 'linear' as const, min: 0, max: 1, title: axisTitle(y) },
  };
}

const curve = (label: string, data: XY[], color: string, stepped: false | 'before' = false): ChartDataset<'scatter', XY[]> => ({
  label,
  data,
  showLine: true,
  stepped,
  borderColor: color,
  backgroundColor: color,
  borderWidth: 3,
  pointRadius: 0,
  // a curve along an edge of the unit square (precision 1, tpr 1) is drawn in full, not cut in half
  clip: 6,
});

/** ROC curves of several models on one part, AUROC in the legend; the grey diagonal is chance. */
export function rocChartConfig(title: string, models: ScoredModel[], colors: ModelColors): ChartConfiguration<'scatter', XY[]> {
  const datasets = models.map(({ model, yTrue, yProb }) => {
    const points = rocCurve(yProb, yTrue) ?? [];
    return curve(
      `${model} (AUROC ${fmt(auroc(yProb, yTrue))})`,
      points.map((p) => ({ x: p.fpr, y: p.tpr })),
      colors(model),
    );
  });
  const chance = {
    ...curve(
      'chance (AUROC 0.5)',
      [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
      DUMMY_COLOR,
    ),
    borderDash: [6, 6],
    borderWidth: 2,
  };
  return {
    type: 'scatter',
    data: { datasets: [...datasets, chance] },
    options: {
      layout: layoutPadding,
      plugins: { title: chartTitle(title), legend: legendOptions() },
      scales: unitAxes('false positive rate (–)', 'true positive rate, recall (–)'),
    },
  };
}

/**
 * Precision–recall curves, drawn as the steps whose area is the average precision (AP in the legend);
 * the grey line is the positive rate, a random score's precision.
 */
export function prChartConfig(title: string, models: ScoredModel[], colors: ModelColors): ChartConfiguration<'scatter', XY[]> {
  const datasets = models.map(({ model, yTrue, yProb }) => {
    const points = precisionRecallCurve(yProb, yTrue) ?? [];
    return curve(
      `${model} (AP ${fmt(averagePrecision(yProb, yTrue))})`,
      points.map((p) => ({ x: p.recall, y: p.precision })),
      colors(model),
      'before',
    );
  });
  const first = models[0];
  const extra: ChartDataset<'scatter', XY[]>[] = [];
  if (first && first.yTrue.length > 0) {
    let pos = 0;
    for (let i = 0; i < first.yTrue.length; i++) pos += first.yTrue[i]!;
    const rate = pos / first.yTrue.length;
    extra.push({
      ...curve(
        `positive rate ${fmt(rate)}`,
        [
          { x: 0, y: rate },
          { x: 1, y: rate },
        ],
        DUMMY_COLOR,
      ),
      borderDash: [6, 6],
      borderWidth: 2,
    });
  }
  return {
    type: 'scatter',
    data: { datasets: [...datasets, ...extra] },
    options: {
      layout: layoutPadding,
      plugins: { title: chartTitle(title), legend: legendOptions() },
      scales: unitAxes('recall (–)', 'precision (–)'),
    },
  };
}
