/**
 * Data sets are nodes the stages depend on: their hash is the hash of what produces them (simulator
 * parameters, or the bytes of the user's arrays) plus the split, so a generated set is built once and
 * cached in the store like any stage output. Materialising loads src/data lazily (status never does).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashJson } from '../cache/hash.js';
import type { StatCache } from '../cache/stat-cache.js';
import type { CacheStore } from '../cache/store.js';
import type { Pipeline } from '../config/load.js';
import { ZodError } from 'zod';
import { SET_NAMES } from '../data/set-names.js';
import { PipeError } from '../failure/pipe-error.js';
import { FLOOD_GENERATOR_VERSION, SPLIT_VERSION } from '../data/versions.js';

/** The content hash of each data set, computed without generating anything. */
export async function dataHashes(p: Pipeline, stat: StatCache): Promise<Record<string, string>> {
  if (!p.data) return {};
  const d = p.data;
  let source: unknown;
  if (d.flood) {
    source = { flood: d.flood, generator: FLOOD_GENERATOR_VERSION };
  } else if (d.files) {
    const files: Record<string, string | undefined> = {};
    const paths = 'npz' in d.files ? { npz: d.files.npz } : { x: d.files.x, y: d.files.y, simulation: d.files.simulation };
    for (const [k, rel] of Object.entries(paths)) {
      if (!rel) continue;
      const abs = resolve(p.dir, rel);
      let kind: string | undefined;
      try {
        const st = statSync(abs);
        kind = st.isFile()
          ? undefined
          : st.isDirectory()
            ? 'a folder'
            : st.isCharacterDevice() || st.isBlockDevice()
              ? 'a device'
              : st.isFIFO()
                ? 'a pipe'
                : 'not a regular file';
      } catch {
        // missing: reported below
      }
      // a folder or a device (/dev/zero) is never data: hashing one would fail or never end
      if (kind)
        throw new PipeError('data-invalid', `data file '${rel}' (data.files.${k}) is ${kind}, not a regular file`, {
          hint: `point data.files.${k} at a .npy/.npz file (paths are relative to ${p.displayName})`,
        });
      const h = await stat.hash(abs);
      if (!h) throw new PipeError('data-invalid', `data file '${rel}' (data.files.${k}) does not exist`, { hint: `paths are relative to ${p.displayName}` });
      files[k] = h;
    }
    source = { files: d.files, hashes: files };
  }
  const base = hashJson({ source, split: d.split, splitVersion: SPLIT_VERSION, val_fraction: d.val_fraction });
  return Object.fromEntries(SET_NAMES.map((s) => [s, hashJson({ base, set: s })]));
}

/** Folder holding the set's arrays (x.npy, y.npy, simulation.npy, meta.json), generating it on first use. */
export async function materialiseData(
  p: Pipeline,
  store: CacheStore,
  hashes: Record<string, string>,
  set: string,
  log: (m: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const key = hashes[set];
  if (!key) throw new PipeError('config-invalid', `unknown data set '${set}'`);
  const hit = await store.get('data', key);
  if (hit) return hit.files;
  const { generateFloodAsync } = await import('../data/flood/generate.js');
  const { loadArrayFiles } = await import('../data/load-array-files.js');
  const { splitSets } = await import('../data/splits.js');
  const { saveArraySet } = await import('../data/array-set-io.js');
  const d = p.data!;
  const t0 = performance.now();
  let full;
  try {
    if (d.flood) {
      log(`data: simulating ${d.flood.simulations} floods on a ${d.flood.grid}×${d.flood.grid} grid`);
      full = await generateFloodAsync(d.flood, signal);
    } else {
      log(`data: loading ${JSON.stringify(d.files)}`);
      full = await loadArrayFiles(d.files as never, p.dir);
    }
  } catch (err) {
    if (err instanceof ZodError) throw new PipeError('config-invalid', `data.generate: ${err.message}`);
    throw err;
  }
  const parts = splitSets(full, d.split);
  for (const s of SET_NAMES) {
    if (signal?.aborted) throw signal.reason;
    const tmp = await store.begin();
    await saveArraySet(join(tmp, 'files'), parts[s]);
    await store.commit('data', hashes[s]!, tmp, { set: s, samples: parts[s].n });
  }
  log(`data: ${SET_NAMES.map((s) => `${s} ${parts[s].n} samples`).join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return (await store.get('data', key))!.files;
}

/** The data sets of one run: hashed once, each materialised at most once, on first use. */
export class DataSets {
  private hashes: Promise<Record<string, string>> | undefined;
  private readonly dirs = new Map<string, Promise<string>>();

  constructor(
    private readonly p: Pipeline,
    private readonly store: CacheStore,
    private readonly stat: StatCache,
    private readonly log: (m: string) => void,
    private readonly signal?: AbortSignal,
  ) {}

  dir(set: string): Promise<string> {
    let d = this.dirs.get(set);
    if (!d) {
      d = (async () => materialiseData(this.p, this.store, await (this.hashes ??= dataHashes(this.p, this.stat)), set, this.log, this.signal))();
      this.dirs.set(set, d);
    }
    return d;
  }
}
