/**
 * A unit as data, for a worker on another machine with its own checkout: the runner replaces every
 * absolute path in the unit's payload and locals by what it stands for — a folder of results or cache
 * (uploaded to the shared store as a tree), a file of the project or of the pipe package (the worker uses
 * its own, after checking its hash) — and the worker turns those back into folders of its own. A job can
 * only name a stage kind, a unit and content: never a command or a path to run.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import { hashFile } from '../cache/hash.js';
import { hashWithImports } from '../model-kit/model-sources.js';
import type { SharedStore } from '../cache/shared-store.js';
import { PipeError } from '../failure/pipe-error.js';
import type { Json } from '../../stages/api.js';
import type { UnitChecks, UnitJob } from './executor.js';
import { tfjsVersion } from '../training/tfjs-version.js';
import { backendFingerprint, packageRoot, toolVersion } from './project.js';

/** What travels in the queue: the job without this machine's folders. */
export type WireUnit = Omit<UnitJob, 'outDir' | 'workDir' | 'projectDir'>;

function inside(root: string, p: string): string | undefined {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? rel.split(sep).join('/') : undefined;
}

async function mapStrings(v: Json, f: (s: string) => Promise<Json>): Promise<Json> {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return Promise.all(v.map((x) => mapStrings(x, f)));
  if (v && typeof v === 'object') {
    if ('$tree' in v || '$project' in v || '$package' in v) return v;
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await mapStrings(x, f);
    return out;
  }
  return v;
}

/** Runner side: paths → markers, uploading the folders of results and cache the unit reads. */
export class UnitPacker {
  private readonly trees = new Map<string, Promise<string>>();
  constructor(
    private readonly store: SharedStore,
    /** folders whose contents travel through the store (results/, the cache) */
    private readonly uploadRoots: string[],
    private readonly projectDir: string,
  ) {}

  private tree(dir: string): Promise<string> {
    // results and cache entries do not change during a run: one upload per folder
    let t = this.trees.get(dir);
    if (!t) {
      t = this.store.putTree(dir);
      this.trees.set(dir, t);
    }
    return t;
  }

  private async marker(s: string): Promise<Json> {
    if (!isAbsolute(s)) return s;
    if (this.uploadRoots.some((r) => inside(r, s) !== undefined) && existsSync(s)) {
      if (statSync(s).isDirectory()) return { $tree: await this.tree(s) };
      const parent = join(s, '..');
      return { $tree: await this.tree(parent), file: relative(parent, s) };
    }
    const inProject = inside(this.projectDir, s);
    if (inProject !== undefined) return { $project: inProject };
    const inPackage = inside(packageRoot(), s);
    if (inPackage !== undefined) return { $package: inPackage };
    return s;
  }

  async pack(job: UnitJob): Promise<WireUnit> {
    const m = (v: Json) => mapStrings(v, (s) => this.marker(s));
    return {
      key: job.key,
      checks: job.checks,
      stage: job.stage,
      kind: job.kind,
      id: job.id,
      payload: await m(job.payload),
      locals: await m(job.locals),
      backend: job.backend,
      cores: job.cores,
    };
  }
}

/** Worker side: the differences between the unit's key and this checkout, each naming what differs. */
export async function checkoutDifferences(checks: UnitChecks, projectDir: string): Promise<string[]> {
  const out: string[] = [];
  const tool = toolVersion();
  if (tool !== checks.tool) out.push(`pipe version: this worker has ${tool}, the runner ${checks.tool} (package.json)`);
  const tfjs = tfjsVersion();
  if (tfjs !== checks.tfjs) out.push(`tfjs version: this worker has ${tfjs}, the runner ${checks.tfjs} (@tensorflow/tfjs-core)`);
  const compare = async (label: string, want: string, hash: (f: string) => Promise<string>, what: string) => {
    const file = [join(projectDir, label), join(packageRoot(), label)].find((f) => existsSync(f));
    if (!file) return void out.push(`${label}: missing in this worker's checkout`);
    const got = await hash(file);
    if (got !== want) out.push(`${label}${what}: differs from the runner's (sha256 ${got.slice(0, 12)} here, ${want.slice(0, 12)} there)`);
  };
  for (const [label, want] of Object.entries(checks.files)) await compare(label, want, hashFile, '');
  for (const [label, want] of Object.entries(checks.models ?? {})) await compare(label, want, async (f) => hashWithImports(f), ' (or a file it imports)');
  return out;
}

/** The backend part of the key as this worker would compute it ('none' units train nothing). */
export function backendDifference(checks: UnitChecks, request: string): string | undefined {
  if (checks.backend === 'none') return undefined;
  const here = backendFingerprint(request);
  return here === checks.backend ? undefined : `training backend: this worker would use ${here}, the unit's key says ${checks.backend}`;
}

/** Worker side: markers → folders of this machine; trees are downloaded once (verified) into `treeRoot`. */
export class UnitUnpacker {
  constructor(
    private readonly store: SharedStore,
    private readonly treeRoot: string,
    private readonly projectDir: string,
  ) {}

  async treeDir(hash: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new PipeError('cache-corrupt', `'${hash}' is not a tree hash`);
    const dir = join(this.treeRoot, hash);
    if (existsSync(dir)) return dir;
    await mkdir(this.treeRoot, { recursive: true });
    const tmp = join(this.treeRoot, `.part-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await this.store.getTree(hash, tmp);
      if (existsSync(dir)) await rm(tmp, { recursive: true, force: true });
      else await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return dir;
  }

  private async resolve(v: Json): Promise<Json> {
    if (Array.isArray(v)) return Promise.all(v.map((x) => this.resolve(x)));
    if (v && typeof v === 'object') {
      if ('$tree' in v) {
        const dir = await this.treeDir(String(v.$tree));
        return typeof v.file === 'string' ? join(dir, v.file) : dir;
      }
      if ('$project' in v) return safeJoin(this.projectDir, String(v.$project));
      if ('$package' in v) return safeJoin(packageRoot(), String(v.$package));
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await this.resolve(x);
      return out;
    }
    return v;
  }

  async unpack(w: WireUnit, dirs: { outDir: string; workDir: string }): Promise<UnitJob> {
    return {
      key: w.key,
      checks: w.checks,
      stage: w.stage,
      kind: w.kind,
      id: w.id,
      payload: await this.resolve(w.payload),
      locals: await this.resolve(w.locals),
      outDir: dirs.outDir,
      workDir: dirs.workDir,
      projectDir: this.projectDir,
      backend: w.backend,
      cores: w.cores,
    };
  }
}

function safeJoin(root: string, rel: string): string {
  const p = join(root, rel);
  if (inside(root, p) === undefined) throw new PipeError('worker-mismatch', `a job named the path '${rel}' outside ${root}; refused`);
  return p;
}
