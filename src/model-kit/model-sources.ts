/**
 * Which file registers which model, and a content hash per model — without loading tfjs or tsx, because
 * `pipe status` fingerprints every stage on every call. The hash covers the model file and every relative
 * file it imports (recursively), so editing models/unet.ts re-runs only the stages that build unet, and
 * editing a helper imported by two models re-runs both. Package imports (pipe-ml/models, tfjs) are not
 * followed: the tool and tfjs versions are separate fingerprint fields.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { PipeError } from '../failure/pipe-error.js';

export interface ModelSource {
  /** absolute path of the file that registers the model */
  file: string;
  /** sha256 (hex) over the file and its relative imports (the stage fingerprint's part) */
  hash: string;
  /** the same over the bytes alone, the model file's own name left out: what unit keys use, so a renamed
   *  file with the same bytes reuses its trainings */
  content: string;
}

/** Model files are models/**\/*.ts; files starting with _ (helpers, the template) and *.example are skipped. */
export const MODEL_GLOB = 'models/**/*.ts';
const IGNORE = ['**/_*', '**/*.d.ts', '**/node_modules/**'];

/** Model files under each project dir, absolute, real paths, deduplicated (a project may be the package itself). */
export async function findModelFiles(dirs: string[]): Promise<string[]> {
  const seen = new Set<string>();
  for (const dir of dirs) {
    const files = await fg(MODEL_GLOB, { cwd: dir, absolute: true, ignore: IGNORE, onlyFiles: true });
    for (const f of files.sort()) seen.add(realpathSync(f));
  }
  return [...seen];
}

const REGISTER = /registerModel\s*\(\s*(['"`])([^'"`]+)\1/g;
// import … from './x.js' | import './x.js' | export … from './x.js' | import('./x.js')
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Names registered by a file's source text (a static scan: registerModel('name', …) with a literal name). */
export function registeredNames(source: string): string[] {
  return [...source.matchAll(REGISTER)].map((m) => m[2]!);
}

function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** sha256 over (relative path, bytes) of `file` and its relative imports, in a stable order. */
export function hashWithImports(file: string, opts: { entryName?: boolean } = {}): string {
  const root = path.dirname(file);
  const visited = new Map<string, Buffer>();
  const visit = (f: string) => {
    if (visited.has(f)) return;
    const bytes = readFileSync(f);
    visited.set(f, bytes);
    for (const m of bytes.toString('utf8').matchAll(RELATIVE_IMPORT)) {
      const dep = resolveRelative(f, m[2]!);
      if (dep) visit(dep);
    }
  };
  visit(file);
  const hash = createHash('sha256');
  for (const f of [...visited.keys()].sort()) {
    // the entry file is '' when its name is left out; imports keep their paths (their names are in its bytes)
    const rel = f === file && opts.entryName === false ? '' : path.relative(root, f).split(path.sep).join('/');
    const bytes = visited.get(f)!;
    hash.update(`${rel}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/** Model name → registering file and hash, for every model file under `dirs`. Two files registering one name is an error. */
export async function modelSources(dirs: string[]): Promise<Map<string, ModelSource>> {
  const out = new Map<string, ModelSource>();
  for (const file of await findModelFiles(dirs)) {
    const names = registeredNames(readFileSync(file, 'utf8'));
    if (names.length === 0) continue;
    const hash = hashWithImports(file);
    const content = hashWithImports(file, { entryName: false });
    for (const name of names) {
      const previous = out.get(name);
      if (previous) {
        throw new PipeError('config-invalid', `model '${name}' is registered by two files: ${previous.file} and ${file}`, {
          hint: 'rename one of them; the names in pipeline.yaml refer to registered names',
        });
      }
      out.set(name, { file, hash, content });
    }
  }
  return out;
}
