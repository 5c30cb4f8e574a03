/**
 * `pipe run [--stage S] [--force] [--dry-run] [--keep-going] [--jobs N] [--json] [--ui [--ui-port N]]`
 */
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { loadContext, states as computeStates, type GlobalOptions } from '../context.js';
import { makePlan, type PlanEntry } from '../../dag/plan.js';
import { windDownOnInterrupt } from '../interrupt.js';
import { didYouMean } from '../../config/load.js';
import { getStageKind } from '../../../stages/api.js';
import type { Reporter, StageOutcome } from '../../runner/reporter.js';
import { expectedBackend } from '../../runner/project.js';
import { executorName, makeExecutor } from '../../runner/executor-choice.js';
import { endRecord, startRecord } from '../run-record.js';
import type { RunRecorder } from '../../runs/run-recorder.js';
import { PlainReporter } from '../plain-reporter.js';

export interface RunFlags extends GlobalOptions {
  stage?: string[];
  force?: boolean;
  dryRun?: boolean;
  keepGoing?: boolean;
  jobs?: string;
  plots?: boolean;
  executor?: string;
  redis?: string;
  store?: string;
  ui?: boolean;
  uiPort?: string;
}

export function parseJobs(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new PipeError('usage', `--jobs ${v}: expected a whole number from 1 to 256`);
  return n;
}

export async function runCommand(flags: RunFlags, signal: AbortSignal): Promise<number> {
  const jobs = parseJobs(flags.jobs);
  if (flags.uiPort !== undefined && !flags.ui) throw new PipeError('usage', '--ui-port needs --ui', { hint: `pipe run --ui --ui-port ${flags.uiPort}` });
  const uiMod = flags.ui ? await import('./ui.js') : undefined;
  const uiPort = uiMod?.parsePort(flags.uiPort, '--ui-port') ?? 0;
  const ctx = await loadContext(flags);
  const p = ctx.pipeline;
  const targets = flags.stage?.flatMap((s) => s.split(',')).filter(Boolean);
  for (const t of targets ?? []) {
    if (!p.byName.has(t)) {
      throw new PipeError('usage', `--stage ${t}: no such stage${didYouMean(t, [...p.byName.keys()])}`, { hint: `stages: ${[...p.byName.keys()].join(', ')}` });
    }
  }
  executorName(flags, p);
  const states = await computeStates(ctx);
  const plan = makePlan(p.stages, states, targets, !!flags.force);
  const toRun = plan.filter((e) => e.action === 'run');
  const backend = expectedBackend(ctx.backend);
  // checked before --dry-run too: a plan that says "would run" must be one the real run can start
  if (ctx.backend === 'tensorflow' && expectedBackend('auto') !== 'tensorflow') {
    throw new PipeError('backend-unavailable', 'backend tensorflow was forced, but @tensorflow/tfjs-node(-gpu) is not installed with its native binding', {
      hint: 'on a machine that can download libtensorflow: npm install @tensorflow/tfjs-node-gpu (or tfjs-node); or use --backend wasm',
    });
  }
  checkResultsFolder(ctx.paths.results, ctx.pipeline.dir);
  if (flags.dryRun) {
    printPlan(plan, flags.json, ctx.pipeline.byName, (s) => (plan.find((e) => e.name === s)?.action === 'fresh' ? join(ctx.paths.results, s) : undefined));
    return 0;
  }
  const trains = toRun.some((e) => getStageKind(p.byName.get(e.name)!.kind)?.usesTraining);
  if (!flags.json && toRun.length)
    process.stderr.write(
      `pipe: ${toRun.length} stage${toRun.length > 1 ? 's' : ''} to run, ${jobs} job${jobs > 1 ? 's' : ''}` +
        `${trains ? `, backend ${backend}${ctx.backend === 'auto' ? ' (auto)' : ' (forced)'}` : ''}\n`,
    );
  // A no-op loads none of the run machinery (runner, executor, progress renderer, plots): start-up time.
  const listr = !flags.json && process.stderr.isTTY && !process.env.CI && toRun.length;
  const reporter: Reporter = listr ? new (await import('../listr-reporter.js')).ListrReporter(toRun.map((e) => e.name)) : new PlainReporter();
  let outcomes: StageOutcome[] = [];
  /** scheduler job ids per stage and unit (Slurm), for --json */
  const slurmJobs: Record<string, Record<string, string[]>> = {};
  let recorder: RunRecorder | undefined;
  if (toRun.length) {
    const [{ acquireRunLock }, { runPlan }, { renderAfterRun }] = await Promise.all([
      import('../../runner/run-lock.js'),
      import('../../runner/run.js'),
      import('./plot.js'),
    ]);
    windDownOnInterrupt();
    // the dashboard follows the newest run, so it can start before this run's record does
    const ui = uiMod ? await uiMod.serveDashboard(flags.config, '127.0.0.1', uiPort, '--ui-port') : undefined;
    if (ui) {
      const opened = uiMod!.openBrowser(ui.url);
      process.stderr.write(`pipe ui: ${ui.url} (this run's dashboard, read-only${opened ? '; opening a browser' : ''}; it stops when the run ends)\n`);
    }
    const lock = await acquireRunLock(
      ctx.paths.pipeDir,
      (pid, cmd) => reporter.info(`waiting for another pipe ${cmd} (pid ${pid}) in this project to finish…`),
      signal,
    );
    try {
      // Another run may have finished while we waited: decide again on what it left.
      const fresh = await loadContext(flags);
      const freshStates = await computeStates(fresh);
      const executor = await makeExecutor(
        flags,
        fresh.pipeline,
        fresh.paths,
        (m) => reporter.warn(m),
        (stage, unit, id) => {
          (slurmJobs[stage] ??= {})[unit] = [...(slurmJobs[stage]?.[unit] ?? []), id];
        },
      );
      const freshPlan = makePlan(fresh.pipeline.stages, freshStates, targets, !!flags.force);
      recorder = startRecord(
        fresh,
        freshStates,
        freshPlan,
        { config: flags.config, profile: flags.profile, sets: flags.set ?? [], jobs, expectedBackend: backend, targets: targets ?? [], force: !!flags.force },
        reporter,
      );
      outcomes = await runPlan({
        executor,
        pipeline: fresh.pipeline,
        paths: fresh.paths,
        states: freshStates,
        plan: freshPlan,
        lock: fresh.lock ?? { version: 1, pipeline: fresh.pipeline.name, profile: flags.profile ?? null, stages: {} },
        stat: fresh.stat,
        keepGoing: !!flags.keepGoing,
        jobs,
        backend: fresh.backend,
        reporter: recorder,
        signal,
      });
      if (flags.plots !== false && !signal.aborted) {
        const rendered = outcomes.filter((o) => o.status === 'ran' || o.status === 'restored').map((o) => o.name);
        if (rendered.length) await renderAfterRun(fresh, rendered, reporter);
      }
    } finally {
      if (recorder) endRecord(recorder, outcomes, ctx.paths.lock, signal.aborted);
      await reporter.close();
      lock.release();
      if (ui) {
        await ui.close();
        if (!flags.json) process.stderr.write(`pipe ui: stopped with the run (\`pipe ui\` serves the same page on its own)\n`);
      }
    }
  } else {
    outcomes = plan.map((e) => ({ name: e.name, status: 'fresh', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [] }));
    await ctx.stat.save().catch(() => undefined); // hashes just checked: the next call need not re-read them
    if (!flags.json) process.stderr.write(`nothing to do: ${plan.map((e) => e.name).join(', ')} ${plan.length === 1 ? 'is' : 'are'} fresh\n`);
    if (flags.ui) process.stderr.write('pipe ui: --ui: nothing runs, so no dashboard was started; `pipe ui` shows the recorded runs\n');
  }
  if (flags.json) {
    const row = (o: StageOutcome) => ({
      name: o.name,
      status: o.status,
      seconds: Number(o.seconds.toFixed(3)),
      units: o.units,
      ...(o.error ? { error: o.error } : {}),
      ...(o.status === 'skipped' ? { reason: o.reasons[0] } : {}),
      ...(slurmJobs[o.name] ? { jobs: slurmJobs[o.name] } : {}),
    });
    process.stdout.write(`${JSON.stringify({ stages: outcomes.map(row) })}\n`);
  } else if (toRun.length) {
    summarise(outcomes);
  }
  if (signal.aborted || outcomes.some((o) => o.error === 'interrupted')) {
    const cut = outcomes.filter((o) => o.status === 'failed').map((o) => o.name);
    throw new PipeError(
      'interrupted',
      `interrupted${cut.length ? ` during ${cut.join(', ')}` : ''}; finished units are cached and the next \`pipe run\` resumes from them`,
    );
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length) {
    const skipped = outcomes.filter((o) => o.status === 'skipped').map((o) => o.name);
    // One shared reason keeps its own exit code (bad data 3, a full disk 6, not enough memory 7, no
    // executor 8): those are not broken stages. A mix is a stage failure.
    const own = (['data-invalid', 'storage-full', 'out-of-memory', 'executor-unavailable'] as const).find((r) => failed.every((f) => f.reason === r));
    const reason = own ?? 'stage-failed';
    throw new PipeError(reason, `${failed.map((f) => f.name).join(', ')} failed${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}`, {
      hint: failed[0]!.hint ?? 'see the stage error above; fix it and run `pipe run` again (finished work is cached)',
    });
  }
  return 0;
}

/** results/ must be a folder (or absent): a file there would fail the first publish, after work was done. */
function checkResultsFolder(results: string, projectDir: string): void {
  let st;
  try {
    st = statSync(results);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    const shown = relative(process.cwd(), results) || results;
    throw new PipeError('usage', `${shown} is not a folder: pipe writes each stage's results into ${shown}/<stage>/`, {
      hint: `move or rename ${shown} (in ${projectDir})`,
    });
  }
}

function summarise(outcomes: StageOutcome[]): void {
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  const parts = ['ran', 'restored', 'fresh', 'failed', 'skipped'].filter((s) => count(s)).map((s) => `${count(s)} ${s}`);
  process.stderr.write(`pipe: ${parts.join(', ')}\n`);
}

function printPlan(
  plan: PlanEntry[],
  json: boolean | undefined,
  stages: Map<string, { kind: string; params: Record<string, unknown> }>,
  freshResultsOf: (s: string) => string | undefined,
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ plan: plan.map((e) => ({ name: e.name, action: e.action, reasons: e.reasons })) })}\n`);
    return;
  }
  for (const e of plan) {
    const st = stages.get(e.name)!;
    const sel = getStageKind(st.kind)?.describeSelection?.(st.params, freshResultsOf);
    process.stdout.write(
      `${e.action === 'run' ? 'would run' : 'fresh    '}  ${e.name}${e.action === 'run' ? `: ${e.reasons.join('; ')}` : ''}` +
        `${sel ? `\n           ${sel}` : ''}\n`,
    );
  }
}
