import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import type { ModelColors } from './colors.js';

export interface MetricHistory {
  model: string;
  /** the monitored metric per epoch; null (or NaN) where it was undefined */
  values: (number | null)[];
}

/**
 * The best epoch (0-based) of a monitored metric: the largest value for mode max, the smallest for min,
 * the first on ties (what early stopping with min_delta 0 keeps); -1 when no epoch has a value.
 */
export function bestEpochOf(values: readonly (number | null)[], mode: 'max' | 'min'): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (best < 0 || (mode === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  }
  return best;
}

/** A validation metric (val_recall, val_f1, …) per model over epochs, linear axis, ◆ on each model's best epoch. */
export function metricCurveConfig(
  title: string,
  metric: string,
  mode: 'max' | 'min',
  histories: MetricHistory[],
  colors: ModelColors,
): ChartConfiguration<'line'> {
  const epochs = Math.max(1, ...histories.map((h) => h.values.length));
  const datasets: ChartDataset<'line', (number | null)[]>[] = histories.map(({ model, values }) => {
    const best = bestEpochOf(values, mode);
    const color = colors(model);
    return {
      label: best >= 0 ? `${model} (best ${values[best]!.toPrecision(3)} at epoch ${best + 1})` : `${model} (no value)`,
      data: values.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 3,
      pointRadius: values.map((_, i) => (i === best ? 11 : 0)),
      pointStyle: 'rectRot',
      pointBorderColor: '#000',
      pointBorderWidth: 2,
      spanGaps: false,
    };
  });
  return {
    type: 'line',
    data: { labels: Array.from({ length: epochs }, (_, i) => String(i + 1)), datasets },
    options: {
      layout: layoutPadding,
      plugins: {
        title: chartTitle(`${title}: ${metric}`),
        subtitle: { display: true, text: `◆ best epoch (${mode === 'max' ? 'largest' : 'smallest'} ${metric})`, font: { size: 18 }, padding: { bottom: 12 } },
        legend: legendOptions(),
      },
      scales: {
        x: { title: axisTitle('epoch'), ticks: { autoSkip: true, maxTicksLimit: 25 } },
        y: { type: 'linear', title: axisTitle(`${metric} (${mode === 'max' ? 'higher' : 'lower'} is better)`) },
      },
    },
  };
}
