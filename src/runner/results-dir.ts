/**
 * results/<stage>/ is a copy of the stage's committed cache entry, swapped in atomically (copy to a temp
 * folder beside it, then rename), so a reader never sees half a stage.
 */
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatCache } from '../cache/stat-cache.js';

export async function publishResults(resultsDir: string, stage: string, from: string, hashes: Record<string, string>, stat: StatCache): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  const final = join(resultsDir, stage);
  const tmp = join(resultsDir, `.tmp-${stage}-${process.pid}`);
  const old = join(resultsDir, `.old-${stage}-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await cp(from, tmp, { recursive: true });
  await rm(old, { recursive: true, force: true });
  try {
    await rename(final, old);
  } catch {
    // first time: nothing to move away
  }
  await rename(tmp, final);
  await rm(old, { recursive: true, force: true });
  for (const [file, hash] of Object.entries(hashes)) stat.remember(join(final, file), hash);
}
