/**
 * One training unit, run inside a worker process: load the data set, split train/val by simulation, fit
 * the scaler on the training part, build and train the model (checkpointing in the unit's work folder),
 * and save model, scaler and loss history into the unit's output folder. The only stage code that
 * reaches tfjs, and only through src/training.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json, UnitContext } from '../api.js';
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
  pruning?: { pruner: Json; earlier: Json[] };
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
  const { loadArraySet } = await import('../../src/data/array-set-io.js');
  const { trainValSplit } = await import('../../src/data/splits.js');
  const set = await loadArraySet(dataDir);
  return { set, ...trainValSplit(set, { valFraction, seed }) };
}

export async function runFitUnit(payload: FitPayload, locals: FitLocals, ctx: UnitContext, opts: { allowDiverged: boolean }): Promise<FitSummary> {
  const training = await import('../../src/training/index.js');
  const { loadModelFiles } = await import('../../src/model-kit/loader.js');
  const { buildModel } = await import('../../src/model-kit/registry.js');
  const { Scaler } = await import('../../src/data/scaler.js');
  const info = await training.initBackend(ctx.backend as 'auto');
  ctx.setBackend(info.name);
  await loadModelFiles(locals.modelRoots);

  const { train, val } = await loadTrainVal(locals.dataDir, payload.valFraction, payload.splitSeed);
  const scaler = Scaler.fit(train);
  const arrays = (s: typeof train) => ({ x: scaler.applyX(s.x), y: scaler.applyY(s.y), n: s.n, h: s.h, w: s.w, factor: s.factor, cin: s.cin, cout: s.cout });
  // A finer x grid (terrain) reaches the model as its input shape; its input block brings it onto the output grid.
  const shapes = { inputShape: training.xShape(train), outputShape: training.yShape(train) };
  let pruneCheck: ((epoch: number, val: number) => boolean) | undefined;
  if (payload.pruning) {
    const { pruneDecision } = await import('../../src/tuning/index.js');
    const vals: number[] = [];
    pruneCheck = (epoch, v) => {
      vals[epoch] = v;
      return pruneDecision(payload.pruning!.pruner as never, payload.pruning!.earlier as never, vals.slice(0, epoch + 1), epoch);
    };
  }
  const config = toTrainConfig(payload.train, payload.seed);
  let result;
  let model;
  try {
    ({ model, result } = await training.trainModel({
      build: () => buildModel(payload.model, shapes, payload.hp),
      train: arrays(train),
      val: arrays(val),
      config,
      checkpointDir: ctx.workDir,
      threads: payload.train.threads,
      onWarning: (m) => ctx.progress(`warning: ${m}`),
      onEpoch: (r) => ctx.progress(`epoch ${r.epoch + 1}/${r.epochs} train ${r.train.toPrecision(4)} val ${r.val.toPrecision(4)} (${r.seconds.toFixed(1)} s)`),
      shouldStop: pruneCheck,
    }));
  } catch (err) {
    if (opts.allowDiverged && err instanceof training.DivergedError) {
      const summary: FitSummary = { model: payload.model, bestVal: null, bestEpoch: -1, epochs: err.epoch, params: 0, status: 'diverged', message: err.message };
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
  await writeFile(join(ctx.outDir, 'timing.json'), JSON.stringify({ seconds }, null, 1));
  await writeFile(join(ctx.outDir, 'scaler.json'), JSON.stringify(scaler.toJSON(), null, 1));
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
