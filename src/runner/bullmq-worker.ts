/**
 * `pipe worker`: takes units from the BullMQ queue and runs each in a fresh process (the local pool,
 * worker-main.ts), in this machine's own checkout. Before a unit runs, the worker checks that its checkout
 * has the same content for everything in the unit's key, and refuses the unit otherwise. Inputs come from
 * the shared store (verified trees); the unit's checkpoint folder goes to the store after every epoch, so
 * when this worker dies BullMQ's stalled-job check hands the unit to another worker, which resumes from it.
 * SIGINT/SIGTERM: the running units are stopped and put back in the queue.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DelayedError, Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { SharedStore } from '../cache/shared-store.js';
import { PipeError, toFailure } from '../failure/pipe-error.js';
import { encodeFailure, type WireDone, type WireProgress } from './bullmq-executor.js';
import { ProcessPool, WorkerCrashError } from './executor.js';
import { connectOrFail, QUEUE_NAME, redactUrl, redisClient } from './redis-connection.js';
import { backendDifference, checkoutDifferences, UnitUnpacker, type WireUnit } from './unit-transport.js';

export interface WorkerOptions {
  redisUrl: string;
  store: SharedStore;
  projectDir: string;
  /** this checkout's .pipe folder: downloaded trees, unit outputs and work folders */
  pipeDir: string;
  concurrency: number;
  /** the backend requested here (--backend); must agree with the unit key's */
  backend: string;
  log: (line: string) => void;
  /** BullMQ lock: a worker silent this long is presumed dead and its unit handed to another */
  lockMs?: number;
}

type WireData = WireUnit & { refusedBy?: string[]; firstRefusal?: number };

/** how long a unit every live worker refused waits for a matching worker to join before it fails */
const refusalGraceMs = () => Number(process.env.PIPE_REFUSAL_GRACE_MS ?? 10_000);

export async function runWorker(o: WorkerOptions, signal: AbortSignal): Promise<void> {
  const me = `${hostname()}:${process.pid}`;
  const conn = redisClient(o.redisUrl, true);
  await connectOrFail(conn, o.redisUrl);
  const queueConn = redisClient(o.redisUrl, false);
  await connectOrFail(queueConn, o.redisUrl);
  const queue = new Queue(QUEUE_NAME, { connection: queueConn });
  queue.on('error', () => {});
  const pool = new ProcessPool(o.concurrency);
  const unpacker = new UnitUnpacker(o.store, join(o.pipeDir, 'store-trees'), o.projectDir);
  let stopping = false;
  const lockMs = o.lockMs ?? 30_000;

  const processor = async (job: Job<WireData, WireDone>, token?: string): Promise<WireDone> => {
    const w = job.data;
    const backOff = async (ms: number) => {
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    };
    if (stopping) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const diffs = [...(await checkoutDifferences(w.checks, o.projectDir)), ...[backendDifference(w.checks, o.backend)].filter((d): d is string => !!d)];
    if (diffs.length) {
      const message = `unit '${w.id}' of stage ${w.stage}: ${diffs.join('; ')}`;
      if (!w.refusedBy?.includes(me)) {
        o.log(`refusing ${message}`);
        await job.updateProgress({ refused: message, worker: me } satisfies WireProgress);
      }
      const refusedBy = [...new Set([...(w.refusedBy ?? []), me])];
      const firstRefusal = w.firstRefusal ?? Date.now();
      await job.updateData({ ...w, refusedBy, firstRefusal });
      const live = await queue.getWorkersCount().catch(() => 0);
      if (refusedBy.length >= Math.max(1, live) && Date.now() - firstRefusal >= refusalGraceMs()) {
        throw new UnrecoverableError(
          encodeFailure({
            reason: 'worker-mismatch',
            message: `every worker refused it: ${message}`,
            hint: "check out the runner's commit (and npm install) on the workers",
          }),
        );
      }
      return backOff(500);
    }
    o.log(`unit ${w.stage}/${w.id} (${w.key.slice(0, 12)}) started`);
    const scratch = join(o.pipeDir, 'remote', `${Date.now()}-${randomBytes(4).toString('hex')}`);
    const outDir = join(scratch, 'files');
    const workDir = join(o.pipeDir, 'work', w.key);
    const ref = `checkpoints/${w.key}`;
    await mkdir(outDir, { recursive: true });
    try {
      await restoreCheckpoint(o.store, ref, workDir, (m) => o.log(m));
      const local = await unpacker.unpack(w, { outDir, workDir });
      // checkpoints go to the store one upload at a time, the latest wins
      let pending: Promise<void> = Promise.resolve();
      let dirty = false;
      const sync = () => {
        if (dirty) return;
        dirty = true;
        pending = pending
          .then(async () => {
            dirty = false;
            if (existsSync(workDir)) await o.store.setRef(ref, await o.store.putTree(workDir));
          })
          .catch((err) => o.log(`checkpoint upload failed: ${(err as Error).message}`));
      };
      const done = await pool.run(local, (text, epoch) => {
        void job.updateProgress({ text, ...(epoch ? { epoch } : {}), worker: me } satisfies WireProgress).catch(() => {});
        sync();
      });
      await pending;
      const tree = await o.store.putTree(outDir);
      await o.store.deleteRef(ref);
      await rm(workDir, { recursive: true, force: true });
      o.log(`unit ${w.stage}/${w.id} done`);
      return { tree, backend: done.backend, worker: me };
    } catch (err) {
      if (stopping) {
        o.log(`unit ${w.stage}/${w.id} stopped; back in the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const failure = toFailure(err);
      o.log(`unit ${w.stage}/${w.id} failed: ${failure.message}`);
      // a crash (signal, out of memory) may go better elsewhere; a failure the unit reported will not
      if (err instanceof WorkerCrashError) throw new Error(encodeFailure(failure));
      throw new UnrecoverableError(encodeFailure(failure));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  const worker: Worker<WireData, WireDone> = new Worker<WireData, WireDone>(QUEUE_NAME, processor, {
    connection: conn,
    concurrency: o.concurrency,
    name: me,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
  });
  worker.on('error', (err) => o.log(`worker error: ${err.message.replace(o.redisUrl, redactUrl(o.redisUrl))}`));
  await worker.waitUntilReady();
  o.log(`pipe worker ${me}: ${o.concurrency} slot${o.concurrency > 1 ? 's' : ''}, Redis ${redactUrl(o.redisUrl)}, store ${o.store.label}`);

  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  stopping = true;
  o.log('stopping: running units go back to the queue');
  pool.kill();
  await worker.close();
  await pool.close();
  await queue.close();
  conn.disconnect();
  queueConn.disconnect();
}

/** The unit's latest checkpoint from the store, unless this machine already has one. */
async function restoreCheckpoint(store: SharedStore, ref: string, workDir: string, log: (m: string) => void): Promise<void> {
  if (existsSync(workDir) && (await readdir(workDir)).length) return;
  const tree = await store.getRef(ref);
  if (!tree) return;
  const tmp = `${workDir}.part-${randomBytes(4).toString('hex')}`;
  try {
    await store.getTree(tree, tmp);
    await rm(workDir, { recursive: true, force: true });
    await rename(tmp, workDir);
    log(`resuming from the checkpoint in the store (${tree.slice(0, 12)})`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof PipeError) log(`checkpoint ${tree.slice(0, 12)} unusable (${err.message}); starting over`);
    else throw err;
  }
}
