/**
 * pipeline.lock: YAML, meant to be committed. One entry per stage that finished: its fingerprint and the
 * breakdown it was computed from (so `pipe status` can say why a stage is stale), output hashes, headline
 * metrics, the backend used. Written atomically after every successful stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { PipeError } from '../failure/pipe-error.js';
import type { FingerprintParts } from './fingerprint.js';

export interface LockStage {
  fingerprint: string;
  parts: FingerprintParts;
  /** output file → sha256, timing files excluded */
  outputs: Record<string, string>;
  /** patterns of outputs that hold timings (present in results, not hashed) */
  volatile?: string[];
  metrics: Record<string, unknown>;
  backend: string;
}

export interface LockFile {
  version: 1;
  pipeline: string;
  profile: string | null;
  stages: Record<string, LockStage>;
}

export function lockPathFor(configFile: string, profile?: string): string {
  const base = configFile.replace(/\.ya?ml$/, '');
  return profile ? `${base}.${profile}.lock` : `${base}.lock`;
}

export function readLock(path: string): LockFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const data = parse(readFileSync(path, 'utf8')) as LockFile;
    if (!data || data.version !== 1 || typeof data.stages !== 'object') throw new Error('not a pipe lock (version 1)');
    return data;
  } catch (err) {
    throw new PipeError('cache-corrupt', `${path} is not a valid lock file: ${(err as Error).message}`, {
      hint: 'restore it from git (git checkout -- pipeline.lock) or delete it to re-run every stage',
    });
  }
}

export async function writeLock(path: string, lock: LockFile): Promise<void> {
  const ordered: LockFile = { ...lock, stages: Object.fromEntries(Object.entries(lock.stages).sort(([a], [b]) => a.localeCompare(b))) };
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(
    tmp,
    `# written by pipe; commit it. Re-create with \`pipe run${lock.profile ? ` --profile ${lock.profile}` : ''}\`.\n` +
      `${stringify(ordered, { lineWidth: 0, aliasDuplicateObjects: false })}`,
  );
  await rename(tmp, path);
}
