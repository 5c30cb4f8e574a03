/**
 * `pipe compare [RUN] [RUN] [--json]`: the params that differ between two runs (default: the last two;
 * `lock` is the committed lock) and their headline metrics old → new, with deltas.
 */
import { join } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { committedLock } from '../../runs/committed-lock.js';
import { compareRuns, type Comparison, type MetricChange } from '../../runs/run-compare.js';
import { comparableLock, comparableRun, loadRuns, resolveRun, type ComparableRun } from '../../runs/run-history.js';
import type { RunState } from '../../runs/run-state.js';
import { lockPathFor } from '../../cache/lock-file.js';
import { formatTable } from '../table.js';
import { pipeDirOf, shortValue } from './runs.js';

export interface CompareFlags {
  config: string;
  profile?: string;
  json?: boolean;
  all?: boolean;
}

function side(ref: string, runs: RunState[], flags: CompareFlags): ComparableRun {
  if (ref !== 'lock') return comparableRun(resolveRun(runs, ref));
  const configFile = join(process.cwd(), flags.config);
  const lockPath = lockPathFor(configFile, flags.profile);
  const lock = committedLock(lockPath, join(configFile, '..'));
  if (!lock)
    throw new PipeError('usage', `no committed lock to compare with (${lockPath})`, {
      hint: 'run `pipe run` and commit the lock, or compare two runs (`pipe runs` lists them)',
    });
  return comparableLock(lock);
}

/** The two sides: both named; one named (against the latest run, or the one before when it is the latest); none (the last two). */
export function pickSides(refs: string[], runs: RunState[]): [string, string] {
  if (refs.length > 2) throw new PipeError('usage', `pipe compare takes at most two runs, got ${refs.length}`, { hint: 'pipe compare [OLD] [NEW]' });
  const last = runs.at(-1)?.id;
  const before = runs.at(-2)?.id;
  if (refs.length === 2) return [refs[0]!, refs[1]!];
  if (refs.length === 1) {
    const named = refs[0] === 'lock' ? 'lock' : resolveRun(runs, refs[0]!).id;
    if (!last) throw new PipeError('usage', 'no run is recorded yet to compare with', { hint: '`pipe run` records one' });
    return named === last ? [before ?? 'lock', last] : [named, last];
  }
  if (!last || !before)
    throw new PipeError('usage', `pipe compare needs two runs; ${runs.length} recorded`, {
      hint: runs.length ? 'name one to compare with the committed lock: `pipe compare lock`' : '`pipe run` records a run',
    });
  return [before, last];
}

/** A metric key split for reading: rae_median.unet.test.test → rae_median, unet, test/test. */
export function metricParts(key: string): { metric: string; model: string; set: string } {
  const p = key.split('.');
  if (p.length === 4) return { metric: p[0]!, model: p[1]!, set: `${p[2]}/${p[3]}` };
  if (p.length === 2) return { metric: p[0]!, model: p[1]!, set: '' };
  return { metric: key, model: '', set: '' };
}

function deltaText(m: MetricChange): string {
  if (m.delta === undefined) return '';
  const rel = typeof m.old === 'number' && m.old !== 0 ? ` (${((m.delta / Math.abs(m.old)) * 100).toFixed(1)}%)` : '';
  return `${m.delta >= 0 ? '+' : ''}${m.delta.toPrecision(3)}${rel}`;
}

const num = (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : v === undefined ? '–' : shortValue(v));

export function printComparison(c: Comparison, all: boolean): string {
  let out = `pipe compare ${c.old} → ${c.new}\n`;
  out += c.params.length ? `params that differ (${c.params.length}):\n` : 'params: identical\n';
  if (c.params.length)
    out += formatTable([
      ['param', 'old → new', 'stages'],
      ...c.params.map((p) => [p.path, `${shortValue(p.old)} → ${shortValue(p.new)}`, p.stages.join(', ')]),
    ]);
  const shown = c.metrics.filter((m) => all || m.changed);
  out += `metrics: ${c.metrics.filter((m) => m.changed).length} of ${c.metrics.length} changed${all ? '' : ' (--all lists the unchanged too)'}\n`;
  if (shown.length) {
    out += formatTable([
      ['stage', 'metric', 'model', 'set', 'old → new', 'delta'],
      ...shown.map((m) => {
        const k = metricParts(m.key);
        return [m.stage, k.metric, k.model, k.set, m.changed ? `${num(m.old)} → ${num(m.new)}` : num(m.new), deltaText(m)];
      }),
    ]);
  }
  return out;
}

export async function compareCommand(refs: string[], flags: CompareFlags): Promise<number> {
  const runs = loadRuns(pipeDirOf(flags.config));
  const [a, b] = pickSides(refs, runs);
  const c = compareRuns(side(a, runs, flags), side(b, runs, flags));
  process.stdout.write(flags.json ? `${JSON.stringify(c)}\n` : printComparison(c, !!flags.all));
  return 0;
}
