/**
 * `pipe run`: for each planned stage, in dependency order (independent stages side by side):
 * fingerprint → fresh? → cache hit (restore)? → execute → commit → publish results → update the lock.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashJson } from '../cache/hash.js';
import { writeLock, type LockFile } from '../cache/lock-file.js';
import type { StatCache } from '../cache/stat-cache.js';
import { CacheStore } from '../cache/store.js';
import { PipeError } from '../cli/errors.js';
import type { Pipeline } from '../config/load.js';
import { topoOrder } from '../dag/graph.js';
import { getStageKind, isVolatile, type StageContext, type UnitOutcome, type UnitSpec } from '../../stages/api.js';
import { dataHashes as computeDataHashes, materialiseData } from './data-sets.js';
import { ProcessPool, UnitError, type Executor } from './executor.js';
import type { ProjectPaths } from './project.js';
import { publishResults } from './results-dir.js';
import type { Reporter, StageOutcome } from './reporter.js';
import type { StageState } from './states.js';

export interface PlanEntry {
  name: string;
  action: 'run' | 'fresh';
  reasons: string[];
  /** --force on a target: bypass the stage and unit caches */
  forced: boolean;
}

/** Target stages plus their ancestors, post-order; a stage runs when stale, or when forced and a target. */
export function makePlan(p: Pipeline, states: StageState[], targets: string[] | undefined, force: boolean): PlanEntry[] {
  const byName = new Map(states.map((s) => [s.name, s]));
  const targetSet = new Set(targets ?? p.stages.map((s) => s.name));
  return topoOrder(p.stages, [...targetSet]).map((name) => {
    const st = byName.get(name)!;
    if (force && targetSet.has(name)) return { name, action: 'run', reasons: ['forced (--force)', ...st.reasons], forced: true };
    return { name, action: st.stale ? 'run' : 'fresh', reasons: st.reasons, forced: false };
  });
}

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
  const { pipeline: p, paths, reporter } = o;
  const store = new CacheStore(paths.cache, (m) => reporter.warn(m));
  const stateOf = new Map(o.states.map((s) => [s.name, s]));
  const outcomes = new Map<string, StageOutcome>();
  let executor = o.executor;
  const getExecutor = () => (executor ??= new ProcessPool(o.jobs));
  const onAbort = () => executor?.kill();
  o.signal.addEventListener('abort', onAbort);
  let lockWrites = Promise.resolve();
  let dataHashes: Record<string, string> | undefined;
  const dataDirs = new Map<string, Promise<string>>();
  let stopped = false;

  const runStage = async (entry: PlanEntry): Promise<StageOutcome> => {
    const st = stateOf.get(entry.name)!;
    const stage = p.byName.get(entry.name)!;
    const kind = getStageKind(stage.kind)!;
    const t0 = performance.now();
    const base = { name: entry.name, units: { ran: 0, reused: 0 }, reasons: entry.reasons };
    if (entry.action === 'fresh') return { ...base, status: 'fresh', seconds: 0 };
    reporter.stageStart(entry.name, entry.reasons);
    const finish = async (files: string, hashes: Record<string, string>, metrics: Record<string, unknown>, backend: string, volatile: string[]) => {
      await publishResults(paths.results, entry.name, files, hashes, o.stat);
      const outputs = Object.fromEntries(Object.entries(hashes).filter(([f]) => !isVolatile(f, volatile)));
      o.lock.stages[entry.name] = { fingerprint: st.fingerprint, parts: st.parts, outputs, ...(volatile.length ? { volatile } : {}), metrics, backend };
      lockWrites = lockWrites.then(() => writeLock(paths.lock, o.lock));
      await lockWrites;
    };
    if (!entry.forced) {
      const hit = await store.get('stages', st.fingerprint);
      if (hit) {
        const meta = hit.manifest.meta as { metrics?: Record<string, unknown>; backend?: string; volatile?: string[] };
        await finish(hit.files, hit.manifest.files, meta.metrics ?? {}, meta.backend ?? st.parts.backend, meta.volatile ?? []);
        return { ...base, status: 'restored', seconds: (performance.now() - t0) / 1000, backend: meta.backend };
      }
    }
    const tmp = await store.begin();
    const units = { ran: 0, reused: 0 };
    const unitKeys: string[] = [];
    const backends = new Set<string>();
    const ctx: StageContext<unknown> = {
      stage: entry.name,
      kind: stage.kind,
      params: stage.params,
      projectDir: p.dir,
      outDir: join(tmp, 'files'),
      resultsOf: (s) => join(paths.results, s),
      dataDir: (set) => {
        throw new PipeError('internal', `data set '${set}' was not materialised before the stage ran`);
      },
      runUnits: async (specs) => {
        const done = await runUnits(entry.name, stage.kind, st, specs, units, backends, entry.forced);
        unitKeys.push(...done.map((u) => u.key));
        return done;
      },
      progress: (m) => reporter.unitProgress(entry.name, entry.name, m),
      jobs: o.jobs,
      backend: o.backend,
      seed: p.seed,
      signal: o.signal,
      fingerprint: { digest: st.fingerprint, data: st.parts.data, upstream: st.parts.upstream, models: st.parts.models, files: st.parts.files },
      force: entry.forced,
    };
    try {
      const dirs: Record<string, string> = {};
      for (const set of stage.inputs.data) dirs[set] = await dataDir(set);
      ctx.dataDir = (set) => {
        const d = dirs[set];
        if (!d) throw new PipeError('internal', `stage ${entry.name} reads data set '${set}' it did not declare`);
        return d;
      };
      const result = await kind.run(ctx);
      const backend = backends.size ? [...backends].sort().join('+') : st.parts.backend;
      const committed = await store.commit('stages', st.fingerprint, tmp, { stage: entry.name, metrics: result.metrics, backend, units: unitKeys, volatile: result.volatile ?? [] });
      await finish(committed.files, committed.manifest.files, result.metrics, backend, result.volatile ?? []);
      return { ...base, status: 'ran', seconds: (performance.now() - t0) / 1000, units, backend };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const e = err as Error & { reason?: string; hint?: string };
      const interrupted = o.signal.aborted || e.reason === 'interrupted';
      return {
        ...base,
        status: 'failed',
        seconds: (performance.now() - t0) / 1000,
        units,
        error: interrupted ? 'interrupted' : e instanceof PipeError || e instanceof UnitError ? e.message : (e.stack ?? String(e)),
        reason: interrupted ? 'interrupted' : e.reason,
        hint: e.hint,
      };
    }
  };

  const dataDir = (set: string): Promise<string> => {
    let d = dataDirs.get(set);
    if (!d) {
      d = (async () => {
        dataHashes ??= await computeDataHashes(p, o.stat);
        return materialiseData(p, store, dataHashes, set, (m) => reporter.info(m));
      })();
      dataDirs.set(set, d);
    }
    return d;
  };

  const runUnits = async (stage: string, kind: string, st: StageState, specs: UnitSpec[], counts: { ran: number; reused: number }, backends: Set<string>, force: boolean): Promise<UnitOutcome[]> => {
    const ids = new Set<string>();
    for (const s of specs) {
      if (ids.has(s.id)) throw new PipeError('internal', `stage ${stage}: two units named '${s.id}'`);
      ids.add(s.id);
    }
    // Look everything up first, then dispatch the misses in the order given: with --jobs 1 units run in
    // declaration order, whatever order the cache lookups finish in.
    const keys = specs.map((spec) => hashJson({ kind, payload: spec.payload, tool: st.parts.tool, tfjs: st.parts.tfjs, backend: st.parts.backend }));
    const hits = await Promise.all(
      keys.map(async (key) => {
        if (force) {
          await rm(join(paths.work, key), { recursive: true, force: true });
          return undefined;
        }
        return store.get('units', key);
      }),
    );
    const settled = await Promise.allSettled(
      specs.map(async (spec, i): Promise<UnitOutcome> => {
        const key = keys[i]!;
        const hit = hits[i];
        if (hit) {
          counts.reused++;
          const b = (hit.manifest.meta as { backend?: string }).backend;
          if (b) backends.add(b);
          reporter.unitEnd(stage, spec.id, 'reused');
          return { id: spec.id, key, dir: hit.files, reused: true };
        }
        if (o.signal.aborted) throw new UnitError('interrupted before it started', 'interrupted');
        const workDir = join(paths.work, key);
        const tmp = store.beginSync();
        try {
          const done = await getExecutor().run(
            { stage, kind, id: spec.id, payload: spec.payload, locals: spec.locals ?? null, outDir: join(tmp, 'files'), workDir, projectDir: p.dir, backend: o.backend, cores: spec.cores ?? 1 },
            (text) => reporter.unitProgress(stage, spec.id, text),
            () => reporter.unitStart(stage, spec.id),
          );
          if (done.backend) backends.add(done.backend);
          const entry = await store.commit('units', key, tmp, { stage, unit: spec.id, backend: done.backend });
          await rm(workDir, { recursive: true, force: true });
          counts.ran++;
          reporter.unitEnd(stage, spec.id, 'ran');
          return { id: spec.id, key, dir: entry.files, reused: false };
        } catch (err) {
          await rm(tmp, { recursive: true, force: true });
          reporter.unitEnd(stage, spec.id, o.signal.aborted ? 'interrupted' : 'failed');
          if (err instanceof UnitError) throw new UnitError(`unit '${spec.id}': ${err.message}`, err.reason, err.hint);
          throw err;
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<UnitOutcome>).value);
  };

  // Schedule: a stage starts when everything it needs has finished well; independent stages overlap.
  const pending = new Map(o.plan.map((e) => [e.name, e]));
  const running = new Map<string, Promise<void>>();
  const failedStages = new Set<string>();
  try {
    while (pending.size || running.size) {
      for (const [name, entry] of pending) {
        const needs = p.byName.get(name)!.needs.filter((n) => o.plan.some((e) => e.name === n));
        const blockedBy = needs.find((n) => failedStages.has(n) || outcomes.get(n)?.status === 'skipped');
        if (blockedBy || (stopped && entry.action === 'run')) {
          pending.delete(name);
          const why = blockedBy ? `skipped: needs ${blockedBy}, which ${failedStages.has(blockedBy) ? 'failed' : 'was skipped'}` : 'skipped: an earlier stage failed';
          outcomes.set(name, { name, status: 'skipped', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [why] });
          reporter.stageEnd(outcomes.get(name)!);
          continue;
        }
        if (needs.every((n) => outcomes.has(n))) {
          pending.delete(name);
          running.set(
            name,
            runStage(entry).then((out) => {
              outcomes.set(name, out);
              running.delete(name);
              if (out.status === 'failed') {
                failedStages.add(name);
                if (!o.keepGoing || o.signal.aborted) stopped = true;
              }
              if (out.status !== 'fresh') reporter.stageEnd(out);
            }),
          );
        }
      }
      if (running.size) await Promise.race(running.values());
      else if (pending.size) throw new PipeError('internal', `scheduler stalled with ${[...pending.keys()].join(', ')} pending`);
    }
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await executor?.close();
    await o.stat.save();
  }
  return o.plan.map((e) => outcomes.get(e.name)!);
}
