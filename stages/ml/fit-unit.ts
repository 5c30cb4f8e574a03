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

export async function loadTrainVal(dataDir: string, valFraction: number, seed: number) {
  const set = await loadArraySet(dataDir);
  return { set, ...trainValSplit(set, { valFraction, seed }) };
}

export async function runFitUnit(payload: FitPayload, locals: FitLocals, ctx: UnitContext<FitLocals>, opts: { allowDiverged: boolean }): Promise<FitSummary> {
  const info = await training.initBackend(ctx.backend as 'auto');
  ctx.setBackend(info.name);
  await loadModelFiles(locals.modelRoots);

  const { train, val } = await loadTrainVal(locals.dataDir, payload.valFraction, payload.splitSeed);
  const scaler = Scaler.fit(train);
  // A finer x grid (terrain) reaches the model as its input shape; its input block brings it onto the output grid.
  const shapes = { inputShape: training.xShape(train), outputShape: training.yShape(train) };
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
  // Per-sample losses of the saved model in inference mode: the ranking's spread (a bootstrap over
  // validation simulations) and the training loss measured the way validation is (the epoch's training
  // loss is averaged while the weights move, with dropout and batch statistics on).
  const cellLoss = training.pointLoss(config.loss, config.huberDelta);
  const sampleLosses = async (s: typeof train): Promise<number[]> => {
    const a = scaler.applySet(s);
    const pred = await training.predict(model, a, config.batchSize);
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
