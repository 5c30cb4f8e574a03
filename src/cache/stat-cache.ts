/**
 * Hashing every output on every `pipe status` would be slow for large weights files; a file keeps its
 * recorded hash while its size, mtime, ctime and inode are unchanged — git's index rule. ctime cannot be set
 * back by hand (touch -d, utimes), so an edit whose mtime was restored is still seen; and, like git's
 * "racy" entries, a hash recorded within RACY_MS of the file's mtime is not trusted (the file may have
 * changed again within the clock's resolution): it is hashed again, then trusted once recorded later.
 * The memo is local state (.pipe/state), never committed; the lock holds the real hashes.
 */
import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashFile } from './hash.js';

/** Coarser than any file system's timestamp resolution that pipe runs on (ext4, tmpfs, NFS: ≤ 1 s). */
export const RACY_MS = 2_000;

interface Record {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  hash: string;
  /** when the hash was recorded (ms since the epoch) */
  at: number;
}

interface Memo {
  [path: string]: Record;
}

function matches(m: Record | undefined, st: Stats): m is Record {
  return !!m && m.size === st.size && m.mtimeMs === st.mtimeMs && m.ctimeMs === st.ctimeMs && m.ino === st.ino && st.mtimeMs + RACY_MS < m.at;
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
    if (matches(m, st)) return m.hash;
    const at = Date.now();
    const hash = await hashFile(path);
    this.record(path, st, hash, at);
    return hash;
  }

  /** Record a hash we already know (e.g. from a cache manifest) for a file just written. */
  remember(path: string, hash: string): void {
    try {
      this.record(path, statSync(path), hash, Date.now());
    } catch {
      // file vanished: nothing to remember
    }
  }

  private record(path: string, st: Stats, hash: string, at: number): void {
    this.memo[path] = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, hash, at };
    this.dirty = true;
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
