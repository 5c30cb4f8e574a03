/**
 * The shared store: what the runner and every remote worker can reach (a shared filesystem today:
 * `dir:///path`). Content-addressed: a file is a blob named by its SHA-256; a folder is a tree manifest
 * (relative path → blob hash), itself a blob, written after every blob it names (the commit). Blobs are
 * write-once; every download is hashed before it is renamed into place, so a corrupt or tampered blob is
 * refused whatever the backend did. Mutable things (a unit's latest checkpoint) are refs: small files
 * naming a tree, replaced atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PipeError } from '../failure/pipe-error.js';
import { hashFile, listFiles, sha256, type Sha256 } from './hash.js';

export interface TreeManifest {
  files: Record<string, Sha256>;
}

export interface SharedStore {
  /** a printable name with no secrets in it */
  readonly label: string;
  putTree(dir: string): Promise<Sha256>;
  /** materialise a tree into dest (created; must not exist), every blob verified */
  getTree(tree: string, dest: string): Promise<void>;
  setRef(name: string, tree: Sha256): Promise<void>;
  getRef(name: string): Promise<Sha256 | undefined>;
  deleteRef(name: string): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function openSharedStore(url: string): SharedStore {
  if (url.startsWith('dir://')) {
    const path = fileURLToPath(`file://${url.slice('dir://'.length)}`);
    if (!path.startsWith('/')) throw new PipeError('usage', `store ${url}: a dir:// store needs an absolute path, e.g. dir:///shared/pipe-store`);
    return new DirStore(path);
  }
  if (url.startsWith('s3://')) {
    throw new PipeError('usage', `store ${url}: the s3:// backend is not built yet; use a shared folder (dir:///path on NFS or similar)`);
  }
  throw new PipeError('usage', `store ${url}: unknown store URL`, { hint: 'use dir:///absolute/path (a folder every machine mounts)' });
}

export class DirStore implements SharedStore {
  readonly label: string;
  constructor(private readonly root: string) {
    this.label = `dir://${root}`;
  }

  private blobPath(h: string): string {
    return join(this.root, 'blobs', h.slice(0, 2), h);
  }

  private tmpPath(): string {
    return join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /** write-once: an existing blob is never rewritten (same name, same bytes) */
  private async putFile(file: string): Promise<Sha256> {
    const h = await hashFile(file);
    const dest = this.blobPath(h);
    if (existsSync(dest)) return h;
    await mkdir(dirname(dest), { recursive: true });
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    const tmp = this.tmpPath();
    await copyFile(file, tmp);
    // the copy, not the source, is what lands: hash it again (the source may have changed under us)
    if ((await hashFile(tmp)) !== h) {
      await rm(tmp, { force: true });
      throw new PipeError('internal', `${file} changed while it was copied into the store`);
    }
    await rename(tmp, dest);
    return h;
  }

  async putTree(dir: string): Promise<Sha256> {
    const files: Record<string, Sha256> = {};
    for (const rel of existsSync(dir) ? await listFiles(dir) : []) files[rel] = await this.putFile(join(dir, rel));
    const bytes = Buffer.from(JSON.stringify({ files } satisfies TreeManifest));
    const h = sha256(bytes);
    const dest = this.blobPath(h);
    if (!existsSync(dest)) {
      await mkdir(dirname(dest), { recursive: true });
      await mkdir(join(this.root, 'tmp'), { recursive: true });
      const tmp = this.tmpPath();
      await writeFile(tmp, bytes);
      await rename(tmp, dest);
    }
    return h;
  }

  /** a blob copied to `to`, hashed on the way; refused (and not left behind) when the hash differs */
  private async fetchBlob(h: string, to: string): Promise<void> {
    const src = this.blobPath(h);
    if (!existsSync(src)) throw new PipeError('cache-corrupt', `the store ${this.label} has no blob ${h.slice(0, 12)} (was it cleaned while in use?)`);
    const hash = createHash('sha256');
    const tmp = `${to}.part-${randomBytes(4).toString('hex')}`;
    await pipeline(
      createReadStream(src).on('data', (c) => hash.update(c)),
      createWriteStream(tmp),
    );
    const got = hash.digest('hex');
    if (got !== h) {
      await rm(tmp, { force: true });
      throw new PipeError(
        'cache-corrupt',
        `blob ${h.slice(0, 12)} in the store ${this.label} is corrupt (its bytes hash to ${got.slice(0, 12)}); remove ${src} and run again`,
      );
    }
    await rename(tmp, to);
  }

  async readManifest(tree: string): Promise<TreeManifest> {
    if (!HEX64.test(tree)) throw new PipeError('cache-corrupt', `'${tree}' is not a tree hash`);
    const src = this.blobPath(tree);
    let bytes: Buffer;
    try {
      bytes = await readFile(src);
    } catch {
      throw new PipeError('cache-corrupt', `the store ${this.label} has no tree ${tree.slice(0, 12)}`);
    }
    if (sha256(bytes) !== tree)
      throw new PipeError('cache-corrupt', `tree ${tree.slice(0, 12)} in the store ${this.label} is corrupt; remove ${src} and run again`);
    const m = JSON.parse(bytes.toString('utf8')) as TreeManifest;
    for (const [rel, h] of Object.entries(m.files)) {
      if (rel.startsWith('/') || rel.split('/').includes('..') || !HEX64.test(h))
        throw new PipeError('cache-corrupt', `tree ${tree.slice(0, 12)} names a bad entry '${rel}'`);
    }
    return m;
  }

  async getTree(tree: string, dest: string): Promise<void> {
    const m = await this.readManifest(tree);
    await mkdir(dest, { recursive: true });
    for (const [rel, h] of Object.entries(m.files)) {
      const to = join(dest, rel);
      await mkdir(dirname(to), { recursive: true });
      await this.fetchBlob(h, to);
    }
  }

  private refPath(name: string): string {
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(name) || name.split('/').includes('..')) throw new PipeError('internal', `bad ref name ${name}`);
    return join(this.root, 'refs', name);
  }

  async setRef(name: string, tree: Sha256): Promise<void> {
    const p = this.refPath(name);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, tree);
    await rename(tmp, p);
  }

  async getRef(name: string): Promise<Sha256 | undefined> {
    try {
      const v = (await readFile(this.refPath(name), 'utf8')).trim();
      return HEX64.test(v) ? (v as Sha256) : undefined;
    } catch {
      return undefined;
    }
  }

  async deleteRef(name: string): Promise<void> {
    await rm(this.refPath(name), { force: true });
  }
}
