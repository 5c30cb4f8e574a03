/**
 * `pipe gc`: remove cache entries the lock no longer references (stage entries of other fingerprints,
 * and units and data sets only they used), and report how much was freed.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { CacheStore, sizeOf } from '../../cache/store.js';
import { readLock } from '../../cache/lock-file.js';
import { loadContext, type GlobalOptions } from '../context.js';

export async function gcCommand(flags: GlobalOptions & { dryRun?: boolean }): Promise<number> {
  const ctx = await loadContext(flags);
  const store = new CacheStore(ctx.paths.cache);
  // Every lock file beside the pipeline (one per profile) keeps its stages alive.
  const keep = new Set<string>();
  const dir = ctx.pipeline.dir;
  for (const f of await readdir(dir)) {
    if (!/^pipeline(\.[\w-]+)?\.lock$/.test(f) && f !== ctx.paths.lock.split('/').pop()) continue;
    for (const s of Object.values(readLock(join(dir, f))?.stages ?? {})) {
      keep.add(`stages/${s.fingerprint}`);
      for (const d of Object.values(s.parts.data ?? {})) keep.add(`data/${d}`);
    }
  }
  // A kept stage keeps the units it was assembled from (recorded at commit time).
  for (const key of await store.keys('stages')) {
    if (!keep.has(`stages/${key}`)) continue;
    const m = join(store.entryDir('stages', key), 'manifest.json');
    if (!existsSync(m)) continue;
    const meta = (JSON.parse(await readFile(m, 'utf8')) as { meta?: { units?: string[] } }).meta;
    for (const u of meta?.units ?? []) keep.add(`units/${u}`);
  }
  let freed = 0;
  let removed = 0;
  for (const ns of ['stages', 'units', 'data'] as const) {
    for (const key of await store.keys(ns)) {
      if (keep.has(`${ns}/${key}`)) continue;
      removed++;
      freed += flags.dryRun ? await sizeOf(store.entryDir(ns, key)) : await store.remove(ns, key);
    }
  }
  if (!flags.dryRun) await rm(join(ctx.paths.cache, 'tmp'), { recursive: true, force: true });
  const mb = (freed / 1024 / 1024).toFixed(1);
  const entries = `${removed} cache entr${removed === 1 ? 'y' : 'ies'}`;
  const said = flags.dryRun ? `pipe gc --dry-run: would remove ${entries}, freeing ${mb} MiB (nothing removed)` : `pipe gc: removed ${entries}, freed ${mb} MiB`;
  process.stdout.write(flags.json ? `${JSON.stringify({ [flags.dryRun ? 'would_remove' : 'removed']: removed, bytes: freed, dry_run: !!flags.dryRun })}\n` : `${said}\n`);
  return 0;
}
