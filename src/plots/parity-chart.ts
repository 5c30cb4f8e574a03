import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { perTargetMetrics } from '../metrics/vector-regression.js';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import { DUMMY_COLOR, type ModelColors, withAlpha } from './colors.js';

/** One model's vector predictions on one part: n × targets values, row-major, in physical units. */
export interface VectorPredictions {
  model: string;
  yTrue: ArrayLike<number>;
  yPred: ArrayLike<number>;
  targetNames: string[];
}

type XY = { x: number; y: number };
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'undefined');

/** The range both axes share, padded by 3 % so points on the edge stay visible. */
export function parityRange(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) return [0, 1];
  const pad = hi > lo ? 0.03 * (hi - lo) : Math.max(1, Math.abs(lo)) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Predicted against true values of one target for one or more models, on equal axes with the y = x line
 * (a perfect model); R² per model in the legend, and in the title when there is one model.
 */
export function parityChartConfig(title: string, target: number, models: VectorPredictions[], colors: ModelColors): ChartConfiguration<'scatter', XY[]> {
  const name = models[0]?.targetNames[target] ?? `target ${target}`;
  const all: number[] = [];
  const datasets: ChartDataset<'scatter', XY[]>[] = models.map((m) => {
    const k = m.targetNames.length;
    if (target >= k) throw new RangeError(`${m.model} has ${k} targets, no target ${target}`);
    const n = m.yTrue.length / k;
    const points = Array.from({ length: n }, (_, i) => ({ x: m.yTrue[i * k + target]!, y: m.yPred[i * k + target]! }));
    for (const p of points) all.push(p.x, p.y);
    const { r2 } = perTargetMetrics(m.yPred, m.yTrue, k)[target]!;
    const color = colors(m.model);
    return {
      label: `${m.model} (R² ${fmt(r2)})`,
      data: points,
      borderColor: color,
      backgroundColor: withAlpha(color, 0.55),
      pointRadius: 5,
    };
  });
  const [lo, hi] = parityRange(all);
  datasets.push({
    label: 'y = x',
    data: [
      { x: lo, y: lo },
      { x: hi, y: hi },
    ],
    showLine: true,
    borderColor: DUMMY_COLOR,
    backgroundColor: DUMMY_COLOR,
    borderDash: [6, 6],
    borderWidth: 2,
    pointRadius: 0,
  });
  const r2Title = models.length === 1 ? ` — R² ${fmt(perTargetMetrics(models[0]!.yPred, models[0]!.yTrue, models[0]!.targetNames.length)[target]!.r2)}` : '';
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      layout: layoutPadding,
      plugins: { title: chartTitle(`${title}: ${name}${r2Title}`), legend: legendOptions() },
      scales: {
        // the padded bounds are not round numbers: label the nice ticks inside them only
        x: { type: 'linear', min: lo, max: hi, title: axisTitle(`true ${name}`), ticks: { includeBounds: false } },
        y: { type: 'linear', min: lo, max: hi, title: axisTitle(`predicted ${name}`), ticks: { includeBounds: false } },
      },
    },
  };
}
