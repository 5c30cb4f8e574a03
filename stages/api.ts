/**
 * The stage-kind contract. A kind is an "inputs → outputs" unit the runner calls: it never reads another
 * stage's internals, only the committed results folders the runner hands it. Kinds register themselves
 * by name; a user adds one by dropping a file in the project's stages/ folder that calls registerStageKind.
 */
import type { z as zod } from 'zod';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * T itself when it is plain JSON data, with `never` wherever it is not (a function, a class instance's
 * methods, undefined, a bigint). A unit's payload and locals are hashed and sent to another process, so
 * the stage-kind API takes them through this: an interface such as `FitPayload` passes as it is, a value
 * that would not survive the trip fails to compile.
 */
export type JsonData<T> = T extends Json
  ? T
  : T extends readonly (infer E)[]
    ? JsonData<E>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { [K in keyof T]: JsonData<T[K]> }
        : never;

/** What a stage reads, known before it runs (so `pipe status` can fingerprint without running anything). */
export interface StageInputs {
  /** data set names (from the pipeline's data section) */
  data: string[];
  /** model names built, or a stage whose candidate models this stage may build */
  models: string[];
  modelsFrom?: string[];
  /** project files (relative paths or globs) whose bytes determine the result */
  files: string[];
  /** upstream stages referenced by selections; must be listed in `needs` */
  references: { stage: string; path: (string | number)[] }[];
}

/** One unit of a stage, typed by its kind's payload U and locals L (see StageKind). */
export interface UnitSpec<U = Json, L = Json> {
  /** human-readable, unique within the stage: an architecture name, "trial-3" */
  id: string;
  /** what this unit varies, for people (a trial's parameters): shown in run history and the dashboard, not hashed */
  label?: Record<string, Json>;
  /** everything that determines the unit's result; hashed into its cache key */
  payload: JsonData<U>;
  /** local details that do not change the result (folders of inputs); not hashed */
  locals?: JsonData<L>;
  /** cores the unit keeps busy (a training's `threads`); it takes that many of the runner's --jobs slots. Default 1 */
  cores?: number;
}

export interface UnitOutcome {
  id: string;
  key: string;
  /** committed, read-only folder holding the unit's outputs */
  dir: string;
  reused: boolean;
}

/** One finished epoch of a training unit, as data (run history and the dashboard draw curves from it). */
export interface EpochReport {
  /** 0-based */
  epoch: number;
  epochs: number;
  train: number;
  val: number;
  seconds: number;
}

export interface UnitProgress {
  (message: string, epoch?: EpochReport): void;
}

export interface StageContext<P, U = Json, L = Json> {
  stage: string;
  kind: string;
  params: P;
  projectDir: string;
  /** folders whose models/ subfolder holds model files: the package's built-ins, then the project's */
  modelDirs: string[];
  /** empty folder the stage writes its declared outputs into; the runner commits it atomically */
  outDir: string;
  /** committed results folder of an upstream stage */
  resultsOf(stage: string): string;
  /** folder of a materialised data set (x.npy, y.npy, simulation.npy, meta.json) */
  dataDir(set: string): string;
  /** run units in worker processes (cached individually); resolves in the order given */
  runUnits(units: UnitSpec<U, L>[]): Promise<UnitOutcome[]>;
  progress: UnitProgress;
  jobs: number;
  backend: string;
  seed: number;
  signal: AbortSignal;
  /** what this stage's fingerprint was computed from (data and upstream hashes, model sources …) */
  fingerprint: {
    digest: string;
    data: Record<string, string>;
    upstream: Record<string, string>;
    models: Record<string, { file: string; hash: string }>;
    files: Record<string, string>;
  };
  /** model → hash of its source's bytes (and relative imports), the file's name left out: for unit keys,
   *  which depend on content only (a renamed model file reuses its units; the fingerprint names the file) */
  modelContent: Record<string, string>;
  /** force: re-run units even when cached */
  force: boolean;
}

export interface UnitContext<L = Json> {
  stage: string;
  /** empty folder for the unit's outputs */
  outDir: string;
  /** stable folder for checkpoints; survives a kill, removed after the unit is committed */
  workDir: string;
  projectDir: string;
  backend: string;
  progress: UnitProgress;
  locals: L;
  /** the backend the unit actually trained on (recorded in pipeline.lock) */
  setBackend(name: string): void;
}

export interface StageResult {
  /** headline metrics recorded in pipeline.lock */
  metrics: Record<string, Json>;
  units?: { ran: number; reused: number };
  /** outputs that hold wall-clock timings (relative paths; '*' matches within a name): kept in results
   *  but left out of the lock's output hashes, so two runs of the same study give identical locks.
   *  Files named timing.json are always volatile. */
  volatile?: string[];
}

export function isVolatile(file: string, patterns: string[] = []): boolean {
  if (file === 'timing.json' || file.endsWith('/timing.json')) return true;
  return patterns.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(file));
}

/**
 * A stage kind over its params P, its units' payload U and their locals L. U and L tie the two sides of
 * the process boundary together: what `run` hands `ctx.runUnits` is what `runUnit` receives in the worker.
 */
export interface StageKind<P = any, U = any, L = any> {
  kind: string;
  description: string;
  /** zod schema of the stage's own keys (kind/needs/description are added by the config layer) */
  params: zod.ZodType<P>;
  /** does this kind need the ML training engine (workers load tfjs)? */
  usesTraining?: boolean;
  /** top-level sections (e.g. `train`, `model_params`) deep-merged under the stage's key of the same name */
  inherits?: string[];
  /** checks across stages (selections vs upstream lists); each problem names the path inside the stage */
  validate?(params: P, others: Record<string, { kind: string; params: unknown }>): { path: (string | number)[]; message: string; hint?: string }[];
  inputs(params: P): StageInputs;
  /** for --dry-run: what a selection resolves to, given the results folder of each fresh upstream stage */
  describeSelection?(params: P, freshResultsOf: (stage: string) => string | undefined): string | undefined;
  /** main process: plan units, combine their outputs into ctx.outDir */
  run(ctx: StageContext<P, U, L>): Promise<StageResult>;
  /** worker process: execute one unit */
  runUnit?(payload: U, ctx: UnitContext<L>): Promise<void>;
}

export { z } from 'zod';
/** Throw these from a stage kind (run or runUnit): the reason decides the exit code, the hint is shown. */
export { PipeError, type FailureReason } from '../src/failure/pipe-error.js';

const kinds = new Map<string, StageKind>();
const sources = new Map<string, string>();
let loadingFile: string | undefined;

export function registerStageKind<P, U, L>(kind: StageKind<P, U, L>): void {
  if (kinds.has(kind.kind)) throw new Error(`stage kind '${kind.kind}' is registered twice${loadingFile ? ` (again in ${loadingFile})` : ''}`);
  kinds.set(kind.kind, kind);
  if (loadingFile) sources.set(kind.kind, loadingFile);
}

/** The project file a user-defined kind came from (its bytes are part of the fingerprint). */
export function stageKindSource(kind: string): string | undefined {
  return sources.get(kind);
}

/** Registrations made while `fn` runs are attributed to `file`. */
export async function withStageSource(file: string, fn: () => Promise<void>): Promise<void> {
  loadingFile = file;
  try {
    await fn();
  } finally {
    loadingFile = undefined;
  }
}

export function getStageKind(name: string): StageKind | undefined {
  return kinds.get(name);
}

export function stageKinds(): StageKind[] {
  return [...kinds.values()];
}
