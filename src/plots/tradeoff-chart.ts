import type { ChartConfiguration, ChartDataset, Plugin } from 'chart.js';
import { median } from 'simple-statistics';
import { axisTitle, chartTitle, layoutPadding, legendOptions } from './chart-style.js';
import { BASELINE_COLORS, isBaseline, type ModelColors, withAlpha } from './colors.js';
import { FONT_FAMILY } from './fonts.js';
import { finite, type Metrics } from './result-files.js';
import { modelOrder, setParts, type SetPart } from './set-parts.js';
import { placeLabels } from './label-placement.js';
import { logTicks } from './log-ticks.js';

export interface TradeoffPoint {
  model: string;
  params: number;
  medianRae: number;
  msPerSample: number | null;
}

/** The held-out set the comparison is made on: test/test when present, else the last set/part in reading order. */
export function comparisonSet(metrics: Metrics): SetPart | null {
  const groups = setParts(metrics);
  return groups.find((g) => g.set === 'test' && g.part === 'test') ?? groups.at(-1) ?? null;
}

function medianRae(metrics: Metrics, model: string, on: SetPart): number | null {
  const values = finite(metrics.models[model]?.sets[on.set]?.[on.part]?.rae ?? []);
  return values.length > 0 ? median(values) : null;
}

export function tradeoffPoints(metrics: Metrics, on: SetPart): TradeoffPoint[] {
  return modelOrder(metrics).flatMap((model) => {
    const m = metrics.models[model]!;
    const rae = medianRae(metrics, model, on);
    if (isBaseline(model) || rae === null || !(m.params > 0)) return [];
    return [{ model, params: m.params, medianRae: rae, msPerSample: m.inferenceMsPerSample ?? null }];
  });
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))} k`;
  return String(n);
}

function pointLabel(p: TradeoffPoint): string {
  const ms = p.msPerSample === null ? 'n/a' : `${p.msPerSample.toPrecision(3)} ms/sample`;
  return `${p.model}: ${ms}, ${formatCount(p.params)} params`;
}

/**
 * Writes each model's name, inference time and size next to its bubble, so no lookup in the legend is
 * needed; labels that would overlap are moved apart (placeLabels), a moved one gets a thin leader line.
 */
function bubbleLabels(points: TradeoffPoint[]): Plugin<'bubble'> {
  return {
    id: 'pipeBubbleLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.font = `20px "${FONT_FAMILY}"`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      const drawn = points.flatMap((p, i) => {
        const el = chart.getDatasetMeta(i).data[0] as unknown as { x: number; y: number; options: { radius: number } } | undefined;
        return el ? [{ el, text: pointLabel(p) }] : [];
      });
      const a = chart.chartArea;
      const boxes = placeLabels(
        drawn.map(({ el, text }) => ({ x: el.x, y: el.y, r: el.options.radius, width: ctx.measureText(text).width, height: 24 })),
        { left: a.left, top: a.top, right: a.right, bottom: a.bottom },
      );
      drawn.forEach(({ el, text }, i) => {
        const b = boxes[i]!;
        if (b.moved) {
          ctx.strokeStyle = '#888';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(el.x, el.y);
          ctx.lineTo(b.left > el.x ? b.left - 2 : b.right + 2, (b.top + b.bottom) / 2);
          ctx.stroke();
        }
        ctx.fillStyle = '#222';
        ctx.fillText(text, b.left, (b.top + b.bottom) / 2);
      });
      ctx.restore();
    },
  };
}

/**
 * One chart to pick a model: parameter count (log x) against median RAE on the held-out set (y), bubble
 * area proportional to inference time per sample, each bubble labelled. Each baseline's median RAE is a grey
 * dashed line: a model above the lowest one does worse than a rule of thumb.
 */
export function tradeoffConfig(stage: string, metrics: Metrics, colors: ModelColors): ChartConfiguration<'bubble'> | null {
  const on = comparisonSet(metrics);
  if (!on) return null;
  const points = tradeoffPoints(metrics, on);
  if (points.length === 0) return null;
  const maxMs = Math.max(...points.map((p) => p.msPerSample ?? 0));
  const radius = (ms: number | null) => (ms === null || maxMs <= 0 ? 10 : 10 + 30 * Math.sqrt(ms / maxMs));
  const datasets: ChartDataset<'bubble' | 'line', { x: number; y: number; r?: number }[]>[] = points.map((p) => ({
    type: 'bubble' as const,
    label: p.model,
    data: [{ x: p.params, y: p.medianRae, r: radius(p.msPerSample) }],
    backgroundColor: withAlpha(colors(p.model), 0.55),
    borderColor: colors(p.model),
    borderWidth: 3,
  }));
  const minP = Math.min(...points.map((p) => p.params));
  const maxP = Math.max(...points.map((p) => p.params));
  const xMin = minP / 3;
  const xMax = maxP * 6; // room for the labels on the right of the largest model
  // Every baseline as a dashed horizontal line: a model below the lowest one beats them all.
  const baselineRae: number[] = [];
  for (const b of Object.keys(BASELINE_COLORS)) {
    const rae = medianRae(metrics, b, on);
    if (rae === null) continue;
    baselineRae.push(rae);
    datasets.push({
      type: 'line' as const,
      label: `${b} median RAE (${rae.toPrecision(3)})`,
      data: [
        { x: xMin, y: rae },
        { x: xMax, y: rae },
      ],
      borderColor: BASELINE_COLORS[b]!,
      backgroundColor: BASELINE_COLORS[b]!,
      borderDash: [10, 8],
      borderWidth: 3,
      pointRadius: 0,
    });
  }
  const yMax = Math.max(...points.map((p) => p.medianRae), ...baselineRae, 0);
  return {
    type: 'bubble',
    data: { datasets: datasets as ChartDataset<'bubble'>[] },
    options: {
      layout: layoutPadding,
      plugins: {
        title: chartTitle(`Stage ${stage}: size, speed and accuracy on ${on.label}`),
        subtitle: {
          display: true,
          text: 'lower is better · left is smaller · bubble area ∝ inference time per sample',
          font: { size: 18 },
          padding: { bottom: 12 },
        },
        legend: legendOptions(),
      },
      scales: {
        x: {
          type: 'logarithmic',
          min: xMin,
          max: xMax,
          title: axisTitle('trainable parameters (count), log scale'),
          // 1-2-5 ticks with k/M suffixes: Chart.js' own log ticks crowd and print the odd axis ends.
          afterBuildTicks: (axis) => {
            axis.ticks = logTicks(xMin, xMax).map((value) => ({ value }));
          },
          ticks: { callback: (v) => formatCount(Number(v)) },
        },
        y: { type: 'linear', min: 0, suggestedMax: yMax * 1.1, title: axisTitle(`median relative absolute error on ${on.label} (–)`) },
      },
    },
    plugins: [bubbleLabels(points) as Plugin<'bubble'>],
  };
}
