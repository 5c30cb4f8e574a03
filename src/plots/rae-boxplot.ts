import type { ChartConfiguration } from 'chart.js';
import { boxStats, type BoxStats } from './box-stats.js';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import { type ModelColors, withAlpha } from './colors.js';
import { finite, type Metrics } from './result-files.js';
import { modelOrder, setParts } from './set-parts.js';
import { logTicks, plainNumber } from './log-ticks.js';

export interface RaeBoxplot {
  config: ChartConfiguration<'boxplot', (BoxStats | null)[]>;
  /** stats[model][label]: exactly what each box draws. */
  stats: Record<string, Record<string, BoxStats | null>>;
}

/** The RAE axis's log ticks: at most 10, so a 1600-pixel-tall chart's labels never touch. */
export const raeLogTicks = (min: number, max: number): number[] => logTicks(min, max, 10);

/**
 * Per-sample RAE per model, grouped by set/part on the x axis, one colour per model (baselines grey). Boxes get
 * precomputed stats so what is drawn equals what `boxStats` computed. A log axis is used when the boxes
 * span more than a factor 30 (e.g. a dummy near 1 next to models near 0.01), else a linear one from 0.
 */
export function raeBoxplot(stage: string, metrics: Metrics, colors: ModelColors): RaeBoxplot {
  const groups = setParts(metrics);
  const stats: RaeBoxplot['stats'] = {};
  const datasets = modelOrder(metrics).map((model) => {
    const color = colors(model);
    const row: Record<string, BoxStats | null> = {};
    for (const g of groups) {
      const part = metrics.models[model]!.sets[g.set]?.[g.part];
      row[g.label] = part ? boxStats(finite(part.rae)) : null;
    }
    stats[model] = row;
    return {
      label: model,
      data: groups.map((g) => row[g.label] ?? null),
      backgroundColor: withAlpha(color, 0.35),
      borderColor: color,
      borderWidth: 3,
      outlierBackgroundColor: withAlpha(color, 0.6),
      outlierBorderColor: color,
      outlierRadius: 4,
      itemRadius: 0,
      meanRadius: 0,
      medianColor: color,
    };
  });
  const all = Object.values(stats)
    .flatMap((r) => Object.values(r))
    .filter((s): s is BoxStats => s !== null);
  const lo = Math.min(...all.map((s) => s.whiskerMin).filter((v) => v > 0));
  const hi = Math.max(...all.map((s) => s.whiskerMax));
  const log = all.length > 0 && Number.isFinite(lo) && hi / lo > 30;
  return {
    stats,
    config: {
      type: 'boxplot',
      data: { labels: groups.map((g) => g.label), datasets },
      options: {
        layout: layoutPadding,
        plugins: {
          title: chartTitle(`Stage ${stage}: per-sample relative absolute error by data set`),
          subtitle: {
            display: true,
            text: 'box: quartiles · line: median · whiskers: 1.5 × IQR · dots: outliers · grey: baselines (dummy = training mean, zero, persistence)',
            font: { size: 18 },
            padding: { bottom: 12 },
          },
          legend: legendOptions(),
        },
        scales: {
          x: { title: axisTitle('data set / part') },
          y: log
            ? {
                type: 'logarithmic',
                title: axisTitle('relative absolute error (–), log scale'),
                // 1-2-5 ticks per decade with plain labels: Chart.js' own log ticks crowd and go scientific
                afterBuildTicks: (axis) => {
                  axis.ticks = raeLogTicks(axis.min, axis.max).map((value) => ({ value }));
                },
                ticks: { callback: (v) => plainNumber(Number(v)) },
              }
            : { type: 'linear', beginAtZero: true, title: axisTitle('relative absolute error (–)') },
        },
      },
    },
  };
}
