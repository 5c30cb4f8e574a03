/**
 * `pipe run`: the scheduler decides which stages may start; each runs as a StageExecution (fingerprint →
 * fresh/restore/run → commit → lock), whose units go through the UnitRunner onto an Executor (a local
 * process pool unless one is given).
 */
import type { LockFile } from '../cache/lock-file.js';
import type { StatCache } from '../cache/stat-cache.js';
import { CacheStore, registerProject } from '../cache/store.js';
import type { Pipeline } from '../config/load.js';
import type { PlanEntry } from '../dag/plan.js';
import { DataSets } from './data-sets.js';
import { ProcessPool, type Executor } from './executor.js';
import { LockUpdates } from './lock-updates.js';
import type { ProjectPaths } from './project.js';
import type { Reporter, StageOutcome } from './reporter.js';
import { schedule } from './scheduler.js';
import { StageExecution } from './stage-execution.js';
import type { StageState } from './states.js';
import { UnitRunner } from './unit-runner.js';

export { makePlan, type PlanEntry } from '../dag/plan.js';

export interface RunOptions {
  pipeline: Pipeline;
  paths: ProjectPaths;
  states: StageState[];
  plan: PlanEntry[];
  lock: LockFile;
  stat: StatCache;
  keepGoing: boolean;
  jobs: number;
  backend: string;
  reporter: Reporter;
  signal: AbortSignal;
  executor?: Executor;
}

export async function runPlan(o: RunOptions): Promise<StageOutcome[]> {
  const { pipeline: p, paths, reporter, signal } = o;
  const store = new CacheStore(paths.cache, (m) => reporter.warn(m));
  registerProject(paths.cache, p.dir);
  let executor = o.executor;
  const getExecutor = () => (executor ??= new ProcessPool(o.jobs));
  const onAbort = () => executor?.kill();
  signal.addEventListener('abort', onAbort);
  const stateOf = new Map(o.states.map((s) => [s.name, s]));
  const data = new DataSets(p, store, o.stat, (m) => reporter.info(m), signal);
  const deps = {
    pipeline: p,
    paths,
    store,
    stat: o.stat,
    lock: new LockUpdates(paths.lock, o.lock),
    units: new UnitRunner({ store, workRoot: paths.work, projectDir: p.dir, backend: o.backend, executor: getExecutor, reporter, signal }),
    dataDir: (set: string) => data.dir(set),
    reporter,
    jobs: o.jobs,
    backend: o.backend,
    signal,
  };
  try {
    return await schedule({
      plan: o.plan,
      needsOf: (s) => p.byName.get(s)!.needs,
      keepGoing: o.keepGoing,
      signal,
      runStage: (entry) => new StageExecution(deps, entry, stateOf.get(entry.name)!).execute(),
      onEnd: (out) => reporter.stageEnd(out),
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    await executor?.close();
    store.close();
    await o.stat.save();
  }
}
