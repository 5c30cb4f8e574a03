/**
 * `pipe runs [--limit N] [--json]`: the recorded runs, newest last: id, when, status, commit (with * when
 * the tree was dirty), profile, what changed since the run before, the headline metric, duration.
 */
import { PipeError } from '../../failure/pipe-error.js';
import { loadRuns } from '../../runs/run-history.js';
import { runSummary } from '../../runs/run-summary.js';
import { projectPaths } from '../../runner/project.js';
import { formatTable } from '../table.js';
import { join } from 'node:path';

export interface RunsFlags {
  config: string;
  limit?: string;
  json?: boolean;
}

export function parseLimit(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new PipeError('usage', `--limit ${v}: expected a whole number of at least 1`);
  return n;
}

/** The project's .pipe folder, without loading the pipeline (history must stay readable when the config is broken). */
export function pipeDirOf(config: string): string {
  return projectPaths(join(process.cwd(), config)).pipeDir;
}

export function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? '–');
  return s.length > 32 ? `${s.slice(0, 31)}…` : s;
}

function when(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function runsCommand(flags: RunsFlags): Promise<number> {
  const limit = parseLimit(flags.limit, 20);
  const runs = loadRuns(pipeDirOf(flags.config));
  const rows = runs.map((r, i) => runSummary(r, runs[i - 1])).slice(-limit);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ runs: rows })}\n`);
    return 0;
  }
  if (!rows.length) {
    process.stdout.write('no runs recorded yet: every `pipe run` that has work to do records one in .pipe/runs/\n');
    return 0;
  }
  const table = [
    ['run', 'when', 'status', 'commit', 'profile', 'changed since previous run', 'headline', 'time'],
    ...rows.map((r) => [
      r.id,
      when(r.started),
      r.status,
      r.commit ? `${r.commit.slice(0, 8)}${r.dirty ? '*' : ''}` : '–',
      r.profile ?? '–',
      r.changed.length
        ? r.changed
            .slice(0, 3)
            .map((c) => `${c.path}=${shortValue(c.new)}`)
            .join(', ') + (r.changed.length > 3 ? ` (+${r.changed.length - 3})` : '')
        : '–',
      r.headline ? `${r.headline.label} ${r.headline.value.toPrecision(4)}` : '–',
      `${r.seconds.toFixed(1)} s`,
    ]),
  ];
  process.stdout.write(formatTable(table));
  process.stdout.write(
    `${rows.length} of ${runs.length} run${runs.length === 1 ? '' : 's'} (commit * = uncommitted changes); \`pipe compare\` compares the last two\n`,
  );
  return 0;
}
