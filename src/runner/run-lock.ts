/**
 * One `pipe run` per project at a time: .pipe/run.lock holds the owner's pid, created exclusively. A
 * second run waits for it (saying so); a lock whose owner is dead (kill -9) is taken over at once.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RunLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireRunLock(pipeDir: string, onWait: (pid: number) => void, signal?: AbortSignal): Promise<RunLock> {
  mkdirSync(pipeDir, { recursive: true });
  const file = join(pipeDir, 'run.lock');
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release: () => {
          try {
            if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released between our open and read
    }
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      rmSync(file, { force: true });
      continue;
    }
    if (!told) {
      onWait(owner);
      told = true;
    }
    if (signal?.aborted) throw signal.reason;
    await new Promise((r) => setTimeout(r, 200));
  }
}
