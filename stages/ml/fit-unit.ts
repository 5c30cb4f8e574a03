/**
 * One training unit, run inside a worker process: load the data set, split train/val by simulation, fit
 * the scaler on the training part, build and train the model (checkpointing in the unit's work folder),
 * and save model, scaler and loss history into the unit's output folder. The only stage code that
 * reaches tfjs, and only through src/training.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadArraySet } from '../../src/data/array-set-io.js';
import { Scaler } from '../../src/data/scaler.js';
import { trainValSplit } from '../../src/data/splits.js';
import { loadModelFiles } from '../../src/model-kit/loader.js';
import { buildModel } from '../../src/model-kit/registry.js';
import * as training from '../../src/training/index.js';
import { pruneDecision, type PrunerConfig, type TrialRecord } from '../../src/tuning/index.js';
import type { UnitContext } from '../api.js';
import type { TrainSettings } from '../train-settings.js';
import { taskOf, type TaskSettings } from '../task-settings.js';
import { monitoredMetric, probabilities, sampleLogLoss } from './class-scores.js';
import { binnedSet, checkLabels, classCounts, fitTaskBins, modelOutput, resolveClassification, taskSet, type ResolvedClassification } from './task-data.js';
import type { Bins } from '../../src/data/binning.js';
import { toTrainConfig } from './train-config.js';

export interface FitPayload {
  model: string;
  modelHash: string;
  hp: Record<string, number | string | boolean>;
  train: TrainSettings;
  seed: number;
  data: string;
  valFraction: number;
  splitSeed: number;
  /** absent: regression (so regression units keep their keys) */
  task?: TaskSettings;
  /** tune trials: the pruner and the records it may compare with (earlier batches only) */
  pruning?: { pruner: PrunerConfig; earlier: TrialRecord[] };
}

export interface FitLocals {
  dataDir: string;
  modelRoots: string[];
}

export interface FitSummary {
  model: string;
  bestVal: number | null;
  bestEpoch: number;
  epochs: number;
  params: number;
  status: 'complete' | 'stopped' | 'pruned' | 'diverged';
  message?: string;
}

export async function loadTrainVal(dataDir: string, valFraction: number, seed: number, task?: TaskSettings) {
  const set = taskSet(await loadArraySet(dataDir), task);
  return { set, ...trainValSplit(set, { valFraction, seed }) };
}

/** What a trained model's folder says about its task (task.json; absent for regression). */
export interface TaskRecord {
  task: TaskSettings;
  /** classification only */
  classification?: ResolvedClassification;
  output: 'grid' | 'vector';
  /** class weights used by the loss (classification only; auto: fitted on the training part) */
  classWeights?: number[];
  /** class counts of the training part (classification only) */
  trainCounts?: number[];
  /** task.bins: the edges fitted on the training part, applied to every part the model is scored on */
  bins?: Bins;
}

export async function runFitUnit(payload: FitPayload, locals: FitLocals, ctx: UnitContext<FitLocals>, opts: { allowDiverged: boolean }): Promise<FitSummary> {
  const info = await training.initBackend(ctx.backend as 'auto');
  ctx.setBackend(info.name);
  await loadModelFiles(locals.modelRoots);

  const task = taskOf(payload.task);
  let { train, val } = await loadTrainVal(locals.dataDir, payload.valFraction, payload.splitSeed, payload.task);
  const cls = task.kind === 'classification' ? resolveClassification(task, train) : undefined;
  // a continuous target classified by range: edges from the training part only, stored with the model
  const bins = cls && task.bins ? fitTaskBins(train, cls, task.bins) : undefined;
  if (bins) [train, val] = [binnedSet(train, bins), binnedSet(val, bins)];
  if (cls) {
    checkLabels(train, cls, locals.dataDir);
    checkLabels(val, cls, locals.dataDir);
  }
  // class labels are indices: only the inputs are standardised
  const scaler = Scaler.fit(train, { scaleY: cls === undefined });
  // A finer x grid (terrain) reaches the model as its input shape; its input block brings it onto the output grid.
  const out = modelOutput(train, payload.task);
  const shapes = {
    inputShape: training.xShape(train),
    outputShape: [train.h, train.w, out.channels] as [number, number, number],
    ...(out.output !== 'grid' ? { output: out.output } : {}),
  };
  let pruneCheck: ((epoch: number, val: number) => boolean) | undefined;
  const pruning = payload.pruning;
  if (pruning) {
    const vals: number[] = [];
    pruneCheck = (epoch, v) => {
      vals[epoch] = v;
      return pruneDecision(pruning.pruner, pruning.earlier, vals.slice(0, epoch + 1), epoch);
    };
  }
  const config = toTrainConfig(payload.train, payload.seed);
  let record: TaskRecord | undefined;
  if (task.kind !== 'regression') record = { task, output: out.output };
  if (cls) {
    const counts = classCounts(train.y, cls);
    const weights =
      task.class_weights === 'auto' ? counts.map((k) => (k > 0 ? train.y.length / (counts.length * k) : 1)) : (task.class_weights as number[] | undefined);
    config.task = {
      type: cls.type,
      classes: cls.classes,
      ...(weights ? { classWeights: weights } : {}),
      ...(task.label_smoothing ? { labelSmoothing: task.label_smoothing } : {}),
    };
    record = { ...record!, classification: cls, ...(weights ? { classWeights: weights } : {}), trainCounts: counts, ...(bins ? { bins } : {}) };
  }
  const valMetric = config.monitor && cls ? (logits: Float32Array) => monitoredMetric(config.monitor!.metric, logits, val.y, cls) : undefined;
  let result;
  let model;
  let plan: import('../../src/training/index.js').MemoryPlan | undefined;
  try {
    ({ model, result } = await training.trainModel({
      build: () => buildModel(payload.model, shapes, payload.hp),
      train: scaler.applySet(train),
      val: scaler.applySet(val),
      config,
      checkpointDir: ctx.workDir,
      threads: payload.train.threads,
      label: payload.model,
      onPlan: (p) => {
        plan = p;
        ctx.progress(training.describePlan(p));
      },
      onWarning: (m) => ctx.progress(`warning: ${m}`),
      onEpoch: (r) =>
        ctx.progress(`epoch ${r.epoch + 1}/${r.epochs} train ${r.train.toPrecision(4)} val ${r.val.toPrecision(4)} (${r.seconds.toFixed(1)} s)`, {
          epoch: r.epoch,
          epochs: r.epochs,
          train: r.train,
          val: r.val,
          seconds: r.seconds,
        }),
      shouldStop: pruneCheck,
      ...(valMetric ? { valMetric } : {}),
    }));
  } catch (err) {
    if (opts.allowDiverged && err instanceof training.DivergedError) {
      const summary: FitSummary = {
        model: payload.model,
        bestVal: null,
        bestEpoch: -1,
        epochs: err.epoch,
        params: 0,
        status: 'diverged',
        message: err.message,
      };
      await writeFile(join(ctx.outDir, 'summary.json'), JSON.stringify(summary, null, 1));
      return summary;
    }
    throw err;
  }
  const h = result.history;
  await mkdir(ctx.outDir, { recursive: true });
  await training.saveModel(model, ctx.outDir);
  // Wall-clock time goes to timing.json so every other output is byte-for-byte reproducible.
  const { seconds, ...stableHistory } = h;
  await writeFile(join(ctx.outDir, 'history.json'), JSON.stringify(stableHistory, null, 1));
  // Also volatile, so beside the seconds: the process's peak RSS and what the memory plan chose.
  const memory = {
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    microBatch: plan?.micro ?? null,
    estimatedStepMiB: plan?.estimate != null ? Math.round(plan.estimate / 2 ** 20) : null,
  };
  await writeFile(join(ctx.outDir, 'timing.json'), JSON.stringify({ seconds, ...memory }, null, 1));
  await writeFile(join(ctx.outDir, 'scaler.json'), JSON.stringify(scaler.toJSON(), null, 1));
  if (record) await writeFile(join(ctx.outDir, 'task.json'), JSON.stringify(record, null, 1));
  // Per-sample losses of the saved model in inference mode: the ranking's spread (a bootstrap over
  // validation simulations) and the training loss measured the way validation is (the epoch's training
  // loss is averaged while the weights move, with dropout and batch statistics on).
  const cellLoss = training.pointLoss(config.loss, config.huberDelta);
  const sampleLosses = async (s: typeof train): Promise<number[]> => {
    const a = scaler.applySet(s);
    const pred = await training.predict(model, a, config.batchSize);
    if (cls) return sampleLogLoss(probabilities(pred, cls), a.y, a.n, cls);
    const cells = a.y.length / Math.max(1, a.n);
    return Array.from({ length: a.n }, (_, i) => {
      let sum = 0;
      for (let k = i * cells; k < (i + 1) * cells; k++) sum += cellLoss(pred[k]! - a.y[k]!);
      return sum / cells;
    });
  };
  const valLoss = await sampleLosses(val);
  const trainLoss = await sampleLosses(train);
  const mean = (v: number[]) => (v.length ? v.reduce((x, y) => x + y, 0) / v.length : null);
  await writeFile(
    join(ctx.outDir, 'samples.json'),
    JSON.stringify(
      { val: { simulation: Array.from(val.simulation), loss: valLoss }, train_inference_loss: mean(trainLoss), val_inference_loss: mean(valLoss) },
      null,
      1,
    ),
  );
  const summary: FitSummary = {
    model: payload.model,
    bestVal: Number.isFinite(h.val[h.bestEpoch]) ? h.val[h.bestEpoch]! : null,
    bestEpoch: h.bestEpoch,
    epochs: h.stoppedEpoch + 1,
    params: model.countParams(),
    status: result.status,
  };
  await writeFile(join(ctx.outDir, 'summary.json'), JSON.stringify(summary, null, 1));
  model.dispose();
  return summary;
}
