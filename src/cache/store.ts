/**
 * The content-addressed store under .pipe/cache (or $PIPE_CACHE_DIR). An entry is a folder
 * `<namespace>/<key>/` holding `files/`, `manifest.json` (file → sha256) and a `.commit` marker written
 * last. Work is written into a temp folder and renamed into place, so an entry is either whole or absent;
 * a folder without its marker, or whose files no longer match the manifest, is discarded.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

export class CacheStore {
  constructor(
    readonly root: string,
    private readonly warn: StoreWarnings = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  entryDir(ns: Namespace, key: string): string {
    return join(this.root, ns, key);
  }

  /** A fresh temp folder (with an empty files/ inside) on the same file system as the entries. */
  async begin(): Promise<string> {
    return this.beginSync();
  }

  /** begin() without a tick in between, for callers that must keep their dispatch order. */
  beginSync(): string {
    const dir = join(this.root, 'tmp', `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(join(dir, 'files'), { recursive: true });
    return dir;
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
    if (existsSync(final)) {
      if (existsSync(join(final, '.commit')) && !opts.replace) {
        const existing = await this.get(ns, key);
        if (existing) {
          await rm(tmpDir, { recursive: true, force: true });
          return existing;
        }
      }
      // a half-written, corrupt or replaced entry: move it aside, then remove it
      const aside = `${tmpDir}.old`;
      await rename(final, aside).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await rename(tmpDir, final);
      await rm(aside, { recursive: true, force: true });
      return { key, dir: final, files: join(final, 'files'), manifest };
    }
    await rename(tmpDir, final);
    return { key, dir: final, files: join(final, 'files'), manifest };
  }

  /** A committed entry, its files checked against the manifest when `verify` (a corrupt one is dropped). */
  async get(ns: Namespace, key: string, verify = true): Promise<CacheEntry | undefined> {
    const dir = this.entryDir(ns, key);
    if (!existsSync(join(dir, '.commit'))) {
      if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      this.warn(`cache entry ${ns}/${key.slice(0, 12)} has an unreadable manifest; discarded, the work will be redone`);
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    if (verify) {
      const now = existsSync(join(dir, 'files')) ? await hashTree(join(dir, 'files')) : {};
      const bad = diffManifest(manifest.files, now);
      if (bad) {
        this.warn(`cache entry ${ns}/${key.slice(0, 12)} is corrupt (${bad}); discarded, the work will be redone`);
        await rm(dir, { recursive: true, force: true });
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
    await rm(dir, { recursive: true, force: true });
    return bytes;
  }

  /** Temp folders left by killed runs. */
  async clearTmp(): Promise<void> {
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
  }
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
