/**
 * `pipe gc`: remove cache entries no lock references any more (stage entries of other fingerprints, and
 * units and data sets only they used), and report how much was freed. It takes the project's run lock
 * (waiting for a run, saying so). On a cache shared by several projects or runners it keeps what any of
 * them may be using: entries named by the locks of every project recorded in the cache, entries a live
 * runner has used since it started, and live runners' temp folders.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CacheStore, registeredProjects, registerProject, sizeOf } from '../../cache/store.js';
import { readLock } from '../../cache/lock-file.js';
import { loadContext, type Context, type GlobalOptions } from '../context.js';
import { acquireRunLock } from '../../runner/run-lock.js';
import { listRunIds, runsDir } from '../../runs/run-log.js';

export async function gcCommand(flags: GlobalOptions & { dryRun?: boolean }, signal?: AbortSignal): Promise<number> {
  const ctx = await loadContext(flags);
  // never while a run of this project is using its entries and temp folders: wait for it, saying so
  const lock = await acquireRunLock(
    ctx.paths.pipeDir,
    (pid, cmd) => process.stderr.write(`pipe gc: waiting for the pipe ${cmd} (pid ${pid}) in this project to finish…\n`),
    signal,
    'gc',
  );
  try {
    return await collect(ctx, flags);
  } finally {
    lock.release();
  }
}

/** Every lock file of a project folder (one per profile). */
function lockFilesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^pipeline(\.[\w-]+)?\.lock$/.test(f))
      .map((f) => join(dir, f));
  } catch {
    return []; // the project folder is gone
  }
}

async function collect(ctx: Context, flags: GlobalOptions & { dryRun?: boolean }): Promise<number> {
  const store = new CacheStore(ctx.paths.cache);
  const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);
  registerProject(ctx.paths.cache, ctx.pipeline.dir);
  const keep = new Set<string>();
  const locks = new Set([ctx.paths.lock, ...lockFilesOf(ctx.pipeline.dir)]);
  for (const project of registeredProjects(ctx.paths.cache)) for (const f of lockFilesOf(project)) locks.add(f);
  for (const f of locks) {
    let lock;
    try {
      lock = readLock(f);
    } catch {
      warn(`${f} is not a valid lock file; its entries are not protected`);
      continue;
    }
    for (const s of Object.values(lock?.stages ?? {})) {
      keep.add(`stages/${s.fingerprint}`);
      for (const d of Object.values(s.parts.data ?? {})) keep.add(`data/${d}`);
    }
  }
  // A kept stage keeps the units it was assembled from (recorded at commit time).
  for (const key of await store.keys('stages')) {
    if (!keep.has(`stages/${key}`)) continue;
    const m = join(store.entryDir('stages', key), 'manifest.json');
    if (!existsSync(m)) continue;
    let meta: { units?: string[] } | undefined;
    try {
      meta = (JSON.parse(readFileSync(m, 'utf8')) as { meta?: { units?: string[] } }).meta;
    } catch {
      // a truncated manifest: the entry is discarded (and its work redone) when a run next reads it
      warn(`cache entry stages/${key.slice(0, 12)} has an unreadable manifest; kept, the next run that needs it redoes the work`);
      continue;
    }
    for (const u of meta?.units ?? []) keep.add(`units/${u}`);
  }
  // What a live runner (this project's or another's) has used since it started stays.
  const live = store.liveRunners();
  const since = live.length ? Math.min(...live.map((r) => r.started)) : Infinity;
  let freed = 0;
  let removed = 0;
  let inUse = 0;
  for (const ns of ['stages', 'units', 'data'] as const) {
    for (const key of await store.keys(ns)) {
      if (keep.has(`${ns}/${key}`)) continue;
      if ((store.lastUsed(ns, key) ?? 0) >= since) {
        inUse++;
        continue;
      }
      removed++;
      freed += flags.dryRun ? await sizeOf(store.entryDir(ns, key)) : await store.remove(ns, key);
    }
  }
  if (!flags.dryRun) store.removeDeadTmp();
  store.close();
  const mb = (freed / 1024 / 1024).toFixed(1);
  const entries = `${removed} cache entr${removed === 1 ? 'y' : 'ies'}`;
  const kept = inUse ? `; kept ${inUse} in use by ${live.length} running pipe${live.length === 1 ? '' : 's'}` : '';
  // run history is not cache: it is kept (it only references cache entries, by key)
  const runs = listRunIds(runsDir(ctx.paths.pipeDir)).length;
  const records = `; kept ${runs} run record${runs === 1 ? '' : 's'} in .pipe/runs`;
  const said = flags.dryRun
    ? `pipe gc --dry-run: would remove ${entries}, freeing ${mb} MiB (nothing removed)${kept}${records}`
    : `pipe gc: removed ${entries}, freed ${mb} MiB${kept}${records}`;
  const json = { [flags.dryRun ? 'would_remove' : 'removed']: removed, bytes: freed, dry_run: !!flags.dryRun, in_use: inUse, runs_kept: runs };
  process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${said}\n`);
  return 0;
}
