/**
 * Where things live for one project: results/, .pipe/ (cache, work, state), pipeline.lock, and the
 * package's own folders (built-in models and stage kinds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { lockPathFor } from '../cache/lock-file.js';
import { packageRoot, toolVersion } from '../package-root.js';
import { HEAP_ENV, heapCapFromEnv, simdKernelsEnabled } from '../training/env.js';

export { packageRoot, toolVersion };

export interface ProjectPaths {
  dir: string;
  configFile: string;
  results: string;
  pipeDir: string;
  cache: string;
  work: string;
  state: string;
  lock: string;
  /** folders whose models/ holds model files: the package (built-ins), then the project */
  modelDirs: string[];
}

/** Each profile has its own results folder, so a `--profile ci` run never overwrites the default study's:
 *  results/ for the default, results-<profile>/ for a profile (profile names are validated like stage names). */
export function resultsFolderName(profile?: string): string {
  return profile ? `results-${profile}` : 'results';
}

/** A scratch root (pipe verify) moves results, cache, state and the lock away from the project's own. */
export function projectPaths(configFile: string, profile?: string, scratch?: string): ProjectPaths {
  const dir = dirname(configFile);
  const pipeDir = scratch ? join(scratch, '.pipe') : join(dir, '.pipe');
  const cache = scratch ? join(pipeDir, 'cache') : process.env.PIPE_CACHE_DIR ? resolve(process.env.PIPE_CACHE_DIR) : join(pipeDir, 'cache');
  const modelDirs = [...new Set([packageRoot(), dir])];
  return {
    dir,
    configFile,
    results: join(scratch ?? dir, resultsFolderName(profile)),
    pipeDir,
    cache,
    // unit work folders (checkpoints) belong to this project, never to a cache shared with others
    work: join(pipeDir, 'work'),
    state: join(pipeDir, 'state'),
    lock: scratch ? join(scratch, 'pipeline.lock') : lockPathFor(configFile, profile),
    modelDirs,
  };
}


/**
 * The backend `auto` will give, decided without loading tfjs: native TensorFlow when tfjs-node(-gpu) is
 * installed with its binding, else wasm. A forced backend is taken as is (the worker checks it loads).
 */
/**
 * The backend part of a training stage's fingerprint: the backend, marked when pipe's own wasm kernels are
 * turned off (PIPE_SIMD_KERNELS=off), whose results differ in the last bits and so must not share cache
 * entries or a lock with theirs.
 */
export function backendFingerprint(request: string): string {
  const backend = expectedBackend(request);
  if (backend !== 'wasm') return backend;
  // A heap cap changes what micro_batch: auto picks (see src/training/memory-plan.ts).
  const marks = [...(simdKernelsEnabled() ? [] : ['PIPE_SIMD_KERNELS=off']), ...(heapCapFromEnv() === null ? [] : [`${HEAP_ENV}=${process.env[HEAP_ENV]}`])];
  return marks.length ? `wasm (${marks.join(', ')})` : backend;
}

export function expectedBackend(request: string): string {
  if (request !== 'auto') return request;
  const req = createRequire(join(packageRoot(), 'package.json'));
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const pj = req.resolve(`${pkg}/package.json`);
      if (existsSync(join(dirname(pj), 'lib'))) {
        const libs = join(dirname(pj), 'lib');
        if (existsSync(join(libs, 'napi-v8', 'tfjs_binding.node')) || existsSync(join(libs, 'napi-v9', 'tfjs_binding.node'))) return 'tensorflow';
      }
    } catch {
      // not installed: fall through
    }
  }
  return 'wasm';
}
