/**
 * One evaluation unit (worker side): a trained model — or a baseline — predicts every part of every set;
 * predictions are inverted to physical units, raised to `clipMin` where one is set (a non-negative
 * target such as a depth), and scored against the raw targets. Baselines: `dummy` (the training mean of
 * the dummy set), `zero` (0 everywhere) and `persistence` (a named input channel taken as the
 * prediction, e.g. the current depth: "nothing changes over the horizon").
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnitContext } from '../api.js';
import { xSampleSize, type ArraySet } from '../../src/data/array-set.js';
import { DataError } from '../../src/data/data-error.js';

export interface EvalPayload {
  model: string;
  /** hash of the evaluated model's own files (`model:<sha256>`), or the dummy's data hash */
  source: string;
  sets: Record<string, string>;
  valFraction: number;
  splitSeed: number;
  timing: { warmup: number; repeats: number; batch_size: number };
  dummySet: string;
  /** the input channel the persistence baseline predicts with (model 'persistence' only) */
  persistenceChannel?: string;
  /** predictions below this are raised to it before scoring (model units only; null: none) */
  clipMin?: number | null;
  [k: string]: unknown;
}

/** Names of the baseline predictors; no upstream model may take one. */
export const BASELINE_MODELS = ['dummy', 'zero', 'persistence'] as const;

export interface EvalLocals {
  modelDir: string | null;
  dataDirs: Record<string, string>;
  modelRoots: string[];
}

export interface PartMetrics {
  n: number;
  rae: number[];
  raeSummary: { min: number; q1: number; median: number; q3: number; max: number; mean: number } | null;
  raeUndefined: number;
  mae: number;
  rmse: number;
  r2: number | null;
  /** share of the model's raw predictions below clipMin, and the MAE before clipping (clipMin set only) */
  clipped?: { fraction: number; maeUnclipped: number };
  /** what the model saw of this part: 'train' (trained on it), 'val' (early stopping / best epoch), null (held out); set by the stage */
  seen?: 'train' | 'val' | null;
  /** 1 − error / error of the part's strongest baseline (per metric, which one in `vs`); set by the stage */
  skill?: { mae: { vs: string; value: number } | null; rae: { vs: string; value: number } | null };
}

export interface ModelEval {
  params: number;
  bytes: number;
  trainSeconds: number | null;
  inferenceMsPerSample: number | null;
  sets: Record<string, Record<string, PartMetrics>>;
}

/** The parts of a set: train/val as split for training, or the whole held-out set as 'test'. */
export async function setParts(dir: string, set: string, valFraction: number, seed: number): Promise<Record<string, ArraySet>> {
  const { loadArraySet } = await import('../../src/data/array-set-io.js');
  const { trainValSplit } = await import('../../src/data/splits.js');
  const all = await loadArraySet(dir);
  if (set === 'test') return { test: all };
  const { train, val } = trainValSplit(all, { valFraction, seed });
  return { train, val };
}

export async function runEvalUnit(p: EvalPayload, l: EvalLocals, ctx: UnitContext): Promise<void> {
  const { evaluateArrays } = await import('../../src/metrics/evaluate.js');
  const { summarise } = await import('../../src/metrics/summarise.js');
  const { writeNpy } = await import('../../src/data/npy.js');
  // Each set is loaded and split once (the test set serves timing and scoring).
  const loaded = new Map<string, Promise<Record<string, ArraySet>>>();
  const partsOf = (set: string, dir: string) => {
    if (!loaded.has(set)) loaded.set(set, setParts(dir, set, p.valFraction, p.splitSeed));
    return loaded.get(set)!;
  };
  let predictFn: (x: ArraySet) => Promise<Float32Array>;
  let result: Omit<ModelEval, 'sets'>;
  let timingSet: ArraySet | undefined;
  if (p.model === 'dummy') {
    const parts = await partsOf(p.dummySet, l.dataDirs[p.dummySet]!);
    const fit = parts.train ?? parts.test!;
    const means = new Float64Array(fit.cout);
    for (let i = 0; i < fit.y.length; i++) means[i % fit.cout]! += fit.y[i]!;
    for (let c = 0; c < fit.cout; c++) means[c]! /= fit.y.length / fit.cout;
    predictFn = async (s) => {
      const out = new Float32Array(s.n * s.h * s.w * s.cout);
      for (let i = 0; i < out.length; i++) out[i] = means[i % s.cout]!;
      return out;
    };
    result = { params: 0, bytes: 0, trainSeconds: 0, inferenceMsPerSample: null };
  } else if (p.model === 'zero') {
    predictFn = async (s) => new Float32Array(s.n * s.h * s.w * s.cout);
    result = { params: 0, bytes: 0, trainSeconds: 0, inferenceMsPerSample: null };
  } else if (p.model === 'persistence') {
    const channel = p.persistenceChannel!;
    predictFn = async (s) => persistence(s, channel);
    result = { params: 0, bytes: 0, trainSeconds: 0, inferenceMsPerSample: null };
  } else {
    const training = await import('../../src/training/index.js');
    const { loadModelFiles } = await import('../../src/model-kit/loader.js');
    const { Scaler } = await import('../../src/data/scaler.js');
    const info = await training.initBackend(ctx.backend as 'auto');
    ctx.setBackend(info.name);
    await loadModelFiles(l.modelRoots);
    const model = await training.loadModel(l.modelDir!);
    const scaler = Scaler.fromJSON(JSON.parse(await readFile(join(l.modelDir!, 'scaler.json'), 'utf8')));
    const batch = p.timing.batch_size;
    predictFn = async (s) => scaler.invertY(await training.predict(model, { x: scaler.applyX(s.x), n: s.n, h: s.h, w: s.w, factor: s.factor, cin: s.cin }, batch));
    const timing = JSON.parse(await readFile(join(l.modelDir!, 'timing.json'), 'utf8')) as { seconds?: number };
    let bytes = 0;
    for (const f of ['model.json', 'weights.bin']) bytes += (await stat(join(l.modelDir!, f))).size;
    result = { params: model.countParams(), bytes, trainSeconds: timing.seconds ?? null, inferenceMsPerSample: null };
    const timingName = l.dataDirs.test ? 'test' : Object.keys(l.dataDirs)[0]!;
    const timingParts = await partsOf(timingName, l.dataDirs[timingName]!);
    timingSet = timingParts.test ?? timingParts.train;
    if (timingSet) result.inferenceMsPerSample = await timeInference(training, model, scaler.applyX(timingSet.x), timingSet, p.timing);
  }
  const sets: ModelEval['sets'] = {};
  await mkdir(join(ctx.outDir, 'predictions'), { recursive: true });
  for (const [set, dir] of Object.entries(l.dataDirs)) {
    sets[set] = {};
    for (const [part, data] of Object.entries(await partsOf(set, dir))) {
      if (data.n === 0) continue;
      const pred = await predictFn(data);
      let clipped: PartMetrics['clipped'];
      const clipMin = p.clipMin ?? null;
      if (clipMin !== null && !(BASELINE_MODELS as readonly string[]).includes(p.model)) {
        const maeUnclipped = evaluateArrays(pred, data.y, data.h * data.w * data.cout).mae;
        let below = 0;
        for (let i = 0; i < pred.length; i++) {
          if (pred[i]! < clipMin) {
            pred[i] = clipMin;
            below++;
          }
        }
        clipped = { fraction: below / pred.length, maeUnclipped };
      }
      const m = evaluateArrays(pred, data.y, data.h * data.w * data.cout);
      sets[set]![part] = {
        n: m.n, rae: m.rae, raeSummary: m.rae.length ? summarise(m.rae) : null, raeUndefined: m.raeUndefined, mae: m.mae, rmse: m.rmse,
        r2: Number.isFinite(m.r2) ? m.r2 : null, ...(clipped ? { clipped } : {}),
      };
      const shape = [data.n, data.h, data.w, data.cout];
      await writeNpy(join(ctx.outDir, 'predictions', `${set}-${part}.npy`), pred, shape);
      if (p.model === 'dummy') {
        await mkdir(join(ctx.outDir, 'targets'), { recursive: true });
        await writeNpy(join(ctx.outDir, 'targets', `${set}-${part}.npy`), data.y, shape);
      }
    }
    ctx.progress(`${p.model}: evaluated ${set}`);
  }
  const out: ModelEval = { ...result, sets };
  await writeFile(join(ctx.outDir, 'eval.json'), JSON.stringify(out));
}

/**
 * The persistence prediction: input channel `channel` on the output grid (the mean of each f×f block
 * when x lies on a finer grid), for a set with one target channel.
 */
export function persistence(s: ArraySet, channel: string): Float32Array {
  const k = s.xChannels.indexOf(channel);
  if (k < 0) {
    throw new DataError(`persistence baseline: the data has no input channel '${channel}'`, undefined, `baselines.persistence must name one of the input channels: ${s.xChannels.join(', ')}`);
  }
  if (s.cout !== 1) throw new DataError(`persistence baseline: the target has ${s.cout} channels; it predicts one`, undefined, 'set baselines.persistence to null for this data');
  const f = s.factor;
  const fine = s.w * f;
  const xs = xSampleSize(s);
  const out = new Float32Array(s.n * s.h * s.w);
  for (let n = 0; n < s.n; n++) {
    for (let r = 0; r < s.h * f; r++) {
      for (let c = 0; c < fine; c++) {
        out[n * s.h * s.w + Math.floor(r / f) * s.w + Math.floor(c / f)]! += s.x[n * xs + (r * fine + c) * s.cin + k]! / (f * f);
      }
    }
  }
  return out;
}

/** Warm up, then the median over repeated timed batches, per sample. */
async function timeInference(
  training: typeof import('../../src/training/index.js'),
  model: import('../../src/training/index.js').tf.LayersModel,
  x: Float32Array,
  s: ArraySet,
  t: EvalPayload['timing'],
): Promise<number> {
  const b = Math.min(t.batch_size, s.n);
  const input = { x: x.subarray(0, b * xSampleSize(s)), n: b, h: s.h, w: s.w, factor: s.factor, cin: s.cin };
  for (let i = 0; i < t.warmup; i++) await training.predict(model, input, b);
  const times: number[] = [];
  for (let i = 0; i < t.repeats; i++) {
    const t0 = performance.now();
    await training.predict(model, input, b);
    times.push((performance.now() - t0) / b);
  }
  times.sort((a, c) => a - c);
  return Number(times[Math.floor(times.length / 2)]!.toFixed(4));
}
