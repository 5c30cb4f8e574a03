/**
 * One stage's execution: fingerprint → fresh? → stage cache hit (restore)? → run the kind (its units on
 * the unit runner) → commit the stage's outputs → publish results/<stage> → update the lock. Never
 * throws: every failure becomes the stage's outcome, with its reason and hint.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatCache } from '../cache/stat-cache.js';
import type { CacheStore } from '../cache/store.js';
import type { Pipeline } from '../config/load.js';
import type { PlanEntry } from '../dag/plan.js';
import { asPipeError, PipeError } from '../failure/pipe-error.js';
import { getStageKind, isVolatile, type StageContext } from '../../stages/api.js';
import type { LockUpdates } from './lock-updates.js';
import type { ProjectPaths } from './project.js';
import type { Reporter, StageOutcome } from './reporter.js';
import { publishResults } from './results-dir.js';
import type { StageState } from './states.js';
import { UnitTally, type UnitRunner } from './unit-runner.js';

export interface StageExecutionDeps {
  pipeline: Pipeline;
  paths: ProjectPaths;
  store: CacheStore;
  stat: StatCache;
  lock: LockUpdates;
  units: UnitRunner;
  /** folder of a materialised data set (generated or loaded once per run) */
  dataDir(set: string): Promise<string>;
  reporter: Reporter;
  jobs: number;
  backend: string;
  signal: AbortSignal;
}

interface Produced {
  files: string;
  hashes: Record<string, string>;
  metrics: Record<string, unknown>;
  backend: string;
  volatile: string[];
}

export class StageExecution {
  private readonly t0 = performance.now();
  private readonly tally = new UnitTally();

  constructor(
    private readonly d: StageExecutionDeps,
    private readonly entry: PlanEntry,
    private readonly state: StageState,
  ) {}

  async execute(): Promise<StageOutcome> {
    const { entry } = this;
    const base = { name: entry.name, units: { ran: 0, reused: 0 }, reasons: entry.reasons };
    if (entry.action === 'fresh') return { ...base, status: 'fresh', seconds: 0 };
    this.d.reporter.stageStart(entry.name, entry.reasons);
    try {
      const restored = entry.forced ? undefined : await this.restore();
      if (restored) {
        await this.finish(restored);
        return { ...base, status: 'restored', seconds: this.seconds(), backend: restored.backend };
      }
      const produced = await this.run();
      await this.finish(produced);
      return { ...base, status: 'ran', seconds: this.seconds(), units: this.units(), backend: produced.backend };
    } catch (err) {
      const e = asPipeError(err);
      const interrupted = this.d.signal.aborted || e.reason === 'interrupted';
      return {
        ...base,
        status: 'failed',
        seconds: this.seconds(),
        units: this.units(),
        error: interrupted ? 'interrupted' : e.message,
        reason: interrupted ? 'interrupted' : e.reason,
        hint: e.hint,
      };
    }
  }

  private seconds(): number {
    return (performance.now() - this.t0) / 1000;
  }

  private units(): { ran: number; reused: number } {
    return { ran: this.tally.ran, reused: this.tally.reused };
  }

  /** The stage's committed outputs for this fingerprint, if the store has them. */
  private async restore(): Promise<Produced | undefined> {
    const hit = await this.d.store.get('stages', this.state.fingerprint);
    if (!hit) return undefined;
    const meta = hit.manifest.meta as { metrics?: Record<string, unknown>; backend?: string; volatile?: string[] };
    return {
      files: hit.files,
      hashes: hit.manifest.files,
      metrics: meta.metrics ?? {},
      backend: meta.backend ?? this.state.parts.backend,
      volatile: meta.volatile ?? [],
    };
  }

  private async run(): Promise<Produced> {
    const { d, entry, state: st } = this;
    const stage = d.pipeline.byName.get(entry.name)!;
    const kind = getStageKind(stage.kind)!;
    const tmp = await d.store.begin();
    try {
      const dirs: Record<string, string> = {};
      for (const set of stage.inputs.data) dirs[set] = await d.dataDir(set);
      const ctx: StageContext<unknown> = {
        stage: entry.name,
        kind: stage.kind,
        params: stage.params,
        projectDir: d.pipeline.dir,
        modelDirs: d.paths.modelDirs,
        outDir: join(tmp, 'files'),
        resultsOf: (s) => join(d.paths.results, s),
        dataDir: (set) => {
          const dir = dirs[set];
          if (!dir) throw new PipeError('internal', `stage ${entry.name} reads data set '${set}' it did not declare`);
          return dir;
        },
        runUnits: (specs) => d.units.run(entry.name, stage.kind, specs, st.parts, entry.forced, this.tally),
        progress: (m) => d.reporter.unitProgress(entry.name, entry.name, m),
        jobs: d.jobs,
        backend: d.backend,
        seed: d.pipeline.seed,
        signal: d.signal,
        fingerprint: { digest: st.fingerprint, data: st.parts.data, upstream: st.parts.upstream, models: st.parts.models, files: st.parts.files },
        modelContent: st.modelContent,
        force: entry.forced,
      };
      const result = await kind.run(ctx);
      const backend = this.tally.backends.size ? [...this.tally.backends].sort().join('+') : st.parts.backend;
      const volatile = result.volatile ?? [];
      const committed = await d.store.commit(
        'stages',
        st.fingerprint,
        tmp,
        { stage: entry.name, metrics: result.metrics, backend, units: this.tally.keys, volatile },
        { replace: entry.forced },
      );
      // the entry that stands (another runner may have committed the same fingerprint first)
      const meta = committed.manifest.meta as { metrics?: Record<string, unknown>; backend?: string; volatile?: string[] };
      return {
        files: committed.files,
        hashes: committed.manifest.files,
        metrics: meta.metrics ?? result.metrics,
        backend: meta.backend ?? backend,
        volatile: meta.volatile ?? volatile,
      };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Publish results/<stage> and record the stage in the lock. */
  private async finish(r: Produced): Promise<void> {
    const { d, entry, state: st } = this;
    await publishResults(d.paths.results, entry.name, r.files, r.hashes, d.stat);
    const outputs = Object.fromEntries(Object.entries(r.hashes).filter(([f]) => !isVolatile(f, r.volatile)));
    await d.lock.set(entry.name, {
      fingerprint: st.fingerprint,
      parts: st.parts,
      outputs,
      ...(r.volatile.length ? { volatile: r.volatile } : {}),
      metrics: r.metrics,
      backend: r.backend,
    });
  }
}
