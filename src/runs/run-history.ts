/**
 * The project's run history, read from .pipe/runs/: every run folded, a run named on the command line
 * (its id, a unique prefix of it, or `lock` for the committed lock) resolved, and either made into the
 * same comparable view (resolved params and headline metrics per stage).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LockFile } from '../cache/lock-file.js';
import { PipeError } from '../failure/pipe-error.js';
import { pidAlive } from '../runner/run-lock.js';
import type { RunStart } from './run-events.js';
import { listRunIds, readRunLog, runsDir } from './run-log.js';
import { foldRun, type RunState } from './run-state.js';


/** A run without a run-end line is still running only if its process holds this project's run lock. */
export function runIsAlive(pipeDir: string): (start: RunStart) => boolean {
  return (start) => {
    if (start.host !== hostname() || !pidAlive(start.pid)) return false;
    // the run lock (.pipe/run-lock) is held by the process named in .pipe/run.owner (src/runner/run-lock.ts)
    try {
      const owner = JSON.parse(readFileSync(join(pipeDir, 'run.owner'), 'utf8')) as { pid?: number; host?: string };
      return existsSync(join(pipeDir, 'run-lock')) && owner.pid === start.pid && owner.host === start.host;
    } catch {
      return false;
    }
  };
}

export function loadRun(pipeDir: string, id: string): RunState | undefined {
  const file = join(runsDir(pipeDir), `${id}.jsonl`);
  if (!existsSync(file)) return undefined;
  return foldRun(readRunLog(file), runIsAlive(pipeDir));
}

/** Every recorded run, oldest first (unreadable logs skipped). */
export function loadRuns(pipeDir: string): RunState[] {
  return listRunIds(runsDir(pipeDir))
    .map((id) => loadRun(pipeDir, id))
    .filter((r): r is RunState => r !== undefined);
}

/** What `pipe compare` compares: per stage, the resolved params and the headline metrics. */
export interface ComparableRun {
  label: string;
  params: Record<string, unknown>;
  metrics: Record<string, Record<string, unknown>>;
}

export function comparableRun(run: RunState): ComparableRun {
  return {
    label: run.id,
    params: Object.fromEntries(run.start.plan.map((p) => [p.name, p.parts.params])),
    metrics: run.end?.metrics ?? {},
  };
}

export function comparableLock(lock: LockFile, label = 'lock'): ComparableRun {
  return {
    label,
    params: Object.fromEntries(Object.entries(lock.stages).map(([s, e]) => [s, e.parts.params])),
    metrics: Object.fromEntries(Object.entries(lock.stages).map(([s, e]) => [s, e.metrics])),
  };
}

/** A run named by its id or a unique prefix. */
export function resolveRun(runs: RunState[], ref: string): RunState {
  const exact = runs.find((r) => r.id === ref);
  if (exact) return exact;
  const hits = runs.filter((r) => r.id.startsWith(ref));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) throw new PipeError('usage', `run '${ref}' is ambiguous: ${hits.map((r) => r.id).join(', ')}`, { hint: 'give more of the run id' });
  throw new PipeError('usage', `no run '${ref}' in .pipe/runs`, {
    hint: runs.length
      ? `recent runs: ${runs
          .slice(-3)
          .map((r) => r.id)
          .join(', ')} (see \`pipe runs\`), or \`lock\` for the committed lock`
      : 'no run is recorded yet: `pipe run` records one',
  });
}
