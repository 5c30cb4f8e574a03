/**
 * `pipe plot [--stage S]`: re-render charts and report.html from results/, without training and without
 * loading tfjs. `pipe run` calls renderAfterRun for the stages it ran or restored.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { loadContext, states as computeStates, type Context, type GlobalOptions } from '../context.js';
import { didYouMean } from '../../config/load.js';
import type { Reporter } from '../../runner/reporter.js';
import type { StageState } from '../../runner/states.js';
import { readLock, type LockFile } from '../../cache/lock-file.js';

type PlotKind = 'train' | 'tune' | 'evaluate' | 'shell';

/** Stages with charts: the ML kinds (a shell stage's outputs are the user's own). */
function plotStages(ctx: Context) {
  return ctx.pipeline.stages.filter((s) => ['train', 'tune', 'evaluate'].includes(s.kind)).map((s) => ({ name: s.name, kind: s.kind as PlotKind }));
}

export async function renderAll(ctx: Context, only: string[] | undefined, log: (m: string) => void): Promise<{ images: string[]; report: string }> {
  const { plotStudy } = await import('../../plots/plot-study.js');
  const { writeReport } = await import('../../plots/report.js');
  const { readHeadlineMetrics } = await import('../../plots/metrics-table.js');
  const { plots } = ctx.pipeline;
  const plottable = new Set(plotStages(ctx).map((s) => s.name));
  only = only?.filter((s) => plottable.has(s));
  const images =
    only?.length === 0
      ? []
      : await plotStudy({
          resultsDir: ctx.paths.results,
          stages: plotStages(ctx),
          only,
          width: plots.width,
          height: plots.height,
          onSkip: (s, why) => log(`plot: ${s}: ${why}`),
        });
  const states = await computeStates(ctx);
  // The report shows every chart on disk, not only the ones just re-rendered.
  const order = ctx.pipeline.stages.map((s) => s.name);
  const dir = join(ctx.paths.results, 'plots');
  const stageOf = (f: string) => order.filter((s) => f.startsWith(`${s}-`)).sort((a, b) => b.length - a.length)[0];
  const all = existsSync(dir)
    ? (await readdir(dir))
        .filter((f) => f.endsWith('.png') && stageOf(f) !== undefined)
        .sort((a, b) => order.indexOf(stageOf(a)!) - order.indexOf(stageOf(b)!) || a.localeCompare(b))
        .map((f) => join(dir, f))
    : images;
  const evaluate = ctx.pipeline.stages.filter((s) => s.kind === 'evaluate').pop();
  const metricsFile = evaluate && join(ctx.paths.results, evaluate.name, 'metrics.json');
  const metricsTable = metricsFile && existsSync(metricsFile) ? await readHeadlineMetrics(metricsFile) : undefined;
  const { config, trials, timings } = await reportExtras(ctx, states);
  const { taskTables } = await import('./task-metrics.js');
  const evaluated = ctx.pipeline.stages
    .filter((s) => s.kind === 'evaluate')
    .map((s) => ({ stage: s.name, file: join(ctx.paths.results, s.name, 'metrics.json') }));
  const report = await writeReport({
    resultsDir: ctx.paths.results,
    title: `${ctx.pipeline.name}${ctx.pipeline.profile ? ` (profile ${ctx.pipeline.profile})` : ''}`,
    dag: {
      nodes: states.map((s) => ({ name: s.name, kind: s.kind, status: s.stale ? 'stale' : 'fresh', fingerprint: s.fingerprint })),
      edges: ctx.pipeline.stages.flatMap((s) => s.needs.map((n) => [n, s.name] as [string, string])),
    },
    metricsTable,
    taskTables: taskTables(evaluated.filter((e) => existsSync(e.file))),
    images: all,
    config,
    trials,
    timings,
  });
  return { images, report };
}

/** The report's resolved config (from the lock as it is now), tune stages' trials and the run history's timings. */
async function reportExtras(ctx: Context, states: StageState[]) {
  const { readResultJson, trialsSchema } = await import('../../plots/result-files.js');
  const { loadRuns } = await import('../../runs/run-history.js');
  const { stageTimings } = await import('../../runs/stage-timings.js');
  let lock: LockFile | undefined;
  try {
    lock = readLock(ctx.paths.lock);
  } catch {
    lock = undefined; // an unreadable lock: the current config is shown, marked as not run
  }
  const profile = ctx.pipeline.profile ?? null;
  const runs = loadRuns(ctx.paths.pipeDir).filter((r) => (r.start.profile ?? null) === profile);
  const lastRan = [...runs].reverse().find((r) => r.stages.some((s) => s.outcome?.status === 'ran'));
  const config = {
    profile,
    sets: lastRan?.start.sets,
    stages: states.map((s) => {
      const recorded = lock?.stages[s.name]?.parts;
      const parts = recorded ?? s.parts;
      return { name: s.name, kind: s.kind, params: parts.params, seed: parts.seed, backend: parts.backend, recorded: !!recorded };
    }),
  };
  const trials = [];
  for (const st of ctx.pipeline.stages.filter((x) => x.kind === 'tune')) {
    const file = join(ctx.paths.results, st.name, 'trials.json');
    if (existsSync(file)) trials.push({ stage: st.name, trials: await readResultJson(file, trialsSchema) });
  }
  const timings = stageTimings(
    runs,
    ctx.pipeline.stages.map((s) => s.name),
  );
  return { config, trials, timings };
}

export async function renderAfterRun(ctx: Context, stages: string[], reporter: Reporter): Promise<void> {
  try {
    const { images, report } = await renderAll(ctx, stages, (m) => reporter.info(m));
    if (images.length)
      reporter.info(
        `plots: ${images.length} chart${images.length === 1 ? '' : 's'} in ${relative(process.cwd(), join(ctx.paths.results, 'plots'))}` +
          `; report: ${relative(process.cwd(), report)}`,
      );
  } catch (err) {
    reporter.warn(`rendering plots failed: ${(err as Error).message} (results are complete; retry with \`pipe plot\`)`);
  }
}

export async function plotCommand(flags: GlobalOptions & { stage?: string[] }): Promise<number> {
  const ctx = await loadContext(flags);
  const only = flags.stage?.flatMap((s) => s.split(',')).filter(Boolean);
  for (const s of only ?? []) {
    if (!ctx.pipeline.byName.has(s)) throw new PipeError('usage', `--stage ${s}: no such stage${didYouMean(s, [...ctx.pipeline.byName.keys()])}`);
  }
  const t0 = performance.now();
  const { images, report } = await renderAll(ctx, only, (m) => process.stderr.write(`${m}\n`));
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (flags.json) process.stdout.write(`${JSON.stringify({ images, report, seconds: Number(secs) })}\n`);
  else
    process.stdout.write(
      `${images.map((i) => `  ${relative(process.cwd(), i)}`).join('\n')}\n` +
        `pipe plot: ${images.length} chart${images.length === 1 ? '' : 's'} and ${relative(process.cwd(), report)} in ${secs} s\n`,
    );
  return 0;
}
