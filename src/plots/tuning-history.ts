import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import type { Trial } from './result-files.js';

type Point = { x: number; y: number };

/** A pruned trial's value is its last reported intermediate value when the tuner stored none. */
function trialValue(t: Trial): number | null {
  if (t.value !== undefined && t.value !== null && Number.isFinite(t.value)) return t.value;
  if (t.state !== 'pruned') return null;
  const last = (t.intermediate ?? []).filter((v): v is number => v !== null && Number.isFinite(v)).at(-1);
  return last ?? null;
}

/** Best complete value up to each complete trial: the curve a tuning run should push down. */
export function bestSoFar(trials: readonly Trial[]): Point[] {
  const out: Point[] = [];
  let best = Infinity;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const v = trialValue(t);
    if (t.state !== 'complete' || v === null) continue;
    best = Math.min(best, v);
    out.push({ x: t.number, y: best });
  }
  return out;
}

/**
 * Objective value per trial number: complete trials as dots, pruned as orange triangles (at their last
 * intermediate value), failed as red crosses along the top edge (they have no value), plus the best-so-far
 * step line.
 */
export function tuningHistoryConfig(stage: string, trials: readonly Trial[]): ChartConfiguration<'scatter'> {
  const valued = trials.map((t) => ({ t, v: trialValue(t) }));
  const values = valued.flatMap(({ v }) => (v === null ? [] : [v]));
  const lo = Math.min(...values.filter((v) => v > 0));
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const log = values.length > 0 && values.every((v) => v > 0) && hi / lo > 20;
  const top = log ? hi * 1.5 : hi + 0.08 * (hi - Math.min(0, ...values) || 1);
  const pts = (state: Trial['state']): Point[] => valued.filter(({ t, v }) => t.state === state && v !== null).map(({ t, v }) => ({ x: t.number, y: v! }));
  const failed = valued.filter(({ t, v }) => t.state === 'failed' || v === null).map(({ t }) => ({ x: t.number, y: top }));
  const best = bestSoFar(trials);
  const lastTrial = Math.max(0, ...trials.map((t) => t.number));
  if (best.length > 0 && best.at(-1)!.x < lastTrial) best.push({ x: lastTrial, y: best.at(-1)!.y });
  const datasets: ChartDataset<'scatter' | 'line', Point[]>[] = [
    // its legend swatch is a line (pointStyle 'line'), the trials' are their markers: no two entries alike
    {
      type: 'line',
      label: 'best so far',
      data: best,
      borderColor: '#2ca02c',
      backgroundColor: '#2ca02c',
      borderWidth: 4,
      stepped: 'after',
      pointRadius: 0,
      pointStyle: 'line',
    },
    {
      type: 'scatter',
      label: `complete (${pts('complete').length})`,
      data: pts('complete'),
      backgroundColor: '#1f77b4',
      borderColor: '#0b3a5e',
      pointRadius: 9,
      pointStyle: 'circle',
    },
    {
      type: 'scatter',
      label: `pruned (${pts('pruned').length})`,
      data: pts('pruned'),
      backgroundColor: '#ff7f0e',
      borderColor: '#8a4200',
      pointRadius: 11,
      pointStyle: 'triangle',
    },
    {
      type: 'scatter',
      label: `failed (${failed.length}, no value: drawn at the top)`,
      data: failed,
      backgroundColor: '#d62728',
      borderColor: '#d62728',
      borderWidth: 4,
      pointRadius: 12,
      pointStyle: 'crossRot',
    },
  ];
  return {
    type: 'scatter',
    data: { datasets: datasets as ChartDataset<'scatter', Point[]>[] },
    options: {
      layout: layoutPadding,
      plugins: {
        title: chartTitle(`Stage ${stage}: tuning history (${trials.length} trials)`),
        // marker-shaped swatches: with the default filled boxes "best so far" and "complete" looked alike
        legend: legendOptions(undefined, true),
      },
      scales: {
        x: {
          type: 'linear',
          min: -0.5,
          max: lastTrial + 0.5,
          title: axisTitle('trial number'),
          // Ticks on whole trial numbers only (the ±0.5 margins keep edge markers off the axis lines).
          afterBuildTicks: (axis) => {
            const step = Math.max(1, Math.ceil((lastTrial + 1) / 25));
            axis.ticks = Array.from({ length: Math.floor(lastTrial / step) + 1 }, (_, i) => ({ value: i * step }));
          },
        },
        y: log
          ? { type: 'logarithmic', max: top * 1.2, title: axisTitle('objective: validation loss (normalised units, –), log scale') }
          : { type: 'linear', max: top + 0.04 * Math.abs(top || 1), title: axisTitle('objective: validation loss (normalised units, –)') },
      },
    },
  };
}
