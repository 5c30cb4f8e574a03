/**
 * `pipe worker --redis URL --store URL [--concurrency N]`: run units from the BullMQ queue in this checkout
 * until SIGINT/SIGTERM (the units it was running go back to the queue).
 */
import { PipeError } from '../../failure/pipe-error.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { redisUrl, storeUrl } from '../../runner/executor-choice.js';
import { openSharedStore } from '../../cache/shared-store.js';
import { runWorker } from '../../runner/bullmq-worker.js';
import { windDownOnInterrupt } from '../interrupt.js';

export interface WorkerFlags extends GlobalOptions {
  redis?: string;
  store?: string;
  concurrency?: string;
}

export async function workerCommand(flags: WorkerFlags, signal: AbortSignal): Promise<number> {
  const concurrency = flags.concurrency === undefined ? 1 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new PipeError('usage', `--concurrency ${flags.concurrency}: expected a whole number from 1 to 256`);
  const ctx = await loadContext(flags);
  const store = openSharedStore(storeUrl(flags, ctx.pipeline, 'pipe worker'));
  // from here a Ctrl-C/SIGTERM winds down: the units this worker runs go back to the queue
  windDownOnInterrupt();
  const lockMs = process.env.PIPE_WORKER_LOCK_MS ? Number(process.env.PIPE_WORKER_LOCK_MS) : undefined;
  await runWorker(
    {
      redisUrl: redisUrl(flags, ctx.pipeline, 'pipe worker'),
      store,
      projectDir: ctx.pipeline.dir,
      pipeDir: ctx.paths.pipeDir,
      concurrency,
      backend: ctx.backend,
      log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
      lockMs,
    },
    signal,
  );
  return 0;
}
