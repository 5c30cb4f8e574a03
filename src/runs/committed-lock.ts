/**
 * The committed lock: pipeline.lock as git HEAD has it (what `pipe metrics --diff` and `pipe compare lock`
 * compare with), else the lock on disk when the project is not a git work tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { parse } from 'yaml';
import type { LockFile } from '../cache/lock-file.js';

export function committedLock(lockPath: string, dir: string): LockFile | undefined {
  try {
    return parse(
      execFileSync('git', ['show', `HEAD:./${relative(dir, lockPath)}`], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as LockFile;
  } catch {
    return existsSync(lockPath) ? (parse(readFileSync(lockPath, 'utf8')) as LockFile) : undefined;
  }
}
