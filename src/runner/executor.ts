/**
 * The executor: "run this unit of work with these inputs, give me its outputs". Locally that is a pool of
 * worker processes, a fresh one per unit (so a crash or out-of-memory in one unit does not take the runner
 * down, and no state leaks from one unit into the next). The BullMQ and Slurm executors implement the same
 * interface (bullmq-executor.ts, slurm-executor.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EpochReport, Json } from '../../stages/api.js';
import { fromFailure, PipeError, type Failure } from '../failure/pipe-error.js';

/** What a unit's key was computed from that a remote worker must have the same of, or refuse the unit. */
export interface UnitChecks {
  tool: string;
  tfjs: string;
  /** the backend part of the key ('none' for units that train nothing) */
  backend: string;
  /** project or package files (relative labels) whose content hash is part of the payload → their hash */
  files: Record<string, string>;
  /** model files (relative labels) whose hash (with their relative imports) is part of the payload */
  models: Record<string, string>;
}

export interface UnitJob {
  /** the unit's cache key (what decides its result) */
  key: string;
  checks: UnitChecks;
  stage: string;
  kind: string;
  id: string;
  payload: Json;
  locals: Json;
  outDir: string;
  workDir: string;
  projectDir: string;
  backend: string;
  /** cores the unit keeps busy; the pool counts them against its size (a unit wider than the pool runs alone) */
  cores: number;
}

export interface UnitDone {
  /** the backend a training unit used; undefined for units that train nothing */
  backend?: string;
  /** the scheduler's id for the unit's job (Slurm), shown next to the unit */
  jobId?: string;
}

/** progress from a running unit: a line for people and, after an epoch, the epoch as data */
export type OnProgress = (text: string, epoch?: EpochReport) => void;

export interface Executor {
  run(job: UnitJob, onProgress: OnProgress, onStart?: () => void): Promise<UnitDone>;
  close(): Promise<void>;
  /** stop everything now (Ctrl-C) */
  kill(): void;
}

/** The unit's process died (a signal, out of memory): worth retrying elsewhere, unlike a failure it reported. */
export class WorkerCrashError extends PipeError {}

interface Worker {
  child: ChildProcess;
  cores: number;
}

type Msg =
  | { type: 'progress'; text: string; epoch?: EpochReport }
  | { type: 'done'; backend: string }
  | { type: 'error'; failure: Failure };

export class ProcessPool implements Executor {
  private workers: Worker[] = [];
  private queue: { job: UnitJob; onProgress: OnProgress; onStart?: () => void; resolve: (d: UnitDone) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** the worker's entry point; tests give a stand-in */
    private readonly script: string = fileURLToPath(new URL('./worker-main.js', import.meta.url)),
  ) {}

  run(job: UnitJob, onProgress: OnProgress, onStart?: () => void): Promise<UnitDone> {
    if (this.closed) return Promise.reject(new PipeError('interrupted', 'the runner is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, onProgress, onStart, resolve, reject });
      this.pump();
    });
  }

  /** Starts queued units in order while their cores fit in the pool's size (`--jobs`). */
  private pump(): void {
    while (this.queue.length) {
      const cores = Math.min(Math.max(1, this.queue[0]!.job.cores), this.size);
      const inUse = this.workers.reduce((n, x) => n + x.cores, 0);
      if (inUse + cores > this.size) return;
      const item = this.queue.shift()!;
      this.dispatch(this.spawn(cores), item);
    }
  }

  private spawn(cores: number): Worker {
    const child = fork(this.script, [], { env: this.env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w: Worker = { child, cores };
    this.workers.push(w);
    child.on('exit', () => {
      this.workers = this.workers.filter((x) => x !== w);
    });
    return w;
  }

  private dispatch(w: Worker, item: (typeof this.queue)[number]): void {
    // One unit per process: tfjs names layers from process-wide counters, so a model built in a worker
    // that already built others would be saved with other layer names (different model.json bytes).
    const finish = () => {
      w.child.off('message', onMessage);
      w.child.off('exit', onExit);
      this.workers = this.workers.filter((x) => x !== w);
      if (w.child.connected) w.child.disconnect();
      this.pump();
    };
    const onMessage = (m: Msg) => {
      if (m.type === 'progress') item.onProgress(m.text, m.epoch);
      else if (m.type === 'done') {
        finish();
        item.resolve({ backend: m.backend });
      } else if (m.type === 'error') {
        finish();
        item.reject(fromFailure(m.failure));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      finish();
      const how = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
      const msg = `worker process ${how} while running unit '${item.job.id}'`;
      item.reject(this.closed ? new PipeError('interrupted', msg) : new WorkerCrashError('stage-failed', msg));
    };
    w.child.on('message', onMessage);
    w.child.on('exit', onExit);
    item.onStart?.();
    w.child.send({ type: 'unit', job: item.job });
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = this.workers.map((w) => new Promise<void>((r) => (w.child.exitCode !== null ? r() : w.child.once('exit', () => r()))));
    for (const w of this.workers) w.child.disconnect?.();
    await Promise.all(exits);
  }

  kill(): void {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new PipeError('interrupted', 'interrupted before it started'));
    for (const w of this.workers) w.child.kill('SIGTERM');
  }
}
