/**
 * The Slurm executor: one `sbatch --parsable` job per unit, running the hidden `pipe unit FILE` on the
 * compute node against the project on the shared filesystem (the unit's outputs land in the project's
 * cache there, its checkpoints in .pipe/work, exactly as for a local unit). Job states are polled in one
 * batched query per round with back-off (`sacct` where accounting exists, else `squeue`/`scontrol`); the
 * unit's progress lines come back through an events file per unit. Scheduler states become reasons in
 * words; NODE_FAIL/PREEMPTED/BOOT_FAIL are resubmitted a bounded number of times; Ctrl-C scancels.
 * Design anchor: Snakemake's Slurm executor plugin.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pipeline } from '../config/load.js';
import type { SlurmResources } from '../config/schema.js';
import { fromFailure, PipeError, type Failure } from '../failure/pipe-error.js';
import type { Executor, OnProgress, UnitDone, UnitJob } from './executor.js';
import type { EpochReport } from '../../stages/api.js';
import type { ProjectPaths } from './project.js';

/** One line of a unit's events file, written by `pipe unit` on the compute node. */
export type UnitEvent = { t: 'progress'; text: string; epoch?: EpochReport } | { t: 'done'; backend?: string } | { t: 'error'; failure: Failure };

export interface SlurmExecutorOptions {
  pipeline: Pipeline;
  paths: ProjectPaths;
  warn: (m: string) => void;
  /** a unit got a Slurm job id (progress output, --json) */
  onJob?: (stage: string, unit: string, jobId: string) => void;
  /** most resubmissions after NODE_FAIL / PREEMPTED / BOOT_FAIL */
  resubmits?: number;
}

interface Tracked {
  job: UnitJob;
  jobId: string;
  dir: string;
  log: string;
  events: string;
  read: number;
  started: boolean;
  resubmits: number;
  onProgress: OnProgress;
  onStart?: () => void;
  resolve: (d: UnitDone) => void;
  reject: (e: Error) => void;
}

const PIPE_BIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const RESUBMIT = new Set(['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'REQUEUED']);
const TERMINAL = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? String(err.message) : '') });
    });
  });
}

/** The sbatch options of a stage: top-level `slurm:` with the stage's own over it; extra options appended. */
export function sbatchOptions(top: SlurmResources | undefined, stage: Partial<SlurmResources> | undefined, cores: number): string[] {
  const r = { ...top, ...stage, extra: [...(top?.extra ?? []), ...(stage?.extra ?? [])] };
  const out = [`--cpus-per-task=${r.cpus_per_task ?? Math.max(1, cores)}`];
  if (r.partition) out.push(`--partition=${r.partition}`);
  if (r.time) out.push(`--time=${r.time}`);
  if (r.mem) out.push(`--mem=${r.mem}`);
  if (r.gres) out.push(`--gres=${r.gres}`);
  if (r.account) out.push(`--account=${r.account}`);
  if (r.qos) out.push(`--qos=${r.qos}`);
  return [...out, ...r.extra];
}

/** A scheduler state in words, as the unit's failure. */
export function stateFailure(state: string, jobId: string, exitCode: string, logTail: string, opts: string[]): PipeError {
  const tail = logTail ? `; the end of its log:\n${logTail}` : '';
  switch (state) {
    case 'OUT_OF_MEMORY': {
      const mem = opts.find((o) => o.startsWith('--mem='));
      return new PipeError('stage-failed', `Slurm job ${jobId} ran out of memory (OUT_OF_MEMORY${mem ? `, ${mem}` : ''})${tail}`, {
        hint: 'raise slurm.mem for this stage in pipeline.yaml and run again (finished units are cached)',
      });
    }
    case 'TIMEOUT':
      return new PipeError('stage-failed', `Slurm job ${jobId} hit its time limit (TIMEOUT)`, {
        hint: 'raise slurm.time for this stage; the next `pipe run` resubmits the unit and it resumes from its last epoch checkpoint',
      });
    case 'CANCELLED':
      return new PipeError('stage-failed', `Slurm job ${jobId} was cancelled (CANCELLED, e.g. scancel)`, {
        hint: 'run again: the unit resumes from its checkpoint',
      });
    case 'NODE_FAIL':
    case 'PREEMPTED':
    case 'BOOT_FAIL':
      return new PipeError('stage-failed', `Slurm job ${jobId} ended with ${state} (resubmissions used up)${tail}`);
    default:
      return new PipeError('stage-failed', `Slurm job ${jobId} ended with ${state} (exit code ${exitCode})${tail}`);
  }
}

export class SlurmExecutor implements Executor {
  private readonly tracked = new Map<string, Tracked>();
  private readonly runTag = `pipe-${randomBytes(3).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private delay = 500;
  private polling = false;
  private closed = false;
  private sacct?: Promise<boolean>;
  private checked?: Promise<void>;

  constructor(private readonly o: SlurmExecutorOptions) {}

  private check(): Promise<void> {
    this.checked ??= (async () => {
      const r = await run('sbatch', ['--version']);
      if (r.code !== 0) {
        throw new PipeError('executor-unavailable', `executor slurm: cannot run sbatch (${(r.stderr || r.stdout).trim() || `exit ${r.code}`})`, {
          hint: 'run pipe on a login node or inside an allocation where the Slurm commands are on PATH (SLURM_CONF set if needed)',
        });
      }
    })();
    return this.checked;
  }

  /** accounting present? (`sacct` answers without "accounting storage is disabled") */
  private hasSacct(): Promise<boolean> {
    this.sacct ??= run('sacct', ['-n', '-X', '-j', '1', '-o', 'JobID']).then((r) => r.code === 0 && !/disabled/i.test(r.stderr + r.stdout));
    return this.sacct;
  }

  async run(job: UnitJob, onProgress: OnProgress, onStart?: () => void): Promise<UnitDone> {
    if (this.closed) throw new PipeError('interrupted', 'the runner is shutting down');
    await this.check();
    const dir = join(this.o.paths.pipeDir, 'slurm', job.key);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const unitFile = join(dir, 'unit.json');
    await writeFile(unitFile, JSON.stringify(job));
    const t: Omit<Tracked, 'jobId' | 'resolve' | 'reject'> = {
      job,
      dir,
      log: join(dir, 'job.log'),
      events: join(dir, 'events.jsonl'),
      read: 0,
      started: false,
      resubmits: 0,
      onProgress,
      onStart,
    };
    const jobId = await this.submit(t);
    return new Promise<UnitDone>((resolve, reject) => {
      this.tracked.set(jobId, { ...t, jobId, resolve, reject });
      this.schedulePoll(true);
    });
  }

  private opts(job: UnitJob): string[] {
    return sbatchOptions(this.o.pipeline.slurm, this.o.pipeline.byName.get(job.stage)?.slurm, job.cores);
  }

  private async submit(t: Omit<Tracked, 'jobId' | 'resolve' | 'reject'>): Promise<string> {
    await rm(t.events, { force: true });
    t.read = 0;
    const script = join(t.dir, 'job.sh');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    await writeFile(script, `#!/bin/sh\ncd ${q(this.o.pipeline.dir)}\nexec ${q(process.execPath)} ${q(PIPE_BIN)} unit ${q(join(t.dir, 'unit.json'))}\n`, {
      mode: 0o755,
    });
    const args = ['--parsable', `--job-name=${this.runTag}`, `--output=${t.log}`, `--chdir=${this.o.pipeline.dir}`, ...this.opts(t.job), script];
    const r = await run('sbatch', args);
    const id = r.stdout.trim().split(';')[0] ?? '';
    if (r.code !== 0 || !/^\d+$/.test(id)) {
      throw new PipeError('executor-unavailable', `sbatch refused unit '${t.job.id}' of stage ${t.job.stage}: ${(r.stderr || r.stdout).trim()}`, {
        hint: 'check the slurm: settings (partition, time, mem, account, qos) of this stage in pipeline.yaml',
      });
    }
    this.o.onJob?.(t.job.stage, t.job.id, id);
    t.onProgress(`Slurm job ${id}`);
    return id;
  }

  private schedulePoll(soon = false): void {
    if (this.closed) return;
    if (soon) this.delay = 500;
    if (this.timer || this.polling) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.delay);
  }

  /** One batched state query for every job of the run; back-off while nothing changes. */
  private async poll(): Promise<void> {
    if (!this.tracked.size || this.closed) return;
    this.polling = true;
    let changed = false;
    try {
      const states = await this.states([...this.tracked.keys()]);
      for (const [id, t] of [...this.tracked]) {
        changed = (await this.readEvents(t)) || changed;
        const s = states.get(id);
        if (!s) continue;
        if (s.state === 'RUNNING' && !t.started) {
          t.started = true;
          t.onStart?.();
          changed = true;
        }
        if (TERMINAL.has(s.state)) {
          changed = true;
          await this.finish(t, s.state, s.exitCode);
        }
      }
    } catch (err) {
      this.o.warn(`Slurm status query failed (${(err as Error).message}); trying again`);
    } finally {
      this.polling = false;
    }
    this.delay = changed ? 500 : Math.min(this.delay * 1.5, Number(process.env.PIPE_SLURM_POLL_MAX_MS ?? 10_000));
    if (this.tracked.size) this.schedulePoll();
  }

  private async states(ids: string[]): Promise<Map<string, { state: string; exitCode: string }>> {
    const out = new Map<string, { state: string; exitCode: string }>();
    if (await this.hasSacct()) {
      const r = await run('sacct', ['-n', '-P', '-X', '-j', ids.join(','), '-o', 'JobID,State,ExitCode']);
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const [id, state, exitCode] = line.split('|');
        out.set(id!, { state: state!.split(' ')[0]!, exitCode: exitCode ?? '' });
      }
      return out;
    }
    const r = await run('squeue', ['-h', '--states=all', '-j', ids.join(','), '-o', '%i|%T']);
    if (r.code !== 0 && !/Invalid job id/i.test(r.stderr)) throw new Error(r.stderr.trim() || `squeue exit ${r.code}`);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [id, state] = line.split('|');
      out.set(id!, { state: state!, exitCode: '' });
    }
    // a finished job: its exit code from scontrol (squeue does not show it)
    for (const [id, s] of out) {
      if (TERMINAL.has(s.state)) {
        const sc = await run('scontrol', ['show', 'job', '-o', id]);
        s.exitCode = /ExitCode=(\S+)/.exec(sc.stdout)?.[1] ?? '';
      }
    }
    // gone from squeue and scontrol (MinJobAge passed): decide from the events file
    for (const id of ids) if (!out.has(id)) out.set(id, { state: 'COMPLETED', exitCode: '' });
    return out;
  }

  /** New lines of the unit's events file; true when there were any. */
  private async readEvents(t: Tracked): Promise<boolean> {
    if (!existsSync(t.events)) return false;
    const fh = await open(t.events, 'r');
    try {
      const { size } = await fh.stat();
      if (size <= t.read) return false;
      const buf = Buffer.alloc(size - t.read);
      await fh.read(buf, 0, buf.length, t.read);
      const text = buf.toString('utf8');
      const last = text.lastIndexOf('\n');
      if (last < 0) return false;
      t.read += Buffer.byteLength(text.slice(0, last + 1));
      for (const line of text.slice(0, last).split('\n')) {
        const e = JSON.parse(line) as UnitEvent;
        if (e.t === 'progress') {
          if (!t.started) {
            t.started = true;
            t.onStart?.();
          }
          t.onProgress(e.text, e.epoch);
        }
      }
      return true;
    } finally {
      await fh.close();
    }
  }

  private async outcome(t: Tracked): Promise<UnitEvent | undefined> {
    try {
      const lines = (await readFile(t.events, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as UnitEvent);
      return lines.reverse().find((e) => e.t !== 'progress');
    } catch {
      return undefined;
    }
  }

  private async finish(t: Tracked, state: string, exitCode: string): Promise<void> {
    const done = await this.outcome(t);
    if (state === 'COMPLETED' && done?.t === 'done') return this.settle(t, { backend: done.backend, jobId: t.jobId });
    if (done?.t === 'error' && state !== 'CANCELLED' && state !== 'TIMEOUT' && state !== 'OUT_OF_MEMORY') return this.settle(t, fromFailure(done.failure));
    if (RESUBMIT.has(state) && t.resubmits < (this.o.resubmits ?? 2)) {
      this.tracked.delete(t.jobId);
      t.resubmits++;
      try {
        const id = await this.submit(t);
        this.o.warn(`unit ${t.job.stage}/${t.job.id}: Slurm job ${t.jobId} ended with ${state}; resubmitted as job ${id} (it resumes from its checkpoint)`);
        this.tracked.set(id, { ...t, jobId: id, started: false });
      } catch (err) {
        t.reject(err as Error);
      }
      return;
    }
    this.settle(t, stateFailure(state === 'COMPLETED' ? 'FAILED' : state, t.jobId, exitCode || '?', logTail(t.log), this.opts(t.job)));
  }

  private settle(t: Tracked, r: UnitDone | Error): void {
    this.tracked.delete(t.jobId);
    if (r instanceof Error) t.reject(r);
    else {
      void rm(t.dir, { recursive: true, force: true });
      t.resolve(r);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Ctrl-C: scancel every job this run submitted that has not finished. */
  kill(): void {
    this.closed = true;
    clearTimeout(this.timer);
    const ids = [...this.tracked.keys()];
    if (ids.length) spawnSyncSafe('scancel', ids);
    for (const t of this.tracked.values()) t.reject(new PipeError('interrupted', `interrupted; Slurm job ${t.jobId} cancelled`));
    this.tracked.clear();
  }
}

function spawnSyncSafe(cmd: string, args: string[]): void {
  try {
    spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // nothing more to do on the way out
  }
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
