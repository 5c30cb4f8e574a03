/**
 * The BullMQ executor: units go into a Redis queue as data (unit-transport.ts), `pipe worker` processes
 * on any machine run them, outputs come back as trees in the shared store. The job id is the unit key, so
 * a unit is never trained twice at once — a second runner of the same study waits for the first one's job
 * and reuses its outputs. Progress (epoch lines) arrives through BullMQ's queue events.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SharedStore } from '../cache/shared-store.js';
import { fromFailure, isFailureReason, PipeError, type Failure } from '../failure/pipe-error.js';
import type { Executor, OnProgress, UnitDone, UnitJob } from './executor.js';
import type { EpochReport } from '../../stages/api.js';
import { connectOrFail, QUEUE_NAME, redactUrl, redisClient } from './redis-connection.js';
import { UnitPacker, type WireUnit } from './unit-transport.js';

/** What a worker returns for a finished unit. */
export interface WireDone {
  tree: string;
  backend?: string;
  worker: string;
}

/** Progress a worker publishes: an epoch line, or a refusal (its checkout differs). */
export type WireProgress = { text: string; epoch?: EpochReport; worker: string } | { refused: string; worker: string };

/** A failure crosses Redis as JSON in the job's failedReason. */
export const FAILURE_PREFIX = 'pipe-failure:';

export function encodeFailure(f: Failure): string {
  return FAILURE_PREFIX + JSON.stringify(f);
}

export function decodeFailure(reason: string | undefined): PipeError {
  if (reason?.startsWith(FAILURE_PREFIX)) {
    try {
      const f = JSON.parse(reason.slice(FAILURE_PREFIX.length)) as Failure;
      if (isFailureReason(f.reason)) return fromFailure(f);
    } catch {
      // fall through
    }
  }
  return new PipeError('stage-failed', `the worker failed: ${reason ?? 'no reason given'}`);
}

interface Waiter {
  onProgress: OnProgress;
  onStart?: () => void;
  resolve: (d: WireDone) => void;
  reject: (e: Error) => void;
  started: boolean;
}

export interface BullmqExecutorOptions {
  redisUrl: string;
  store: SharedStore;
  /** folders whose contents travel through the store (results/, the cache) */
  uploadRoots: string[];
  projectDir: string;
  warn: (m: string) => void;
  /** how long Redis may be gone before the run gives up */
  lostAfterMs?: number;
}

export class BullmqExecutor implements Executor {
  private conn?: Redis;
  private eventsConn?: Redis;
  private removals: Promise<unknown>[] = [];
  private queue?: Queue;
  private events?: QueueEvents;
  private ready?: Promise<void>;
  private readonly waiters = new Map<string, Waiter>();
  private readonly packer: UnitPacker;
  private lostTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: BullmqExecutorOptions) {
    this.packer = new UnitPacker(o.store, o.uploadRoots, o.projectDir);
  }

  private start(): Promise<void> {
    this.ready ??= (async () => {
      const conn = redisClient(this.o.redisUrl, false);
      await connectOrFail(conn, this.o.redisUrl);
      this.conn = conn;
      const eventsConn = redisClient(this.o.redisUrl, true);
      await connectOrFail(eventsConn, this.o.redisUrl);
      this.eventsConn = eventsConn;
      this.queue = new Queue(QUEUE_NAME, { connection: conn });
      this.events = new QueueEvents(QUEUE_NAME, { connection: eventsConn });
      this.events.on('error', () => {});
      this.queue.on('error', () => {});
      await this.events.waitUntilReady();
      this.events.on('active', ({ jobId }) => this.started(jobId));
      this.events.on('progress', ({ jobId, data }) => {
        const w = this.waiters.get(jobId);
        if (!w) return;
        const p = data as WireProgress;
        if ('refused' in p) this.o.warn(`worker ${p.worker} refused unit ${jobId.slice(0, 12)}: ${p.refused}`);
        else {
          this.started(jobId);
          w.onProgress(p.text, p.epoch);
        }
      });
      this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, { value: returnvalue as unknown as WireDone | string }));
      this.events.on('failed', ({ jobId, failedReason }) => void this.onFailed(jobId, failedReason));
      // A lost Redis: give it a few seconds to come back, then fail every waiting unit (never hang).
      for (const c of [conn, eventsConn]) {
        c.on('close', () => this.onLost());
        c.on('ready', () => {
          if (conn.status === 'ready' && eventsConn.status === 'ready') clearTimeout(this.lostTimer), (this.lostTimer = undefined);
        });
      }
    })();
    return this.ready;
  }

  private onLost(): void {
    if (this.closed || this.lostTimer) return;
    this.lostTimer = setTimeout(() => {
      const err = new PipeError('executor-unavailable', `lost the connection to Redis at ${redactUrl(this.o.redisUrl)}`, {
        hint: 'restart redis-server and run again: finished units are cached, a unit in flight resumes from its checkpoint',
      });
      for (const [id, w] of this.waiters) {
        this.waiters.delete(id);
        w.reject(err);
      }
    }, this.o.lostAfterMs ?? 5000);
  }

  private started(jobId: string): void {
    const w = this.waiters.get(jobId);
    if (w && !w.started) {
      w.started = true;
      w.onStart?.();
    }
  }

  private settle(jobId: string, r: { value: WireDone | string } | { error: Error }): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    if ('error' in r) return w.reject(r.error);
    const v = typeof r.value === 'string' ? (JSON.parse(r.value) as WireDone) : r.value;
    w.resolve(v);
  }

  /** 'failed' also fires for an attempt that will be retried: only a job left in the failed state settles. */
  private async onFailed(jobId: string, failedReason: string): Promise<void> {
    if (!this.waiters.has(jobId)) return;
    const job = await this.queue!.getJob(jobId).catch(() => undefined);
    const state = job ? await job.getState().catch(() => 'unknown') : 'unknown';
    if (state === 'failed' || state === 'unknown') this.settle(jobId, { error: decodeFailure(failedReason) });
    else this.o.warn(`unit ${jobId.slice(0, 12)} will be retried: ${decodeFailure(failedReason).message}`);
  }

  async run(job: UnitJob, onProgress: OnProgress, onStart?: () => void): Promise<UnitDone> {
    if (this.closed) throw new PipeError('interrupted', 'the runner is shutting down');
    await this.start();
    const wire = await this.packer.pack(job);
    let done = await this.submit(wire, onProgress, onStart);
    try {
      await this.o.store.getTree(done.tree, job.outDir);
    } catch (err) {
      // an old finished job whose outputs were cleaned from the store: run it again
      if (!(err instanceof PipeError) || err.reason !== 'cache-corrupt') throw err;
      await (await this.queue!.getJob(job.key))?.remove().catch(() => {});
      done = await this.submit(wire, onProgress, onStart);
      await this.o.store.getTree(done.tree, job.outDir);
    }
    return { backend: done.backend };
  }

  private async submit(wire: WireUnit, onProgress: OnProgress, onStart?: () => void): Promise<WireDone> {
    const queue = this.queue!;
    const result = new Promise<WireDone>((resolve, reject) => this.waiters.set(wire.key, { onProgress, onStart, resolve, reject, started: false }));
    const existing = await queue.getJob(wire.key);
    let job: Job | undefined = existing;
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed') this.settle(wire.key, { value: existing.returnvalue as WireDone });
      else if (state === 'failed') {
        // a failure from an earlier run: this run tries again
        await existing.remove();
        job = undefined;
      } else this.o.warn(`unit ${wire.id} (${wire.key.slice(0, 12)}) is already queued or running for another runner; waiting for it`);
    }
    if (!job) {
      job = await queue.add(wire.stage, wire, {
        jobId: wire.key,
        attempts: 3,
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 24 * 3600 },
      });
    }
    // it may have finished between add and now (events only report what happens after we listen)
    const state = await job.getState();
    if (state === 'completed') this.settle(wire.key, { value: (await queue.getJob(wire.key))!.returnvalue as WireDone });
    else if (state === 'failed') this.settle(wire.key, { error: decodeFailure((await queue.getJob(wire.key))?.failedReason) });
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.lostTimer);
    await Promise.allSettled(this.removals);
    // with Redis gone BullMQ's close never settles: give it a moment, then drop the connections (ours:
    // BullMQ leaves connections it was given open)
    const brief = (p: Promise<unknown> | undefined) => Promise.race([p?.catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
    await brief(this.events?.close());
    await brief(this.queue?.close());
    this.eventsConn?.disconnect();
    this.conn?.disconnect();
  }

  /** Ctrl-C: jobs still waiting are removed; running ones finish on their workers and the next run reuses them. */
  kill(): void {
    this.closed = true;
    const ids = [...this.waiters.keys()];
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.reject(new PipeError('interrupted', 'interrupted'));
    }
    if (this.queue) {
      for (const id of ids) {
        this.removals.push(this.queue.getJob(id).then(async (j) => {
          if (j && ['waiting', 'delayed', 'prioritized'].includes(await j.getState())) await j.remove();
        }).catch(() => {}));
      }
    }
  }
}
