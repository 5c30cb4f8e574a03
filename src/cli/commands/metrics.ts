/**
 * `pipe metrics [--diff]`: the evaluation stage's headline table (model × set: what the model saw of
 * the part, median RAE, MAE, R², skill against the strongest baseline, params, ms/sample); with --diff,
 * compared with the committed pipeline.lock: changed rows marked, values old → new.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { formatTable } from '../table.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { committedLock } from '../../runs/committed-lock.js';
import { taskMetricsRows, taskMetricsTable } from './task-metrics.js';

interface Row {
  model: string;
  set: string;
  part: string;
  rae: number | null;
  mae: number;
  r2: number | null;
  params: number;
  ms: number | null;
  seen: string | null;
  skill: number | null;
  vs: string | null;
  raeSkill: number | null;
  raeVs: string | null;
}

export function metricsRows(metricsFile: string): Row[] {
  const m = JSON.parse(readFileSync(metricsFile, 'utf8')) as {
    models: Record<
      string,
      {
        params: number;
        inferenceMsPerSample: number | null;
        sets: Record<
          string,
          Record<
            string,
            {
              raeSummary: { median: number } | null;
              mae: number;
              r2: number | null;
              seen?: string | null;
              skill?: { mae: { vs: string; value: number } | null; rae: { vs: string; value: number } | null };
            }
          >
        >;
      }
    >;
  };
  const rows: Row[] = [];
  for (const [model, ev] of Object.entries(m.models)) {
    for (const [set, parts] of Object.entries(ev.sets)) {
      for (const [part, pm] of Object.entries(parts)) {
        rows.push({
          model,
          set,
          part,
          rae: pm.raeSummary?.median ?? null,
          mae: pm.mae,
          r2: pm.r2,
          params: ev.params,
          ms: ev.inferenceMsPerSample,
          seen: pm.seen ?? null,
          skill: pm.skill?.mae?.value ?? null,
          vs: pm.skill?.mae?.vs ?? null,
          raeSkill: pm.skill?.rae?.value ?? null,
          raeVs: pm.skill?.rae?.vs ?? null,
        });
      }
    }
  }
  return rows;
}

export async function metricsCommand(flags: GlobalOptions & { diff?: boolean }): Promise<number> {
  const ctx = await loadContext(flags);
  const ev = ctx.pipeline.stages.filter((s) => s.kind === 'evaluate').pop();
  if (!ev) throw new PipeError('usage', 'this pipeline has no evaluate stage, so there is no metrics table', { hint: 'add a stage with kind: evaluate' });
  const file = join(ctx.paths.results, ev.name, 'metrics.json');
  if (!existsSync(file))
    throw new PipeError('usage', `no metrics yet: ${file} is missing`, {
      hint: `run \`pipe run --stage ${ev.name}\`${flags.profile ? ` --profile ${flags.profile}` : ''} first`,
    });
  const scores = taskMetricsRows(file);
  if (scores) {
    if (flags.diff) {
      throw new PipeError('usage', '--diff compares RAE and MAE of map regression; this stage scored another task', {
        hint: 'run pipe metrics without --diff',
      });
    }
    process.stdout.write(flags.json ? `${JSON.stringify({ stage: ev.name, rows: scores })}\n` : taskMetricsTable(scores));
    return 0;
  }
  const rows = metricsRows(file);
  const locked = flags.diff ? committedLock(ctx.paths.lock, ctx.pipeline.dir)?.stages[ev.name]?.metrics : undefined;
  if (flags.diff && !locked)
    throw new PipeError('usage', `the committed lock has no metrics for stage ${ev.name}`, { hint: 'commit pipeline.lock after a run to compare against it' });
  const was = (r: Row) => {
    const key = `${r.model}.${r.set}.${r.part}`;
    return { rae: locked?.[`rae_median.${key}`], mae: locked?.[`mae.${key}`] };
  };
  const near = (a: unknown, b: number | null) =>
    (a === undefined && b === null) || (typeof a === 'number' && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));
  const raeChanged = (r: Row) => !!locked && !near(was(r).rae, r.rae === null ? null : Number(r.rae.toPrecision(6)));
  const maeChanged = (r: Row) => !!locked && !near(was(r).mae, Number(r.mae.toPrecision(6)));
  const changed = (r: Row) => raeChanged(r) || maeChanged(r);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({
        stage: ev.name,
        rows: rows.map((r) => ({ ...r, ...(flags.diff ? { changed: changed(r), locked: { rae: was(r).rae ?? null, mae: was(r).mae ?? null } } : {}) })),
      })}\n`,
    );
    return 0;
  }
  const fmt = (x: number | null, d = 4) => (x === null ? '–' : x.toFixed(d));
  const old = (v: unknown, d: number) => (typeof v === 'number' ? v.toFixed(d) : '–');
  const table = [
    [...(flags.diff ? [''] : []), 'model', 'set', 'part', 'seen', 'median RAE', 'MAE (m)', 'R²', 'RAE skill', 'MAE skill', 'params', 'ms/sample'],
    ...rows.map((r) => [
      ...(flags.diff ? [changed(r) ? '*' : ''] : []),
      r.model,
      r.set,
      r.part,
      r.seen ?? '–',
      // a changed value reads old → new (the lock keeps 6 significant digits)
      raeChanged(r) ? `${old(was(r).rae, 4)} → ${fmt(r.rae)}` : fmt(r.rae),
      maeChanged(r) ? `${old(was(r).mae, 5)} → ${fmt(r.mae, 5)}` : fmt(r.mae, 5),
      fmt(r.r2, 3),
      r.raeSkill === null ? '–' : `${fmt(r.raeSkill, 3)} vs ${r.raeVs}`,
      r.skill === null ? '–' : `${fmt(r.skill, 3)} vs ${r.vs}`,
      r.params.toLocaleString('en-US'),
      fmt(r.ms, 3),
    ]),
  ];
  process.stdout.write(formatTable(table));
  if (flags.diff) {
    const n = rows.filter(changed).length;
    process.stdout.write(
      n ? `${n} row${n === 1 ? '' : 's'} changed since the committed lock (marked *, values old → new)\n` : 'no change since the committed lock\n',
    );
  }
  return 0;
}
