/**
 * One `pipe run` (or `pipe gc`) per project at a time. The lock is proper-lockfile's: a folder
 * (.pipe/run-lock) created atomically whose mtime the owner refreshes every few seconds, so a lock is
 * stale when its owner stopped refreshing it — whatever process now has the owner's pid (pid reuse after
 * a reboot, in containers). .pipe/run.owner says who holds it, for the waiting message; when that owner
 * is on this host and its pid is gone (kill -9), the lock is taken over at once rather than after the
 * staleness delay. A second run waits for the first (saying so).
 */
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

export interface RunLock {
  release(): void;
}

/** A lock not refreshed for this long is stale (the owner refreshes it every RUN_LOCK_UPDATE_MS). */
export const RUN_LOCK_STALE_MS = 30_000;
export const RUN_LOCK_UPDATE_MS = 5_000;

interface Owner {
  pid: number;
  host: string;
  command: string;
}

/** Whether a process with this pid exists on this machine (EPERM: it does, owned by another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

async function sameOwnerAfter(file: string, owner: Owner, ms: number): Promise<boolean> {
  await new Promise((r) => setTimeout(r, ms));
  const again = readOwner(file);
  return again?.pid === owner.pid && again.host === owner.host;
}

export async function acquireRunLock(pipeDir: string, onWait: (pid: number, command: string) => void, signal?: AbortSignal, command = 'run'): Promise<RunLock> {
  mkdirSync(pipeDir, { recursive: true });
  const target = join(pipeDir, 'run');
  const lockDir = join(pipeDir, 'run-lock');
  const ownerFile = join(pipeDir, 'run.owner');
  let told = false;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    try {
      const release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: lockDir,
        stale: RUN_LOCK_STALE_MS,
        update: RUN_LOCK_UPDATE_MS,
        retries: 0,
        // another process took the lock over (we were frozen past the stale delay): say so, carry on
        onCompromised: (err) => process.stderr.write(`warning: the project's run lock was taken over by another process (${err.message})\n`),
      });
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), command } satisfies Owner));
      return {
        release: () => {
          if (readOwner(ownerFile)?.pid === process.pid) rmSync(ownerFile, { force: true });
          release().catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    const owner = readOwner(ownerFile);
    // (read twice: a new owner writes its record just after taking the lock, over a dead one's)
    if (owner && owner.host === hostname() && owner.pid !== process.pid && !pidAlive(owner.pid) && (await sameOwnerAfter(ownerFile, owner, 150))) {
      // its owner died without releasing it (kill -9): take it over now
      rmSync(lockDir, { recursive: true, force: true });
      rmSync(ownerFile, { force: true });
      continue;
    }
    if (!told) {
      onWait(owner?.pid ?? 0, owner?.command ?? 'run');
      told = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
