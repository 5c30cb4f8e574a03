/**
 * One run as a row of `pipe runs` and of the dashboard's runs table: when, status, commit, profile, the
 * params that changed since the run before it, the headline metric, each stage's state.
 */
import { compareRuns } from './run-compare.js';
import { comparableRun } from './run-history.js';
import { headline, type RunState } from './run-state.js';

export type RunSummary = ReturnType<typeof runSummary>;

export function runSummary(run: RunState, prev: RunState | undefined) {
  const changed = prev
    ? compareRuns(comparableRun(prev), comparableRun(run)).params.map((c) => ({ path: c.path, old: c.old, new: c.new, stages: c.stages }))
    : [];
  const h = headline(run.end?.metrics);
  return {
    id: run.id,
    started: new Date(run.start.t).toISOString(),
    ended: run.end ? new Date(run.end.t).toISOString() : null,
    seconds: Number((((run.end?.t ?? run.last) - run.start.t) / 1000).toFixed(1)),
    status: run.status,
    commit: run.start.git.commit,
    dirty: run.start.git.dirty,
    profile: run.start.profile,
    sets: run.start.sets,
    host: run.start.host,
    changed,
    headline: h ?? null,
    stages: run.stages.map((s) => ({ name: s.name, state: s.state, seconds: s.outcome ? Number(s.outcome.seconds.toFixed(1)) : null })),
  };
}
