/**
 * `evaluate`: scores upstream models and baselines (the dummy training mean, zero, persistence of an
 * input channel) on every part of the named sets, in physical units — per-sample RAE (Σ|y−ŷ| / Σ|y−ȳ|
 * over one sample's cells), MAE, RMSE, R² pooled over the part's cells — plus training time, inference
 * time per sample, parameter count and bytes on disk. One unit per model or baseline. Every part is
 * labelled with what the model saw of it (`seen`: train, val or null) and each model's skill against
 * the strongest baseline of that part (1 − error / baseline error).
 *
 * Outputs: metrics.json, metrics.csv, predictions/<model>/<set>-<part>.npy, targets/<set>-<part>.npy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { registerStageKind, type Json, type StageKind } from './api.js';
import { SET_NAMES } from '../src/data/set-names.js';
import { hashJson, hashTree } from '../src/cache/hash.js';
import { dataSetSchema, modelRoots, taskPayload } from './ml/common.js';
import { BASELINE_MODELS } from './ml/baselines.js';
import type { EvalLocals, EvalPayload, ModelEval, PartMetrics } from './ml/evaluate-unit.js';
import type { TaskModelEval } from './ml/evaluate-task-unit.js';
import { writeTaskMetrics } from './ml/task-report.js';
import { nonDefaultTask, taskOf, taskSchema } from './task-settings.js';
import type { Bins } from '../src/data/binning.js';
import { PipeError } from '../src/failure/pipe-error.js';
import { describeSel, resolveSelection, selectionInputs, selectionSchema } from './selection.js';

const evaluateParams = z.object({
  models: selectionSchema.describe('models to evaluate, e.g. { from: C }'),
  sets: z
    .array(dataSetSchema)
    .min(1)
    .default([...SET_NAMES]),
  dummy: z.boolean().default(true).describe('also evaluate the dummy predictor (training mean)'),
  dummy_set: dataSetSchema.default('big').describe('the set whose training part the dummy mean is fitted on'),
  baselines: z
    .object({
      zero: z.boolean().default(false).describe('also evaluate the zero predictor (0 everywhere)'),
      persistence: z
        .string()
        .min(1)
        .nullable()
        .default(null)
        .describe("also evaluate persistence: this input channel (in the target's unit) as the prediction, e.g. depth_t0"),
    })
    .strict()
    .prefault({}),
  clip_min: z.number().nullable().default(null).describe('raise model predictions below this to it before scoring (0 for a non-negative target); null = off'),
  val_fraction: z.number().gt(0).lt(1).default(0.2).describe('must match the training stages (same split)'),
  timing: z
    .object({ warmup: z.number().int().min(0).default(2), repeats: z.number().int().min(1).default(7), batch_size: z.number().int().min(1).default(16) })
    .strict()
    .prefault({}),
  task: taskSchema.optional().describe('what the models learnt (default regression; inherited from the top-level task:)'),
});
type EvaluateParams = z.infer<typeof evaluateParams>;

function sourceStage(p: EvaluateParams): string | undefined {
  const sel = p.models;
  if (Array.isArray(sel)) return undefined;
  return 'from' in sel ? sel.from : 'best' in sel ? sel.best : sel.of;
}

const evaluate: StageKind<EvaluateParams, EvalPayload, EvalLocals> = {
  kind: 'evaluate',
  description: 'evaluate models and the dummy baseline: RAE, MAE, RMSE, R², runtime, size',
  params: evaluateParams,
  usesTraining: true,
  inherits: ['task'],
  inputs: (p) => ({ data: [...new Set([...p.sets, ...(p.dummy ? [p.dummy_set] : [])])], files: [], ...selectionInputs(p.models, ['models']) }),
  validate(p) {
    if (Array.isArray(p.models))
      return [{ path: ['models'], message: 'evaluate takes the models of an upstream stage, e.g. { from: C }', hint: 'models: { from: <train stage> }' }];
    return [];
  },
  describeSelection: (p, fresh) => describeSel(p.models, fresh),
  async run(ctx) {
    const p = ctx.params;
    const from = sourceStage(p)!;
    const { models } = resolveSelection(p.models, ctx.resultsOf);
    const setNames = [...new Set(p.sets)];
    const dataDirs = Object.fromEntries([...new Set([...setNames, p.dummy_set])].map((s) => [s, ctx.dataDir(s)]));
    const evalDirs = Object.fromEntries(setNames.map((s) => [s, dataDirs[s]!]));
    const base = {
      sets: Object.fromEntries(setNames.map((s) => [s, ctx.fingerprint.data[s]!])),
      valFraction: p.val_fraction,
      splitSeed: ctx.seed,
      timing: p.timing,
      dummySet: p.dummy_set,
    };
    const taken = models.filter((m) => (BASELINE_MODELS as readonly string[]).includes(m));
    if (taken.length)
      throw new PipeError('config-invalid', `model name${taken.length > 1 ? 's' : ''} ${taken.join(', ')} of ${from} clash with evaluate's baselines`, {
        hint: `rename the model; ${BASELINE_MODELS.join(', ')} are reserved`,
      });
    const task = nonDefaultTask(p.task);
    const classification = task?.kind === 'classification';
    if (classification && (p.baselines.zero || p.baselines.persistence))
      throw new PipeError('config-invalid', `evaluate ${ctx.stage}: the zero and persistence baselines are for regression; this task is classification`, {
        hint: 'the classification baselines are the training prior (dummy) and the majority class',
      });
    const bins = checkModelTasks(ctx.resultsOf(from), models, taskOf(p.task).kind, ctx.stage);
    const baselines = [
      ...(p.dummy ? ['dummy'] : []),
      ...(p.dummy && classification ? ['majority'] : []),
      ...(p.baselines.zero ? ['zero'] : []),
      ...(p.baselines.persistence ? ['persistence'] : []),
    ];
    const all = [...models, ...baselines];
    // each model's unit is keyed on that model's own files (weights, config, scaler …), not on the
    // upstream stage's fingerprint: a change upstream that leaves this model alone re-evaluates nothing
    const modelHashes: Record<string, string> = {};
    for (const m of models) modelHashes[m] = `model:${hashJson(await hashTree(join(ctx.resultsOf(from), 'models', m)))}`;
    const sourceOf = (m: string) =>
      m === 'dummy' || m === 'majority'
        ? `${m}:${ctx.fingerprint.data[p.dummy_set]}`
        : m === 'zero'
          ? 'zero'
          : m === 'persistence'
            ? `persistence:${p.baselines.persistence}`
            : modelHashes[m]!;
    const units = all.map((m) => {
      const extra =
        m === 'persistence'
          ? { persistenceChannel: p.baselines.persistence! }
          : baselines.includes(m)
            ? {}
            : p.clip_min !== null
              ? { clipMin: p.clip_min }
              : {};
      const payload: EvalPayload = {
        ...base,
        model: m,
        source: sourceOf(m),
        ...extra,
        ...taskPayload(p.task),
        ...(bins && baselines.includes(m) ? { bins } : {}),
      };
      const fitted = m === 'dummy' || m === 'majority';
      const locals: EvalLocals = {
        modelDir: baselines.includes(m) ? null : join(ctx.resultsOf(from), 'models', m),
        dataDirs: fitted ? dataDirs : evalDirs,
        modelRoots: modelRoots(ctx),
      };
      if (fitted) locals.dataDirs = { ...evalDirs, ...(evalDirs[p.dummy_set] ? {} : { [p.dummy_set]: dataDirs[p.dummy_set]! }) };
      return { id: m, payload, locals };
    });
    const done = await ctx.runUnits(units);
    const metrics: Record<string, ModelEval & { from: string }> = {};
    for (const u of done) {
      const ev = JSON.parse(await readFile(join(u.dir, 'eval.json'), 'utf8')) as ModelEval;
      if (u.id === 'dummy' || u.id === 'majority') {
        // the dummy was given its fitting set only to fit; report the sets asked for
        for (const s of Object.keys(ev.sets)) if (!setNames.includes(s as never)) delete ev.sets[s];
        if (u.id === 'dummy') await cp(join(u.dir, 'targets'), join(ctx.outDir, 'targets'), { recursive: true });
      }
      metrics[u.id] = { from: baselines.includes(u.id) ? 'baseline' : from, ...ev };
      await mkdir(join(ctx.outDir, 'predictions', u.id), { recursive: true });
      await cp(join(u.dir, 'predictions'), join(ctx.outDir, 'predictions', u.id), { recursive: true });
    }
    const trainedOn = trainingSets(ctx.resultsOf(from));
    for (const [m, ev] of Object.entries(metrics)) {
      const fitted = m === 'dummy' || m === 'majority';
      const on = fitted ? p.dummy_set : trainedOn[m];
      for (const [set, parts] of Object.entries(ev.sets)) {
        for (const [part, pm] of Object.entries(parts)) pm.seen = on === set && (part === 'train' || (part === 'val' && !fitted)) ? part : null;
      }
    }
    if (classification || Object.values(metrics).some((ev) => (ev as unknown as TaskModelEval).target === 'vector')) {
      const headline = await writeTaskMetrics(ctx.outDir, metrics as unknown as Record<string, TaskModelEval & { from: string }>, baselines, taskOf(p.task));
      return { metrics: headline, volatile: ['metrics.json', 'metrics.csv'] };
    }
    addSkill(metrics, baselines);
    await writeFile(join(ctx.outDir, 'metrics.json'), JSON.stringify({ unit: 'm', baselines, models: metrics }, null, 1));
    await writeFile(join(ctx.outDir, 'metrics.csv'), metricsCsv(metrics));
    const headline: Record<string, Json> = {};
    for (const [m, ev] of Object.entries(metrics)) {
      for (const [set, parts] of Object.entries(ev.sets)) {
        for (const [part, pm] of Object.entries(parts)) {
          if (pm.raeSummary) headline[`rae_median.${m}.${set}.${part}`] = round(pm.raeSummary.median);
          headline[`mae.${m}.${set}.${part}`] = round(pm.mae);
          if (pm.skill?.mae) headline[`skill_mae.${m}.${set}.${part}`] = round(pm.skill.mae.value);
        }
      }
    }
    // metrics.json/.csv carry timings (training seconds, ms/sample); accuracy is pinned by the headline
    // metrics and the prediction arrays.
    return { metrics: headline, volatile: ['metrics.json', 'metrics.csv'] };
  },
  async runUnit(payload, ctx) {
    // evaluate-unit loads tfjs: only workers import it
    const { runEvaluation } = await import('./ml/evaluate-dispatch.js');
    await runEvaluation(payload, ctx.locals, ctx);
  },
};

/**
 * Refuses to score a model trained for another task than the evaluate stage's (its task.json; none:
 * regression). Returns the models' bin edges (task.bins), which must agree: the parts are labelled with them.
 */
function checkModelTasks(stageDir: string, models: string[], kind: string, stage: string): Bins | undefined {
  let bins: { model: string; bins: Bins } | undefined;
  for (const m of models) {
    const file = join(stageDir, 'models', m, 'task.json');
    const record = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { task: { kind: string }; bins?: Bins }) : undefined;
    const trained = record?.task.kind ?? 'regression';
    if (trained !== kind)
      throw new PipeError('config-invalid', `evaluate ${stage}: model '${m}' was trained for ${trained}, this stage's task is ${kind}`, {
        hint: 'declare the task once at the top level (task:) so training and evaluation share it, or set the same task: in this stage',
      });
    if (record?.bins && bins && JSON.stringify(record.bins) !== JSON.stringify(bins.bins))
      throw new PipeError(
        'config-invalid',
        `evaluate ${stage}: models '${bins.model}' and '${m}' were binned with different edges (trained on different data)`,
        {
          hint: 'evaluate models trained on the same set together, in one stage per set',
        },
      );
    if (record?.bins && !bins) bins = { model: m, bins: record.bins };
  }
  return bins?.bins;
}

/** Which data set each model of a train stage trained on (its config.json), so evaluate can label what it saw. */
function trainingSets(stageDir: string): Record<string, string | undefined> {
  const file = join(stageDir, 'config.json');
  if (!existsSync(file)) return {};
  return Object.fromEntries(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { data?: string }>).map(([m, c]) => [m, c.data]));
}

/**
 * Skill of each model on each part against that part's strongest baseline, per metric: 1 − error /
 * baseline error (> 0: better than every baseline; 0: as good as the best one).
 */
export function addSkill(metrics: Record<string, ModelEval>, baselines: string[]): void {
  const parts = new Set<string>();
  for (const ev of Object.values(metrics))
    for (const [set, ps] of Object.entries(ev.sets)) for (const part of Object.keys(ps)) parts.add(`${set}\u0000${part}`);
  for (const key of parts) {
    const [set, part] = key.split('\u0000') as [string, string];
    const of = (m: string) => metrics[m]?.sets[set]?.[part];
    const strongest = (value: (pm: PartMetrics) => number | null) => {
      let best: { vs: string; error: number } | null = null;
      for (const b of baselines) {
        const v = of(b) ? value(of(b)!) : null;
        if (v !== null && (best === null || v < best.error)) best = { vs: b, error: v };
      }
      return best;
    };
    const mae = strongest((pm) => pm.mae);
    const rae = strongest((pm) => pm.raeSummary?.median ?? null);
    for (const [m, ev] of Object.entries(metrics)) {
      const pm = ev.sets[set]?.[part];
      if (!pm || baselines.includes(m)) continue;
      const skill = (b: { vs: string; error: number } | null, e: number | null) =>
        b && e !== null && b.error > 0 ? { vs: b.vs, value: 1 - e / b.error } : null;
      pm.skill = { mae: skill(mae, pm.mae), rae: skill(rae, pm.raeSummary?.median ?? null) };
    }
  }
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

function metricsCsv(metrics: Record<string, ModelEval & { from: string }>): string {
  const rows = [
    'model,from,set,part,seen,n,rae_median,rae_q1,rae_q3,rae_mean,rae_undefined,mae_m,rmse_m,r2,' +
      'skill_mae,skill_rae,skill_vs,params,bytes,train_seconds,inference_ms_per_sample',
  ];
  for (const [m, ev] of Object.entries(metrics)) {
    for (const [set, parts] of Object.entries(ev.sets)) {
      for (const [part, pm] of Object.entries(parts)) {
        const s = pm.raeSummary;
        const k = pm.skill;
        rows.push(
          [
            m,
            ev.from,
            set,
            part,
            pm.seen ?? '',
            pm.n,
            s?.median ?? '',
            s?.q1 ?? '',
            s?.q3 ?? '',
            s?.mean ?? '',
            pm.raeUndefined,
            pm.mae,
            pm.rmse,
            pm.r2 ?? '',
            k?.mae?.value ?? '',
            k?.rae?.value ?? '',
            k?.mae?.vs ?? '',
            ev.params,
            ev.bytes,
            ev.trainSeconds ?? '',
            ev.inferenceMsPerSample ?? '',
          ].join(','),
        );
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

registerStageKind(evaluate);
