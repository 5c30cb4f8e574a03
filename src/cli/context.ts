/**
 * What every command starts from: the validated pipeline, the project's paths, the lock, and (for the
 * commands that need it) each stage's fingerprint and freshness. Loads no tfjs.
 */
import { dirname, join, resolve } from 'node:path';
import { readLock, type LockFile } from '../cache/lock-file.js';
import { StatCache } from '../cache/stat-cache.js';
import { loadPipeline, type Pipeline } from '../config/load.js';
import { projectPaths, type ProjectPaths } from '../runner/project.js';
import { loadStageKinds } from '../runner/stage-kinds.js';
import { computeStates, type ModelSource, type StageState } from '../runner/states.js';
import { modelSources } from '../model-kit/model-sources.js';

export interface GlobalOptions {
  config: string;
  profile?: string;
  set?: string[];
  backend?: string;
  json?: boolean;
}

export interface Context {
  pipeline: Pipeline;
  paths: ProjectPaths;
  lock: LockFile | undefined;
  stat: StatCache;
  models: Map<string, ModelSource>;
  backend: string;
}

export async function loadContext(opts: GlobalOptions, scratch?: string): Promise<Context> {
  const cwd = process.cwd();
  // the project is the config's folder, wherever pipe is started from (-c /abs/path/pipeline.yaml)
  const configFile = resolve(cwd, opts.config);
  await loadStageKinds(dirname(configFile));
  const pre = projectPaths(configFile, opts.profile);
  const models = await modelSources(pre.modelDirs);
  const pipeline = loadPipeline({ file: opts.config, cwd, profile: opts.profile, sets: opts.set, models: [...models.keys()].sort() });
  const paths = projectPaths(pipeline.file, opts.profile, scratch);
  return {
    pipeline,
    paths,
    lock: readLock(paths.lock),
    stat: new StatCache(join(paths.state, 'hashes.json')),
    models,
    backend: opts.backend ?? pipeline.backend,
  };
}

export function states(ctx: Context): Promise<StageState[]> {
  return computeStates({ pipeline: ctx.pipeline, paths: ctx.paths, lock: ctx.lock, stat: ctx.stat, backend: ctx.backend, models: ctx.models });
}
