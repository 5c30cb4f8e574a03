/**
 * `tune`: tunes one architecture over a search space (training settings `train.*`, model
 * hyperparameters `model.*`). Trials are proposed in fixed batches (`batch_size`, independent of --jobs);
 * each trial is a cached unit whose payload holds everything that decides it — its params and the
 * earlier-batch records its pruner compares with — so the same seed gives the same trials, pruning and
 * best config with any --jobs (see src/tuning/study.ts).
 *
 * The starting configuration (no search-space overrides) is trained first and wins ties, so the best
 * configuration is never worse on the validation data than the untuned one (best.json: trial null).
 *
 * Outputs: best.json, trials.json, trials.csv, models/<model>/ (the best trial's model and history).
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PipeError } from '../src/failure/pipe-error.js';
import { registerStageKind, type Json, type StageKind } from './api.js';
import { dataLocals, mergeSettings, modelHash, taskIssues, taskPayload, trainingKeys } from './ml/common.js';
import type { FitLocals, FitPayload, FitSummary } from './ml/fit-unit.js';
import type { Params } from '../src/tuning/index.js';
import { splitTunedParams } from './ml/train-config.js';
import { trainSettingsSchema } from './train-settings.js';
import { studyConfig, tuneConfigSchema } from '../src/tuning/tune-config.js';
import type { TrialRecord } from '../src/tuning/index.js';
import { describeSel, resolveSelection, selectionInputs } from './selection.js';

const modelRef = z
  .union([z.string().min(1), z.object({ best: z.string().min(1) }).strict()])
  .describe('the architecture to tune: a name or { best: <train stage> }');

const tuneParams = tuneConfigSchema.extend({ ...trainingKeys, model: modelRef });
type TuneParams = z.infer<typeof tuneParams>;

const asSelection = (m: TuneParams['model']) => (typeof m === 'string' ? [m] : m);

/** A trial's unit: its training, plus the trial's number and sampled params (recorded, and part of its key). */
/** trial null: the starting configuration (no search-space overrides) */
type TrialPayload = FitPayload & { trial: number | null; params: Params };

const tune: StageKind<TuneParams, TrialPayload, FitLocals> = {
  kind: 'tune',
  description: 'tune one architecture: search space, sampler, pruner, trial budget',
  params: tuneParams,
  usesTraining: true,
  inherits: ['train', 'model_params', 'task'],
  inputs: (p) => ({ data: [p.data], files: [], ...selectionInputs(asSelection(p.model), ['model']) }),
  validate(p, others) {
    const problems: { path: (string | number)[]; message: string; hint?: string }[] = [];
    const trainKeys = Object.keys(trainSettingsSchema.shape);
    for (const key of Object.keys(p.space)) {
      if (key.startsWith('train.')) {
        const k = key.slice(6);
        if (!trainKeys.includes(k))
          problems.push({ path: ['space', key], message: `'${k}' is not a training setting`, hint: `tunable training settings: ${trainKeys.join(', ')}` });
      } else if (!key.startsWith('model.')) {
        problems.push({
          path: ['space', key],
          message: `search-space keys start with 'train.' (a training setting) or 'model.' (a model hyperparameter), got '${key}'`,
          hint: `e.g. train.lr or model.filters`,
        });
      }
    }
    problems.push(...taskIssues(p));
    if (typeof p.model !== 'string' && others[p.model.best] && others[p.model.best]!.kind !== 'train') {
      problems.push({ path: ['model', 'best'], message: `best: ${p.model.best} must name a train stage (it is ${others[p.model.best]!.kind})` });
    }
    return problems;
  },
  describeSelection: (p, fresh) => describeSel(asSelection(p.model), fresh),
  async run(ctx) {
    const p = ctx.params;
    const model = resolveSelection(asSelection(p.model), ctx.resultsOf).models[0]!;
    // the samplers and pruners load when a tune stage runs, not with every command
    const { createStudy, earlierRecords, trialsCsv } = await import('../src/tuning/index.js');
    const study = createStudy(studyConfig(p));
    const locals = dataLocals(ctx, p.data) satisfies FitLocals;
    const done: TrialRecord[] = [];
    const dirs = new Map<number, string>();
    // The starting configuration (the untuned model_params and train settings) is trained first, as
    // Optuna's enqueue_trial habit has it: the stage never returns a configuration worse than it started.
    const startPayload: FitPayload = {
      model,
      modelHash: modelHash(ctx, model),
      hp: { ...(p.model_params[model] ?? {}) },
      train: p.train,
      seed: ctx.seed,
      data: ctx.fingerprint.data[p.data]!,
      valFraction: p.val_fraction,
      splitSeed: ctx.seed,
      ...taskPayload(p.task),
    };
    ctx.progress(`tuning ${model}: the starting configuration, then ${study.budget} trials in batches of ${study.batchSize}`);
    const [startUnit] = await ctx.runUnits([{ id: 'start', payload: { ...startPayload, trial: null, params: {} }, locals, cores: startPayload.train.threads }]);
    const startSummary = JSON.parse(await readFile(join(startUnit!.dir, 'summary.json'), 'utf8')) as FitSummary;
    const startValue = startSummary.status === 'diverged' ? null : startSummary.bestVal;
    for (;;) {
      const batch = study.nextBatch(done);
      if (!batch.length) break;
      const units = batch.map((trial) => {
        const split = splitTunedParams(trial.params);
        const payload: FitPayload = {
          model,
          modelHash: modelHash(ctx, model),
          hp: { ...(p.model_params[model] ?? {}), ...split.model },
          train: mergeSettings(p.train, split.train),
          seed: ctx.seed,
          data: ctx.fingerprint.data[p.data]!,
          valFraction: p.val_fraction,
          splitSeed: ctx.seed,
          ...taskPayload(p.task),
          pruning: { pruner: p.pruner, earlier: earlierRecords(trial.number, study.batchSize, done) },
        };
        return {
          id: `trial-${trial.number}`,
          label: trial.params as Record<string, Json>,
          payload: { ...payload, trial: trial.number, params: trial.params },
          locals,
          cores: payload.train.threads,
        };
      });
      const outcomes = await ctx.runUnits(units);
      for (const [i, u] of outcomes.entries()) {
        const trial = batch[i]!;
        const s = JSON.parse(await readFile(join(u.dir, 'summary.json'), 'utf8')) as FitSummary;
        const hist = existsSync(join(u.dir, 'history.json'))
          ? (JSON.parse(await readFile(join(u.dir, 'history.json'), 'utf8')) as { val: number[] })
          : { val: [] };
        done.push({
          number: trial.number,
          params: trial.params,
          state: s.status === 'diverged' ? 'failed' : s.status === 'pruned' ? 'pruned' : 'complete',
          value: s.bestVal,
          intermediate: hist.val,
          epochs: s.epochs,
          seconds: await unitSeconds(u.dir),
        });
        dirs.set(trial.number, u.dir);
      }
      ctx.progress(`${done.length}/${study.budget} trials, best ${study.best(done)?.value?.toPrecision(4) ?? '–'}`);
    }
    const sampled = study.best(done);
    // Ties go to the starting configuration: a search that found nothing better changes nothing.
    const keepStart = startValue !== null && (sampled?.value == null || startValue <= sampled.value);
    if (!sampled && !keepStart) {
      throw new PipeError('stage-failed', `every trial of ${model} and its starting configuration failed or were pruned before reporting a loss`, {
        hint: 'widen the search space or lower the learning-rate range',
      });
    }
    const best = keepStart ? { params: {}, value: startValue, number: null } : { params: sampled!.params, value: sampled!.value, number: sampled!.number };
    if (keepStart) ctx.progress(`no trial beat the starting configuration (${startValue!.toPrecision(4)}): keeping it`);
    done.sort((a, b) => a.number - b.number);
    await writeFile(
      join(ctx.outDir, 'best.json'),
      JSON.stringify({ model, params: best.params, value: best.value, trial: best.number, start: { value: startValue }, data: p.data }, null, 1),
    );
    await writeFile(join(ctx.outDir, 'trials.json'), JSON.stringify(done, null, 1));
    await writeFile(join(ctx.outDir, 'trials.csv'), trialsCsv(done));
    const dest = join(ctx.outDir, 'models', model);
    await mkdir(dest, { recursive: true });
    await cp(best.number === null ? startUnit!.dir : dirs.get(best.number)!, dest, { recursive: true });
    return {
      volatile: ['trials.json', 'trials.csv'],
      metrics: {
        model,
        best_value: best.value,
        best_trial: best.number,
        start_value: startValue,
        best_params: best.params as Json,
        trials_run: {
          complete: done.filter((t) => t.state === 'complete').length,
          pruned: done.filter((t) => t.state === 'pruned').length,
          failed: done.filter((t) => t.state === 'failed').length,
        },
      },
    };
  },
  async runUnit(payload, ctx) {
    // fit-unit loads tfjs: only workers import it
    const { runFitUnit } = await import('./ml/fit-unit.js');
    await runFitUnit(payload, ctx.locals, ctx, { allowDiverged: true });
  },
};

async function unitSeconds(dir: string): Promise<number> {
  try {
    return Number((JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as { seconds: number }).seconds.toFixed(2));
  } catch {
    return 0;
  }
}

registerStageKind(tune);
