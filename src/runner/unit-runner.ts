/**
 * The unit runner: a stage's units on top of an Executor. Each unit is keyed on what decides its result
 * (its kind and payload, the tool, tfjs and backend versions), looked up in the store, and only the misses
 * are dispatched, in the order given. A finished unit is committed to the store at once, so a failure or a
 * Ctrl-C later in the stage loses none of it; its work folder (checkpoints) is removed after the commit.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashJson } from '../cache/hash.js';
import type { CacheStore } from '../cache/store.js';
import { PipeError } from '../failure/pipe-error.js';
import type { UnitOutcome, UnitSpec } from '../../stages/api.js';
import type { Executor, UnitChecks } from './executor.js';
import type { Reporter } from './reporter.js';

/** What a unit's key is made of besides its payload. */
export interface UnitKeyParts {
  tool: string;
  tfjs: string;
  backend: string;
  /** the stage's model sources and project files: those whose hash is in a payload are checked by remote workers */
  models?: Record<string, { file: string; hash: string }>;
  files?: Record<string, string>;
}

/** The files a unit's key depends on (their hash is in its payload), for a remote worker to compare with its checkout. */
export function unitChecks(payload: unknown, parts: UnitKeyParts): UnitChecks {
  const text = JSON.stringify(payload);
  const files: Record<string, string> = {};
  const models: Record<string, string> = {};
  for (const m of Object.values(parts.models ?? {})) if (text.includes(m.hash)) models[m.file] = m.hash;
  for (const [f, h] of Object.entries(parts.files ?? {})) if (text.includes(h)) files[f] = h;
  return { tool: parts.tool, tfjs: parts.tfjs, backend: parts.backend, files, models };
}

export function unitKey(kind: string, payload: unknown, parts: UnitKeyParts): string {
  return hashJson({ kind, payload, tool: parts.tool, tfjs: parts.tfjs, backend: parts.backend });
}

export interface UnitRunnerOptions {
  store: CacheStore;
  /** folder of unit work folders (checkpoints), one per unit key; per project, never shared */
  workRoot: string;
  projectDir: string;
  /** the backend requested (--backend) */
  backend: string;
  executor: () => Executor;
  reporter: Reporter;
  signal: AbortSignal;
}

/** What one stage's units did, for its outcome and its cache entry. */
export class UnitTally {
  ran = 0;
  reused = 0;
  readonly keys: string[] = [];
  readonly backends = new Set<string>();
}

export class UnitRunner {
  constructor(private readonly o: UnitRunnerOptions) {}

  async run(stage: string, kind: string, specs: UnitSpec[], parts: UnitKeyParts, force: boolean, tally: UnitTally): Promise<UnitOutcome[]> {
    const ids = new Set<string>();
    for (const s of specs) {
      if (ids.has(s.id)) throw new PipeError('internal', `stage ${stage}: two units named '${s.id}'`);
      ids.add(s.id);
    }
    // Look everything up first, then dispatch the misses in the order given: with --jobs 1 units run in
    // declaration order, whatever order the cache lookups finish in.
    const keys = specs.map((spec) => unitKey(kind, spec.payload, parts));
    this.o.reporter.unitsPlanned?.(stage, specs.map((s, i) => ({ id: s.id, key: keys[i]!, ...(s.label ? { label: s.label } : {}) })));
    const hits = await Promise.all(
      keys.map(async (key) => {
        if (force) {
          await rm(join(this.o.workRoot, key), { recursive: true, force: true });
          return undefined;
        }
        return this.o.store.get('units', key);
      }),
    );
    const settled = await Promise.allSettled(
      specs.map(async (spec, i): Promise<UnitOutcome> => {
        const key = keys[i]!;
        const hit = hits[i];
        if (hit) {
          tally.reused++;
          const b = (hit.manifest.meta as { backend?: string }).backend;
          if (b) tally.backends.add(b);
          this.o.reporter.unitEnd(stage, spec.id, 'reused', key);
          return { id: spec.id, key, dir: hit.files, reused: true };
        }
        return this.execute(stage, kind, spec, key, unitChecks(spec.payload, parts), tally, force);
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    tally.keys.push(...keys);
    return settled.map((s) => (s as PromiseFulfilledResult<UnitOutcome>).value);
  }

  private async execute(stage: string, kind: string, spec: UnitSpec, key: string, checks: UnitChecks, tally: UnitTally, force: boolean): Promise<UnitOutcome> {
    const { store, reporter, signal } = this.o;
    if (signal.aborted) throw new PipeError('interrupted', 'interrupted before it started');
    const workDir = join(this.o.workRoot, key);
    const tmp = store.beginSync();
    try {
      const done = await this.o.executor().run(
        {
          key,
          checks,
          stage,
          kind,
          id: spec.id,
          payload: spec.payload,
          locals: spec.locals ?? null,
          outDir: join(tmp, 'files'),
          workDir,
          projectDir: this.o.projectDir,
          backend: this.o.backend,
          cores: spec.cores ?? 1,
        },
        (text, epoch) => reporter.unitProgress(stage, spec.id, text, epoch),
        () => reporter.unitStart(stage, spec.id),
      );
      if (done.backend) tally.backends.add(done.backend);
      const entry = await store.commit('units', key, tmp, { stage, unit: spec.id, backend: done.backend }, { replace: force });
      await rm(workDir, { recursive: true, force: true });
      tally.ran++;
      reporter.unitEnd(stage, spec.id, 'ran', key);
      return { id: spec.id, key, dir: entry.files, reused: false };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      reporter.unitEnd(stage, spec.id, signal.aborted ? 'interrupted' : 'failed', key);
      if (err instanceof PipeError)
        throw new PipeError(err.reason, `unit '${spec.id}': ${err.message}`, { hint: err.hint, location: err.location, cause: err });
      throw err;
    }
  }
}
