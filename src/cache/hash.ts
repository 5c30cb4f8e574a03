/**
 * Content hashes: files by their bytes (never mtimes), JSON by a canonical form with sorted keys, so the
 * same content always gives the same digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export type Sha256 = string & { readonly __brand: 'sha256' };

export function sha256(data: string | Uint8Array): Sha256 {
  return createHash('sha256').update(data).digest('hex') as Sha256;
}

/** JSON with object keys sorted at every level; undefined fields dropped (like JSON.stringify). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function hashJson(value: unknown): Sha256 {
  return sha256(canonicalJson(value));
}

export function hashFile(path: string): Promise<Sha256> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex') as Sha256));
  });
}

/** Every regular file under dir, as sorted POSIX-style relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(sep).join('/'))
    .sort();
}

/** relative path → sha256 of every file under dir (names starting with '.pipe-' are bookkeeping, skipped). */
export async function hashTree(dir: string): Promise<Record<string, Sha256>> {
  const out: Record<string, Sha256> = {};
  for (const rel of await listFiles(dir)) {
    if (rel.split('/').some((s) => s.startsWith('.pipe-'))) continue;
    out[rel] = await hashFile(join(dir, rel));
  }
  return out;
}
