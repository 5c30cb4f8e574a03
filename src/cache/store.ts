/**
 * The content-addressed store under .pipe/cache (or $PIPE_CACHE_DIR, which any number of projects and
 * runners may share). An entry is a folder `<namespace>/<key>/` holding `files/`, `manifest.json` (file →
 * sha256) and a `.commit` marker written last. Entries are write-once: work is written into a temp folder
 * and renamed into place, so an entry is either whole or absent, and when two runners commit the same key
 * the second keeps the first's entry. A folder without its marker, or whose files no longer match the
 * manifest, is discarded. Removal renames the entry away first, so no reader sees half of one.
 *
 * Each runner writes its temp folders under its own `tmp/<start>-<host>-<pid>-<random>/`, held by a
 * proper-lockfile lock it refreshes while it lives; `gc` removes only the temp folders whose lock is not
 * held (a dead runner's). A reader marks an entry used (the `.commit` marker's mtime), so gc can keep what
 * a live runner may still be using.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { hashTree, type Sha256 } from './hash.js';

export type Namespace = 'stages' | 'units' | 'data';

export interface CacheEntry {
  key: string;
  dir: string;
  /** the entry's payload folder */
  files: string;
  manifest: Manifest;
}

export interface Manifest {
  files: Record<string, Sha256>;
  meta: Record<string, unknown>;
  created: string;
}

export interface StoreWarnings {
  (message: string): void;
}

/** A runner's temp-folder lock not refreshed for this long belongs to a dead runner. */
export const RUNNER_STALE_MS = 30_000;
const RUNNER_UPDATE_MS = 5_000;
/** Temp folders without a runner lock (left by pipe before 0.3) are removed by gc once this old. */
const LEGACY_TMP_MS = 60 * 60_000;

export interface LiveRunner {
  dir: string;
  /** ms since the epoch the runner started */
  started: number;
}

export class CacheStore {
  constructor(
    readonly root: string,
    private readonly warn: StoreWarnings = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  private runner: { dir: string; release: () => void } | undefined;

  entryDir(ns: Namespace, key: string): string {
    return join(this.root, ns, key);
  }

  /** This runner's own temp folder, created and locked on first use. */
  private runnerDir(): string {
    if (this.runner) return this.runner.dir;
    const tmpRoot = join(this.root, 'tmp');
    const dir = join(tmpRoot, `${Date.now()}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const release = lockfile.lockSync(dir, { realpath: false, stale: RUNNER_STALE_MS, update: RUNNER_UPDATE_MS, onCompromised: () => undefined });
    this.runner = { dir, release };
    return dir;
  }

  /** A fresh temp folder (with an empty files/ inside) on the same file system as the entries. */
  async begin(): Promise<string> {
    return this.beginSync();
  }

  /** begin() without a tick in between, for callers that must keep their dispatch order. */
  beginSync(): string {
    const dir = join(this.runnerDir(), randomBytes(6).toString('hex'));
    mkdirSync(join(dir, 'files'), { recursive: true });
    return dir;
  }

  /** Ends this runner: its temp folder is removed and its lock released. */
  close(): void {
    if (!this.runner) return;
    const { dir, release } = this.runner;
    this.runner = undefined;
    rmSync(dir, { recursive: true, force: true });
    try {
      release();
    } catch {
      // already released or taken over
    }
  }

  /**
   * Moves a finished temp folder into place as the entry `ns/key`. Entries are write-once: when another
   * commit got there first, that entry stands (its manifest is returned, so callers publish the files
   * they get) — unless `replace` (--force), which swaps the new entry in: the old one is renamed aside
   * first, so a reader sees the old entry, then none, then the new one, never a mix.
   */
  async commit(ns: Namespace, key: string, tmpDir: string, meta: Record<string, unknown> = {}, opts: { replace?: boolean } = {}): Promise<CacheEntry> {
    const manifest: Manifest = { files: await hashTree(join(tmpDir, 'files')), meta, created: new Date().toISOString() };
    await writeFile(join(tmpDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
    await writeFile(join(tmpDir, '.commit'), key);
    const final = this.entryDir(ns, key);
    await mkdir(join(this.root, ns), { recursive: true });
    // --force: the old entry is renamed aside first (a reader sees it, then none, then the new one)
    let aside: string | undefined;
    if (opts.replace && existsSync(final)) {
      aside = `${tmpDir}.old`;
      await rename(final, aside).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        aside = undefined;
      });
    } else if (existsSync(final) && !existsSync(join(final, '.commit'))) await this.discard(final);
    try {
      await rename(tmpDir, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // another runner committed the same key first: entries are write-once, keep theirs
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !existsSync(join(final, '.commit'))) throw err;
      await rm(tmpDir, { recursive: true, force: true });
      const theirs = JSON.parse(await readFile(join(final, 'manifest.json'), 'utf8')) as Manifest;
      return { key, dir: final, files: join(final, 'files'), manifest: theirs };
    } finally {
      if (aside) await rm(aside, { recursive: true, force: true });
    }
    return { key, dir: final, files: join(final, 'files'), manifest };
  }

  /** Moves a folder out of the entries (atomically) before deleting it. */
  private async discard(dir: string): Promise<void> {
    const trash = join(this.runnerDir(), `trash-${randomBytes(6).toString('hex')}`);
    try {
      await rename(dir, trash);
    } catch {
      return; // gone already (another runner discarded it)
    }
    await rm(trash, { recursive: true, force: true });
  }

  /** A committed entry, its files checked against the manifest when `verify` (a corrupt one is dropped). */
  async get(ns: Namespace, key: string, verify = true): Promise<CacheEntry | undefined> {
    const dir = this.entryDir(ns, key);
    if (!existsSync(join(dir, '.commit'))) {
      if (existsSync(dir)) await this.discard(dir);
      return undefined;
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      this.warn(`cache entry ${ns}/${key.slice(0, 12)} has an unreadable manifest; discarded, the work will be redone`);
      await this.discard(dir);
      return undefined;
    }
    markUsed(dir);
    if (verify) {
      let now: Record<string, string>;
      try {
        now = existsSync(join(dir, 'files')) ? await hashTree(join(dir, 'files')) : {};
      } catch (err) {
        // removed while we read it (gc of another project on a shared cache): a miss, not a failure
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dir)) return undefined;
        throw err;
      }
      const bad = diffManifest(manifest.files, now);
      if (bad) {
        this.warn(`cache entry ${ns}/${key.slice(0, 12)} is corrupt (${bad}); discarded, the work will be redone`);
        await this.discard(dir);
        return undefined;
      }
    }
    return { key, dir, files: join(dir, 'files'), manifest };
  }

  async has(ns: Namespace, key: string): Promise<boolean> {
    return existsSync(join(this.entryDir(ns, key), '.commit'));
  }

  async keys(ns: Namespace): Promise<string[]> {
    try {
      return (await readdir(join(this.root, ns))).sort();
    } catch {
      return [];
    }
  }

  async remove(ns: Namespace, key: string): Promise<number> {
    const dir = this.entryDir(ns, key);
    const bytes = await sizeOf(dir);
    await this.discard(dir);
    return bytes;
  }

  /** When an entry was last committed or read (its marker's mtime), or undefined when it is not whole. */
  lastUsed(ns: Namespace, key: string): number | undefined {
    try {
      return statSync(join(this.entryDir(ns, key), '.commit')).mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** Runners (of any project sharing this cache) whose temp-folder lock is held now. */
  liveRunners(): LiveRunner[] {
    return this.tmpFolders().filter((t) => t.live).map((t) => ({ dir: t.dir, started: t.started }));
  }

  /** Removes the temp folders of runners that are gone (their lock stale or absent); returns how many. */
  removeDeadTmp(): number {
    let n = 0;
    for (const t of this.tmpFolders()) {
      if (t.live || t.dir === this.runner?.dir) continue;
      if (!t.locked && Date.now() - t.mtime < LEGACY_TMP_MS) continue; // an unlocked folder of unknown age: leave it a while
      rmSync(t.dir, { recursive: true, force: true });
      rmSync(`${t.dir}.lock`, { recursive: true, force: true });
      n++;
    }
    return n;
  }

  private tmpFolders(): { dir: string; started: number; live: boolean; locked: boolean; mtime: number }[] {
    const root = join(this.root, 'tmp');
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return [];
    }
    const out = [];
    for (const name of names) {
      if (name.endsWith('.lock')) continue;
      const dir = join(root, name);
      let mtime = 0;
      try {
        mtime = statSync(dir).mtimeMs;
      } catch {
        continue;
      }
      const locked = existsSync(`${dir}.lock`);
      let live = false;
      try {
        live = locked && lockfile.checkSync(dir, { realpath: false, stale: RUNNER_STALE_MS });
      } catch {
        live = false;
      }
      out.push({ dir, started: Number(name.split('-')[0]) || mtime, live, locked, mtime });
    }
    return out;
  }
}

/** An entry's marker mtime is when it was last used; gc keeps what a live runner used since it started. */
function markUsed(dir: string): void {
  try {
    const now = new Date();
    utimesSync(join(dir, '.commit'), now, now);
  } catch {
    // read-only cache or removed meanwhile: only gc's notion of use is affected
  }
}

/** Records a project that uses this cache, so gc run from any project keeps the entries its locks name. */
export function registerProject(cacheRoot: string, projectDir: string): void {
  try {
    const dir = join(cacheRoot, 'projects');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${createHash('sha256').update(projectDir).digest('hex').slice(0, 16)}.json`);
    if (!existsSync(file)) writeFileSync(file, JSON.stringify({ dir: projectDir }));
  } catch {
    // a read-only cache: nothing to record
  }
}

/** The project folders recorded in this cache. */
export function registeredProjects(cacheRoot: string): string[] {
  const dir = join(cacheRoot, 'projects');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    try {
      const rec = JSON.parse(readFileSync(join(dir, n), 'utf8')) as { dir?: unknown };
      if (typeof rec.dir === 'string') out.push(rec.dir);
    } catch {
      // a half-written record: skip it
    }
  }
  return out;
}

export function diffManifest(want: Record<string, string>, got: Record<string, string>): string | undefined {
  for (const [f, h] of Object.entries(want)) {
    if (!(f in got)) return `${f} missing`;
    if (got[f] !== h) return `${f} hash mismatch`;
  }
  for (const f of Object.keys(got)) if (!(f in want)) return `unexpected file ${f}`;
  return undefined;
}

export async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  try {
    for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) total += (await stat(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).size;
    }
  } catch {
    return 0;
  }
  return total;
}
