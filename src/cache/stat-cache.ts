/**
 * Hashing every output on every `pipe status` would be slow for large weights files; a file whose size and
 * mtime are unchanged since we last hashed it keeps its hash. The memo is local state (.pipe/state), never
 * committed; the lock holds the real hashes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashFile } from './hash.js';

interface Memo {
  [path: string]: { size: number; mtimeMs: number; hash: string };
}

export class StatCache {
  private memo: Memo;
  private dirty = false;

  constructor(private readonly file: string) {
    try {
      this.memo = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Memo) : {};
    } catch {
      this.memo = {};
    }
  }

  /** sha256 of the file, or undefined if it does not exist. */
  async hash(path: string): Promise<string | undefined> {
    let st;
    try {
      st = statSync(path);
    } catch {
      return undefined;
    }
    const m = this.memo[path];
    if (m && m.size === st.size && m.mtimeMs === st.mtimeMs) return m.hash;
    const hash = await hashFile(path);
    this.memo[path] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    this.dirty = true;
    return hash;
  }

  /** Record a hash we already know (e.g. from a cache manifest) for a file just written. */
  remember(path: string, hash: string): void {
    try {
      const st = statSync(path);
      this.memo[path] = { size: st.size, mtimeMs: st.mtimeMs, hash };
      this.dirty = true;
    } catch {
      // file vanished: nothing to remember
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(this.memo));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}
