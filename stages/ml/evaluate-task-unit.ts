/**
 * The evaluation unit of classification and of vector regression (worker side). A model — or a baseline —
 * predicts every part of every set; classification is scored from probabilities (sigmoid or softmax of the
 * logits) with src/metrics/classification.ts, per sample or per cell; vector regression per target in
 * physical units with src/metrics/vector-regression.ts. Baselines: `dummy` (classification: the training
 * prior of the dummy set; vector regression: its training mean), `majority` (the training part's majority
 * class with probability 1) and `zero`. Predictions are written as .npy (probabilities for classification)
 * so anyone can recompute the metrics; the dummy unit writes the targets (labels) beside them.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isVectorTarget, type ArraySet } from '../../src/data/array-set.js';
import { DataError } from '../../src/data/data-error.js';
import { writeNpy } from '../../src/data/npy.js';
import { Scaler } from '../../src/data/scaler.js';
import { majorityClass } from '../../src/metrics/classification.js';
import { perTargetMetrics } from '../../src/metrics/vector-regression.js';
import { loadModelFiles } from '../../src/model-kit/loader.js';
import * as training from '../../src/training/index.js';
import type { UnitContext } from '../api.js';
import { taskOf } from '../task-settings.js';
import { classScores, probabilities, type ClassScores } from './class-scores.js';
import type { EvalLocals, EvalPayload } from './evaluate-unit.js';
import { setParts, timeInference } from './eval-parts.js';
import { binnedSet, checkLabels, classCounts, fitTaskBins, resolveClassification, type ResolvedClassification } from './task-data.js';
import type { Bins } from '../../src/data/binning.js';
import type { TaskRecord } from './fit-unit.js';

/** Vector regression scores of one part: per target (physical units) and their means. */
export interface VectorScores {
  n: number;
  targets: { name: string; mae: number; rmse: number; r2: number | null; pearson: number | null }[];
  /** means over the targets (r2: over targets where it is defined) */
  mae: number;
  rmse: number;
  r2: number | null;
}

export interface TaskModelEval {
  params: number;
  bytes: number;
  trainSeconds: number | null;
  inferenceMsPerSample: number | null;
  task: 'classification' | 'regression';
  target: 'grid' | 'vector';
  sets: Record<string, Record<string, (ClassScores | VectorScores) & { seen?: 'train' | 'val' | null }>>;
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

function vectorScores(pred: Float32Array, s: ArraySet): VectorScores {
  const per = perTargetMetrics(pred, s.y, s.cout);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const r2s = per.map((m) => m.r2).filter((v) => Number.isFinite(v));
  return {
    n: s.n,
    targets: per.map((m, k) => ({ name: s.yChannels[k]!, mae: m.mae, rmse: m.rmse, r2: orNull(m.r2), pearson: orNull(m.pearson) })),
    mae: mean(per.map((m) => m.mae)),
    rmse: mean(per.map((m) => m.rmse)),
    r2: r2s.length ? mean(r2s) : null,
  };
}

/** Probability channels per cell (or per sample): binary 1, multiclass K, multilabel one per label. */
const probChannels = (c: ResolvedClassification) => (c.type === 'binary' ? 1 : c.classes);

/** The constant probabilities of the dummy (prior) and majority baselines, fitted on `fit`'s labels. */
function constantProbabilities(fit: ArraySet, c: ResolvedClassification, rule: 'prior' | 'majority'): number[] {
  if (c.type === 'multiclass') {
    const counts = classCounts(fit.y, c);
    if (rule === 'majority') return counts.map((_, k) => (k === majorityClass(fit.y, c.classes) ? 1 : 0));
    return counts.map((k) => k / fit.y.length);
  }
  const labels = probChannels(c);
  const pos = new Array<number>(labels).fill(0);
  for (let i = 0; i < fit.y.length; i++) pos[i % labels]! += fit.y[i]!;
  const cells = fit.y.length / labels;
  // majority per label: 1 when positives are more than half (ties: the negative class, the lower index)
  return pos.map((k) => (rule === 'majority' ? (k > cells - k ? 1 : 0) : k / cells));
}

export async function runTaskEvalUnit(p: EvalPayload, l: EvalLocals, ctx: UnitContext<EvalLocals>): Promise<void> {
  const task = taskOf(p.task);
  const raw = new Map<string, Promise<Record<string, ArraySet>>>();
  const rawParts = (set: string, dir: string) => {
    if (!raw.has(set)) raw.set(set, setParts(dir, set, p.valFraction, p.splitSeed, p.task));
    return raw.get(set)!;
  };
  const first = Object.entries(l.dataDirs)[0]!;
  const sample0 = Object.values(await rawParts(first[0], first[1]))[0]!;
  const cls = task.kind === 'classification' ? resolveClassification(task, sample0) : undefined;
  // task.bins: every part is labelled with the model's own edges (baselines: the models', else fitted here on the dummy set's training part)
  let bins: Bins | undefined;
  if (cls && task.bins) {
    if (l.modelDir && p.model !== 'dummy' && p.model !== 'majority' && p.model !== 'zero') {
      bins = (JSON.parse(await readFile(join(l.modelDir, 'task.json'), 'utf8')) as TaskRecord).bins;
    } else {
      const fitParts = await rawParts(p.dummySet, l.dataDirs[p.dummySet]!);
      bins = p.bins ?? fitTaskBins(fitParts.train ?? fitParts.test!, cls, task.bins);
    }
  }
  const partsOf = async (set: string, dir: string): Promise<Record<string, ArraySet>> => {
    const parts = await rawParts(set, dir);
    return bins ? Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, binnedSet(v, bins)])) : parts;
  };
  const sample = bins ? binnedSet(sample0, bins) : sample0;
  const channels = cls ? probChannels(cls) : sample.cout;
  const perSample = (s: ArraySet) => (isVectorTarget(s) ? 1 : s.h * s.w) * channels;
  let predictFn: (s: ArraySet) => Promise<Float32Array>;
  const result = { params: 0, bytes: 0, trainSeconds: 0 as number | null, inferenceMsPerSample: null as number | null };
  const constant = (values: ArrayLike<number>) => async (s: ArraySet) => {
    const out = new Float32Array(s.n * perSample(s));
    for (let i = 0; i < out.length; i++) out[i] = values[i % values.length]!;
    return out;
  };
  if (p.model === 'dummy' || p.model === 'majority') {
    const parts = await partsOf(p.dummySet, l.dataDirs[p.dummySet]!);
    const fit = parts.train ?? parts.test!;
    if (cls) {
      checkLabels(fit, cls, l.dataDirs[p.dummySet]);
      predictFn = constant(constantProbabilities(fit, cls, p.model === 'dummy' ? 'prior' : 'majority'));
    } else {
      if (p.model === 'majority') throw new DataError('the majority baseline is for classification tasks');
      const means = new Float64Array(fit.cout);
      for (let i = 0; i < fit.y.length; i++) means[i % fit.cout]! += fit.y[i]!;
      predictFn = constant(Array.from(means, (m) => m / (fit.y.length / fit.cout)));
    }
  } else if (p.model === 'zero') {
    predictFn = constant([0]);
  } else if (p.model === 'persistence') {
    throw new DataError('the persistence baseline needs a target map per sample and a regression task', undefined, 'set baselines.persistence to null');
  } else {
    const info = await training.initBackend(ctx.backend as 'auto');
    ctx.setBackend(info.name);
    await loadModelFiles(l.modelRoots);
    const model = await training.loadModel(l.modelDir!);
    const scaler = Scaler.fromJSON(JSON.parse(await readFile(join(l.modelDir!, 'scaler.json'), 'utf8')));
    const batch = p.timing.batch_size;
    predictFn = async (s) => {
      const raw = await training.predict(model, { ...s, x: scaler.applyX(s.x) }, batch);
      return cls ? probabilities(raw, cls) : scaler.invertY(raw);
    };
    const timing = JSON.parse(await readFile(join(l.modelDir!, 'timing.json'), 'utf8')) as { seconds?: number };
    for (const f of ['model.json', 'weights.bin']) result.bytes += (await stat(join(l.modelDir!, f))).size;
    result.params = model.countParams();
    result.trainSeconds = timing.seconds ?? null;
    const timingName = l.dataDirs.test ? 'test' : first[0];
    const timingParts = await partsOf(timingName, l.dataDirs[timingName]!);
    const timingSet = timingParts.test ?? timingParts.train;
    if (timingSet) result.inferenceMsPerSample = await timeInference(model, scaler.applyX(timingSet.x), timingSet, p.timing);
  }
  const sets: TaskModelEval['sets'] = {};
  await mkdir(join(ctx.outDir, 'predictions'), { recursive: true });
  for (const [set, dir] of Object.entries(l.dataDirs)) {
    sets[set] = {};
    for (const [part, data] of Object.entries(await partsOf(set, dir))) {
      if (data.n === 0) continue;
      if (cls) checkLabels(data, cls, dir);
      const pred = await predictFn(data);
      // clip_min (models only): a non-negative target's predictions raised to it, as for maps
      if (!cls && p.clipMin != null && l.modelDir) for (let i = 0; i < pred.length; i++) pred[i] = Math.max(pred[i]!, p.clipMin);
      sets[set]![part] = cls ? classScores(pred, data.y, cls) : vectorScores(pred, data);
      const lead = isVectorTarget(data) ? [data.n] : [data.n, data.h, data.w];
      await writeNpy(join(ctx.outDir, 'predictions', `${set}-${part}.npy`), pred, [...lead, channels]);
      if (p.model === 'dummy') {
        await mkdir(join(ctx.outDir, 'targets'), { recursive: true });
        await writeNpy(join(ctx.outDir, 'targets', `${set}-${part}.npy`), data.y, [...lead, data.cout]);
      }
    }
    ctx.progress(`${p.model}: evaluated ${set}`);
  }
  const out: TaskModelEval = { ...result, task: cls ? 'classification' : 'regression', target: isVectorTarget(sample) ? 'vector' : 'grid', sets };
  await writeFile(join(ctx.outDir, 'eval.json'), JSON.stringify(out));
}
