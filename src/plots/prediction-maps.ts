import { access } from 'node:fs/promises';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { DEFAULT_HEIGHT, DEFAULT_WIDTH } from './render-chart.js';
import { drawColorBar, drawHeatmap, type Field, type Scale } from './heatmap.js';
import { DUMMY_MODEL } from './colors.js';
import { ensureFonts, FONT_FAMILY } from './fonts.js';
import { readNpy, toFloat32 } from '../data/npy.js';
import type { Metrics } from './result-files.js';
import type { SetPart } from './set-parts.js';
import { writePng } from './write-png.js';

export interface PredictionMapOptions {
  stage: string;
  stageDir: string;
  metrics: Metrics;
  on: SetPart;
  outDir: string;
  samples?: number;
  width?: number;
  height?: number;
}

interface NpyArray {
  data: Float32Array;
  shape: number[];
}

async function readNpyFloat32(file: string): Promise<NpyArray> {
  const arr = await readNpy(file);
  return { data: toFloat32(arr.values), shape: arr.shape };
}

interface Grid {
  n: number;
  h: number;
  w: number;
  c: number;
}

function grid(arr: NpyArray, file: string): Grid {
  const [n, h, w, c = 1] = arr.shape;
  if (arr.shape.length < 3 || arr.shape.length > 4 || n === undefined || h === undefined || w === undefined) {
    throw new Error(`${file}: expected shape [n, h, w, channels], got ${JSON.stringify(arr.shape)}`);
  }
  return { n, h, w, c };
}

/** Channel 0 of sample i (the first target channel, water depth in the reference study). */
function field(arr: NpyArray, g: Grid, i: number): Field {
  const values = new Float32Array(g.h * g.w);
  const base = i * g.h * g.w * g.c;
  for (let p = 0; p < g.h * g.w; p++) values[p] = arr.data[base + p * g.c]!;
  return { values, h: g.h, w: g.w };
}

/** The wettest samples (largest total target), so the maps show floods rather than dry terrain; same for every model. */
export function pickSamples(target: NpyArray, g: Grid, k: number): number[] {
  const totals = Array.from({ length: g.n }, (_, i) => {
    let s = 0;
    for (const v of field(target, g, i).values) if (Number.isFinite(v)) s += v;
    return { i, s };
  });
  return totals.sort((a, b) => b.s - a.s || a.i - b.i).slice(0, k).map((t) => t.i).sort((a, b) => a - b);
}

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * One PNG per model: for a few samples of the comparison set, truth / prediction / absolute error as
 * heatmaps. Scales are shared by all models of the stage (depth: viridis, error: inferno) so the maps are
 * comparable across PNGs; the colour bars carry the unit from metrics.json.
 */
export async function renderPredictionMaps(opts: PredictionMapOptions): Promise<string[]> {
  ensureFonts();
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  const tag = `${opts.on.set}-${opts.on.part}`;
  const targetFile = path.join(opts.stageDir, 'targets', `${tag}.npy`);
  const target = await readNpyFloat32(targetFile);
  const g = grid(target, targetFile);
  const models: { model: string; pred: NpyArray }[] = [];
  for (const model of Object.keys(opts.metrics.models).sort()) {
    const file = path.join(opts.stageDir, 'predictions', model, `${tag}.npy`);
    if (!(await exists(file))) continue;
    const pred = await readNpyFloat32(file);
    const pg = grid(pred, file);
    if (pg.n !== g.n || pg.h !== g.h || pg.w !== g.w) {
      throw new Error(`${file}: shape ${JSON.stringify(pred.shape)} does not match ${targetFile} ${JSON.stringify(target.shape)}`);
    }
    models.push({ model, pred });
  }
  const picked = pickSamples(target, g, opts.samples ?? 3);
  let depthMin = 0;
  let depthMax = 0;
  const errMax = new Map<string, number>();
  for (const i of picked) {
    const t = field(target, g, i).values;
    for (const v of t) if (Number.isFinite(v)) [depthMin, depthMax] = [Math.min(depthMin, v), Math.max(depthMax, v)];
    for (const { model, pred } of models) {
      let e = errMax.get(model) ?? 0;
      field(pred, g, i).values.forEach((v, k) => {
        if (!Number.isFinite(v)) return;
        depthMin = Math.min(depthMin, v);
        depthMax = Math.max(depthMax, v);
        if (Number.isFinite(t[k]!)) e = Math.max(e, Math.abs(v - t[k]!));
      });
      errMax.set(model, e);
    }
  }
  const depth: Scale = { min: depthMin, max: depthMax > depthMin ? depthMax : depthMin + 1, map: 'viridis' };
  // Trained models share one error scale so their maps compare; the dummy's errors are an order larger
  // and would turn every other error map black, so it gets its own.
  const errorScale = (model: string): Scale => {
    const shared = Math.max(0, ...[...errMax].filter(([m]) => m !== DUMMY_MODEL).map(([, e]) => e));
    const max = model === DUMMY_MODEL ? errMax.get(model)! : shared;
    return { min: 0, max: max > 0 ? max : 1, map: 'inferno' };
  };
  const unit = opts.metrics.unit;
  const written: string[] = [];
  for (const { model, pred } of models) {
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#222';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.font = `bold 30px "${FONT_FAMILY}"`;
    ctx.fillText(`Stage ${opts.stage}: predictions of ${model} on ${opts.on.label} (first target channel, ${unit})`, width / 2, 14);
    const top = 110;
    const bottom = 120;
    const left = 230;
    const gap = 24;
    const cell = Math.max(10, Math.min((width - left - 20 - 2 * gap) / 3, (height - top - bottom) / picked.length - gap));
    // Centre the grid (with its row labels) when the height, not the width, limits the cell size.
    const x0 = Math.max(left, (width - 3 * cell - 2 * gap + left) / 2 - left / 2);
    const colX = [0, 1, 2].map((c) => x0 + c * (cell + gap));
    const error = errorScale(model);
    ctx.font = `22px "${FONT_FAMILY}"`;
    ['truth', 'prediction', '|prediction − truth|'].forEach((h, c) => ctx.fillText(h, colX[c]! + cell / 2, top - 36));
    const rae = opts.metrics.models[model]?.sets[opts.on.set]?.[opts.on.part]?.rae;
    picked.forEach((i, r) => {
      const y = top + r * (cell + gap);
      const t = field(target, g, i);
      const p = field(pred, g, i);
      const e: Field = { ...t, values: t.values.map((v, k) => Math.abs(p.values[k]! - v)) };
      drawHeatmap(ctx, t, depth, colX[0]!, y, cell);
      drawHeatmap(ctx, p, depth, colX[1]!, y, cell);
      drawHeatmap(ctx, e, error, colX[2]!, y, cell);
      ctx.fillStyle = '#222';
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.font = `20px "${FONT_FAMILY}"`;
      ctx.fillText(`sample ${i}`, x0 - 16, y + cell / 2 - 14);
      const v = rae?.[i];
      ctx.fillText(typeof v === 'number' ? `RAE ${v.toPrecision(3)}` : 'RAE n/a', x0 - 16, y + cell / 2 + 14);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
    });
    const barY = top + picked.length * (cell + gap) + 4;
    drawColorBar(ctx, depth, `water depth (${unit}), truth and prediction`, colX[0]!, barY, 2 * cell + gap, 22);
    drawColorBar(ctx, error, model === DUMMY_MODEL ? `absolute error (${unit}), own scale` : `absolute error (${unit})`, colX[2]!, barY, cell, 22);
    const file = path.join(opts.outDir, `${opts.stage}-predictions-${model}.png`);
    written.push(await writePng(canvas, file));
  }
  return written;
}
