/**
 * Which executor runs a study's units: `--executor` over `executor:` in pipeline.yaml (default local),
 * with its settings from flags, then the environment, then pipeline.yaml. Never part of a fingerprint.
 */
import type { Pipeline } from '../config/load.js';
import { EXECUTORS, type ExecutorName } from '../config/schema.js';
import { didYouMean } from '../config/load.js';
import { PipeError } from '../failure/pipe-error.js';
import type { Executor } from './executor.js';
import type { ProjectPaths } from './project.js';
import { parseRedisUrl } from './redis-connection.js';

export interface ExecutorFlags {
  executor?: string;
  redis?: string;
  store?: string;
}

export function executorName(flags: ExecutorFlags, p: Pipeline): ExecutorName {
  const name = flags.executor ?? p.executor;
  if (!(EXECUTORS as readonly string[]).includes(name)) {
    throw new PipeError('usage', `--executor ${name}: no such executor${didYouMean(name, [...EXECUTORS])}`, { hint: `executors: ${EXECUTORS.join(', ')}` });
  }
  return name as ExecutorName;
}

export function storeUrl(flags: ExecutorFlags, p: Pipeline | undefined, where: string): string {
  const url = flags.store ?? process.env.PIPE_STORE_URL ?? p?.store;
  if (!url)
    throw new PipeError('usage', `${where}: no shared store`, {
      hint: 'give --store dir:///shared/path (or PIPE_STORE_URL, or store: in pipeline.yaml): a folder the runner and every worker can reach',
    });
  return url;
}

export function redisUrl(flags: ExecutorFlags, p: Pipeline | undefined, where: string): string {
  return parseRedisUrl(flags.redis ?? process.env.PIPE_REDIS_URL ?? p?.redis, where);
}

/** The executor for a run, or undefined for the local pool (runPlan's default). */
export async function makeExecutor(
  flags: ExecutorFlags,
  p: Pipeline,
  paths: ProjectPaths,
  warn: (m: string) => void,
  onJob?: (stage: string, unit: string, id: string) => void,
): Promise<Executor | undefined> {
  const name = executorName(flags, p);
  if (name === 'local') return undefined;
  if (name === 'bullmq') {
    const redis = redisUrl(flags, p, '--executor bullmq');
    const { openSharedStore } = await import('../cache/shared-store.js');
    const store = openSharedStore(storeUrl(flags, p, '--executor bullmq'));
    const { BullmqExecutor } = await import('./bullmq-executor.js');
    return new BullmqExecutor({ redisUrl: redis, store, uploadRoots: [paths.results, paths.cache, paths.pipeDir], projectDir: p.dir, warn });
  }
  const { SlurmExecutor } = await import('./slurm-executor.js');
  return new SlurmExecutor({ pipeline: p, paths, warn, onJob });
}
