/**
 * One evaluation unit (worker side): a trained model — or a baseline — predicts every part of every set;
 * predictions are inverted to physical units, raised to `clipMin` where one is set (a non-negative
 * target such as a depth), and scored against the raw targets. Baselines: `dummy` (the training mean of
 * the dummy set), `zero` (0 everywhere) and `persistence` (a named input channel taken as the
 * prediction, e.g. the current depth: "nothing changes over the horizon").
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArraySet } from '../../src/data/array-set.js';
import { writeNpy } from '../../src/data/npy.js';
import { Scaler } from '../../src/data/scaler.js';
import { evaluateArrays } from '../../src/metrics/evaluate.js';
import { summarise } from '../../src/metrics/summarise.js';
import { loadModelFiles } from '../../src/model-kit/loader.js';
import * as training from '../../src/training/index.js';
import type { UnitContext } from '../api.js';
import type { TaskSettings } from '../task-settings.js';
import type { Bins } from '../../src/data/binning.js';
import { BASELINE_MODELS, persistence } from './baselines.js';
import { setParts, timeInference } from './eval-parts.js';

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
  /** absent: regression (the payload regression units always had) */
  task?: TaskSettings;
  /** task.bins, baselines only: the evaluated models' bin edges (models read theirs from task.json) */
  bins?: Bins;
}

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


export async function runEvalUnit(p: EvalPayload, l: EvalLocals, ctx: UnitContext<EvalLocals>): Promise<void> {
  // Each set is loaded and split once (the test set serves timing and scoring).
  const loaded = new Map<string, Promise<Record<string, ArraySet>>>();
  const partsOf = (set: string, dir: string) => {
    if (!loaded.has(set)) loaded.set(set, setParts(dir, set, p.valFraction, p.splitSeed, p.task));
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
    const info = await training.initBackend(ctx.backend as 'auto');
    ctx.setBackend(info.name);
    await loadModelFiles(l.modelRoots);
    const model = await training.loadModel(l.modelDir!);
    const scaler = Scaler.fromJSON(JSON.parse(await readFile(join(l.modelDir!, 'scaler.json'), 'utf8')));
    const batch = p.timing.batch_size;
    predictFn = async (s) => scaler.invertY(await training.predict(model, { ...s, x: scaler.applyX(s.x) }, batch));
    const timing = JSON.parse(await readFile(join(l.modelDir!, 'timing.json'), 'utf8')) as { seconds?: number };
    let bytes = 0;
    for (const f of ['model.json', 'weights.bin']) bytes += (await stat(join(l.modelDir!, f))).size;
    result = { params: model.countParams(), bytes, trainSeconds: timing.seconds ?? null, inferenceMsPerSample: null };
    const timingName = l.dataDirs.test ? 'test' : Object.keys(l.dataDirs)[0]!;
    const timingParts = await partsOf(timingName, l.dataDirs[timingName]!);
    timingSet = timingParts.test ?? timingParts.train;
    if (timingSet) result.inferenceMsPerSample = await timeInference(model, scaler.applyX(timingSet.x), timingSet, p.timing);
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
