/**
 * `train`: trains a list of architectures on one data set, one cached unit per architecture (parallel up
 * to --jobs), and ranks them by best validation loss (ties: by name).
 *
 * Outputs: models/<model>/{model.json, weights.bin, history.json, scaler.json, summary.json},
 * ranking.json, config.json.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { registerStageKind, type StageKind } from './api.js';
import { dataLocals, mergeSettings, modelHash, taskIssues, taskPayload, trainingKeys } from './ml/common.js';
import type { FitLocals, FitPayload, FitSummary } from './ml/fit-unit.js';
import { splitTunedParams } from './ml/train-config.js';
import { rankingSpread } from '../src/metrics/bootstrap.js';
import { mulberry32 } from '../src/random/seeded-random.js';
import { describeSel, producedCount, resolveSelection, selectionInputs, selectionSchema, type Selection } from './selection.js';

const trainParams = z.object({
  ...trainingKeys,
  models: selectionSchema.describe('architectures: a list, or a selection such as { top: 4, of: A, tuned: B }'),
});

type TrainParams = z.infer<typeof trainParams>;

export interface RankingRow {
  model: string;
  bestVal: number | null;
  bestEpoch: number;
  params: number;
  /** the spread of the ranking: 95 % bootstrap interval of the validation loss over validation
   *  simulations, and how often (share of paired resamples) this model beats the next-ranked one */
  valInterval?: [number, number] | null;
  beatsNext?: number | null;
  valSimulations?: number;
  /** the training part's loss in inference mode (as validation is measured), beside the epoch's training-mode loss */
  trainInferenceLoss?: number | null;
  trainLoss?: number | null;
}

const BOOTSTRAP_RESAMPLES = 1000;

/** Adds each row's bootstrap spread; rows in ranking order, their unit folders by model. */
async function addSpread(rows: RankingRow[], dirs: Map<string, string>, seed: number): Promise<void> {
  const read = async (m: string) => {
    try {
      return JSON.parse(await readFile(join(dirs.get(m)!, 'samples.json'), 'utf8')) as {
        val: { simulation: number[]; loss: number[] };
        train_inference_loss: number | null;
      };
    } catch {
      return undefined; // a unit cached before samples.json existed
    }
  };
  const samples = await Promise.all(rows.map((r) => read(r.model)));
  const histories = await Promise.all(
    rows.map(async (r) => JSON.parse(await readFile(join(dirs.get(r.model)!, 'history.json'), 'utf8')) as { train: (number | null)[] }),
  );
  rows.forEach((r, i) => {
    r.trainLoss = histories[i]!.train[r.bestEpoch] ?? null;
    r.trainInferenceLoss = samples[i]?.train_inference_loss ?? null;
  });
  const ranked = rows.filter((r, i) => r.bestVal !== null && samples[i]);
  const spread = rankingSpread(
    ranked.map((r) => ({ model: r.model, ...samples[rows.indexOf(r)]!.val })),
    BOOTSTRAP_RESAMPLES,
    mulberry32(seed),
  );
  for (const s of spread) {
    const row = rows.find((r) => r.model === s.model)!;
    Object.assign(row, { valInterval: s.interval, beatsNext: s.beatsNext, valSimulations: s.simulations });
  }
}

const train: StageKind<TrainParams, FitPayload, FitLocals> = {
  kind: 'train',
  description: 'train architectures on a data set and rank them by validation loss',
  params: trainParams,
  usesTraining: true,
  inherits: ['train', 'model_params', 'task'],
  inputs: (p) => ({ data: [p.data], files: [], ...selectionInputs(p.models, ['models']) }),
  validate(p, others) {
    const taskProblems = taskIssues(p);
    if (taskProblems.length) return taskProblems;
    const sel = p.models as Selection;
    if (!Array.isArray(sel) && 'top' in sel) {
      const up = others[sel.of];
      const n = up ? producedCount(up, others) : undefined;
      if (n !== undefined && sel.top > n)
        return [
          {
            path: ['models', 'top'],
            message: `top ${sel.top} of ${sel.of}, but ${sel.of} trains only ${n} model${n === 1 ? '' : 's'}`,
            hint: `use top: ${n} or fewer`,
          },
        ];
      if (sel.tuned && others[sel.tuned] && others[sel.tuned]!.kind !== 'tune')
        return [{ path: ['models', 'tuned'], message: `tuned: ${sel.tuned} must be a tune stage (it is ${others[sel.tuned]!.kind})` }];
    }
    if (Array.isArray(sel) && new Set(sel).size !== sel.length) return [{ path: ['models'], message: 'a model is listed twice' }];
    return [];
  },
  describeSelection: (p, fresh) => describeSel(p.models, fresh),
  async run(ctx) {
    const p = ctx.params;
    const { models, tuned, tunedDecision } = resolveSelection(p.models, ctx.resultsOf);
    if (tunedDecision)
      ctx.progress(
        `${tunedDecision.model}: ${tunedDecision.applied ? 'tuned' : 'untuned'} configuration` +
          ` (${tunedDecision.reason}; tuned ${tunedDecision.tunedLoss}, untuned ${tunedDecision.untunedLoss})`,
      );
    const locals = dataLocals(ctx, p.data) satisfies FitLocals;
    const configs = models.map((model) => {
      let settings = p.train;
      let hp = { ...(p.model_params[model] ?? {}) };
      if (tuned?.model === model) {
        const split = splitTunedParams(tuned.params);
        settings = mergeSettings(settings, split.train);
        hp = { ...hp, ...split.model };
      }
      const payload: FitPayload = {
        model,
        modelHash: modelHash(ctx, model),
        hp,
        train: settings,
        seed: ctx.seed,
        data: ctx.fingerprint.data[p.data]!,
        valFraction: p.val_fraction,
        splitSeed: ctx.seed,
        ...taskPayload(p.task),
      };
      return payload;
    });
    ctx.progress(`training ${models.join(', ')} on '${p.data}'`);
    const done = await ctx.runUnits(configs.map((c) => ({ id: c.model, payload: c, locals, cores: c.train.threads })));
    const rows: RankingRow[] = [];
    for (const u of done) {
      const dest = join(ctx.outDir, 'models', u.id);
      await mkdir(dest, { recursive: true });
      await cp(u.dir, dest, { recursive: true });
      const s = JSON.parse(await readFile(join(u.dir, 'summary.json'), 'utf8')) as FitSummary;
      rows.push({ model: s.model, bestVal: s.bestVal, bestEpoch: s.bestEpoch, params: s.params });
    }
    rows.sort((a, b) => (a.bestVal ?? Infinity) - (b.bestVal ?? Infinity) || a.model.localeCompare(b.model));
    await addSpread(rows, new Map(done.map((u) => [u.id, u.dir])), ctx.seed);
    const sims = rows.find((r) => r.valSimulations !== undefined)?.valSimulations ?? 0;
    if (rows.length > 1 && sims < 2) {
      ctx.progress(
        `ranking: on ${sims} validation simulation — no spread can be estimated, the order is not established ` + '(raise split.small or val_fraction)',
      );
    } else {
      const close = rows.filter((r) => r.beatsNext != null && r.beatsNext < 0.9);
      const pairs = close.map((r) => `${r.model} over ${rows[rows.indexOf(r) + 1]!.model} in ${Math.round(r.beatsNext! * 100)} %`);
      if (pairs.length) ctx.progress(`ranking: order not clear on ${sims} validation simulations (paired bootstrap): ${pairs.join(', ')} of resamples`);
    }
    await writeFile(join(ctx.outDir, 'ranking.json'), JSON.stringify(rows, null, 1));
    // `data` names the set each model trained on: evaluate labels the parts a model saw, selection compares tuned and untuned losses on it.
    const configOf = (c: FitPayload) => ({
      data: p.data,
      hp: c.hp,
      train: c.train,
      tuned: tuned?.model === c.model ? tuned : undefined,
      tuned_decision: tunedDecision?.model === c.model ? tunedDecision : undefined,
    });
    await writeFile(join(ctx.outDir, 'config.json'), JSON.stringify(Object.fromEntries(configs.map((c) => [c.model, configOf(c)])), null, 1));
    return {
      metrics: {
        ranking: rows.map((r) => r.model),
        best: rows[0]?.model ?? null,
        best_val_loss: rows[0]?.bestVal ?? null,
        ...Object.fromEntries(rows.map((r) => [`val_loss.${r.model}`, r.bestVal])),
        ...(tunedDecision
          ? {
              tuned: {
                model: tunedDecision.model,
                applied: tunedDecision.applied,
                tuned_loss: tunedDecision.tunedLoss,
                untuned_loss: tunedDecision.untunedLoss,
              },
            }
          : {}),
      },
    };
  },
  async runUnit(payload, ctx) {
    // fit-unit loads tfjs: only workers import it
    const { runFitUnit } = await import('./ml/fit-unit.js');
    await runFitUnit(payload, ctx.locals, ctx, { allowDiverged: false });
  },
};

registerStageKind(train);
