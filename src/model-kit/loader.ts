/**
 * Loads model files (models/**\/*.ts of the package and of the user's project) at run time with tsx, so a
 * user adds an architecture by dropping a TypeScript file in, without a build step.
 *
 * A model file imports 'pipe-ml/models'. That specifier must reach THIS copy of api.ts/api.js — the one
 * whose registry the runner reads — whatever node_modules the user's project has (none, another pipe-ml
 * version, or this package in development under tsx). A module resolve hook maps it to the sibling
 * api module of this file; tsx runs with tsconfig disabled so a project's `paths` cannot redirect it.
 */
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PipeError } from '../failure/pipe-error.js';
import { findModelFiles } from './model-sources.js';
import { withSourceFile } from './registry.js';

export { modelSources, findModelFiles, type ModelSource } from './model-sources.js';

export const API_SPECIFIER = 'pipe-ml/models';

/** The api module beside this file: api.js in dist/, api.ts when running from source under tsx. */
export function apiModuleUrl(): string {
  const ext = path.extname(fileURLToPath(import.meta.url)) || '.js';
  return new URL(`./api${ext}`, import.meta.url).href;
}

/** The package root (holds the built-in models/ folder). */
export { packageRoot } from '../package-root.js';

/** What a user's stage-kind file imports (`registerStageKind`), mapped the same way. */
export const STAGES_SPECIFIER = 'pipe-ml/stages';

function stagesApiUrl(): string {
  const ext = path.extname(fileURLToPath(import.meta.url)) || '.js';
  return new URL(`../../stages/api${ext}`, import.meta.url).href;
}

/** Imports one TypeScript file of the user's project (a stage kind) with the same resolution as model files. */
export async function importTypeScript(file: string): Promise<void> {
  registerApiHook();
  await registerTsx();
  await import(pathToFileURL(file).href);
}

let hookRegistered = false;

function registerApiHook(): void {
  if (hookRegistered) return;
  // Also: a .ts file outside node_modules loads as an ES module even in a project whose package.json
  // lacks "type": "module" — otherwise tsx compiles it to CommonJS, whose require() bypasses this hook.
  const source = `
let targets;
export function initialize(data) { targets = data.targets; }
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(targets, specifier)) return { url: targets[specifier], shortCircuit: true };
  const resolved = await next(specifier, context);
  if (/\\.m?ts$/.test(new URL(resolved.url).pathname) && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/')) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(source)}`, {
    data: { targets: { [API_SPECIFIER]: apiModuleUrl(), [STAGES_SPECIFIER]: stagesApiUrl() } },
  });
  hookRegistered = true;
}

let tsxRegistered = false;

// tsx registered globally, not tsImport: tsImport tags every module it loads — node_modules included —
// with a namespace query, which would give model files their own copy of the registry and of tfjs.
async function registerTsx(): Promise<void> {
  if (tsxRegistered) return;
  const { register: registerTs } = await import('tsx/esm/api');
  registerTs({ tsconfig: false });
  tsxRegistered = true;
}

const loaded = new Set<string>();

/**
 * Imports every model file under `dirs` (each a project root holding models/) once; files already loaded
 * in this process are skipped, so calling it again after adding a directory is cheap.
 */
export function loadModelFiles(dirs: string[]): Promise<void> {
  // Serialised: registrations are attributed to "the file being imported", one at a time.
  const run = queue.then(() => loadNow(dirs));
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<void> = Promise.resolve();

async function loadNow(dirs: string[]): Promise<void> {
  const files = (await findModelFiles(dirs)).filter((f) => !loaded.has(f));
  if (files.length === 0) return;
  registerApiHook();
  // Load the api module first through the same resolution the model files get, so its side effects
  // (custom layer registration) happen once and before any model file runs.
  await import(apiModuleUrl());
  await registerTsx();
  for (const file of files) {
    loaded.add(file);
    await withSourceFile(file, async () => {
      try {
        await import(pathToFileURL(file).href);
      } catch (err) {
        if (err instanceof PipeError) throw err;
        throw new PipeError('config-invalid', `cannot load model file ${file}: ${(err as Error).message.split('\n')[0]}`, {
          cause: err,
          hint: `type-check it with: npx tsc --noEmit ${path.relative(process.cwd(), file)}`,
        });
      }
    });
  }
}
