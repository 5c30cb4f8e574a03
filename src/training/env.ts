import { PipeError } from '../failure/pipe-error.js';
// The training engine's environment variables, read without loading tfjs: the runner puts the kernel
// switch into training stages' fingerprints, and the CLI refuses a bad value up front (one message, exit
// 2) instead of failing inside every worker.

/**
 * Threads per training (data-parallel shards) for trainModel() calls that set none (the bench, library
 * use); unset or 1 means off. `pipe run` passes `train.threads`, which is part of the cache key.
 */
export const THREADS_ENV = 'PIPE_TRAIN_THREADS';
/** `off` turns pipe's own SIMD kernels off (tfjs-backend-wasm's and the composite kernels run instead). */
export const SIMD_ENV = 'PIPE_SIMD_KERNELS';

export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[THREADS_ENV];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    throw new PipeError('usage', `${THREADS_ENV} must be an integer from 1 to 16 (threads per training), got '${raw}'`);
  }
  return n;
}

/**
 * A cap, in MiB, on each tfjs-wasm instance's heap (below the 4 GiB it can address): allocations past it
 * fail as out-of-memory, and `micro_batch: auto` plans against it. For sharing a small machine between
 * several trainings, and for tests. It changes what auto picks, so it is part of the fingerprint.
 */
export const HEAP_ENV = 'PIPE_WASM_HEAP_MB';

/** The heap cap in bytes, or null when unset. */
export function heapCapFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env[HEAP_ENV];
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 16 || n > 4095) {
    throw new PipeError('usage', `${HEAP_ENV} must be an integer from 16 to 4095 (MiB of wasm heap per training), got '${raw}'`);
  }
  return n * 2 ** 20;
}

export function simdKernelsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[SIMD_ENV] || 'on';
  if (v !== 'on' && v !== 'off') throw new PipeError('usage', `${SIMD_ENV} must be 'on' or 'off', got '${v}'`);
  return v === 'on';
}

/** What is wrong with the variables `pipe run` reads, one message each; empty when they are fine. */
export function environmentProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const check of [simdKernelsEnabled, heapCapFromEnv]) {
    try {
      check(env);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems;
}
