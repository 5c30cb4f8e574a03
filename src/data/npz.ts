import { readFile } from 'node:fs/promises';
import { unzipSync, zipSync } from 'fflate';
import { DataError } from './data-error.js';
import { encodeNpy, type NpyArray, type NpyValues, parseNpy } from './npy.js';

/**
 * .npz archives (np.savez / np.savez_compressed): a zip of .npy files, keyed by name without `.npy`.
 * Only the requested entries are inflated.
 */
export async function readNpz(path: string, keys?: readonly string[]): Promise<Map<string, NpyArray>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(`cannot read: ${(error as Error).message}`, path);
  }
  return parseNpz(bytes, path, keys);
}

export function parseNpz(bytes: Uint8Array, file: string, keys?: readonly string[]): Map<string, NpyArray> {
  const wanted = keys === undefined ? undefined : new Set(keys.map((k) => `${k}.npy`));
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => f.name.endsWith('.npy') && (wanted === undefined || wanted.has(f.name)) });
  } catch (error) {
    throw new DataError(`not a readable .npz (zip) archive: ${(error as Error).message}`, file);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) {
    out.set(name.slice(0, -'.npy'.length), parseNpy(data, `${file}[${name}]`));
  }
  return out;
}

/** Lists the array names in an archive without inflating them. */
export function npzKeys(bytes: Uint8Array, file: string): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('.npy')) names.push(f.name.slice(0, -'.npy'.length));
        return false;
      },
    });
  } catch (error) {
    throw new DataError(`not a readable .npz (zip) archive: ${(error as Error).message}`, file);
  }
  return names;
}

/** Encodes arrays as an .npz (deflated when `compress`, like np.savez_compressed). */
export function encodeNpz(arrays: Record<string, { values: NpyValues; shape: readonly number[] }>, compress = false): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [key, { values, shape }] of Object.entries(arrays)) files[`${key}.npy`] = encodeNpy(values, shape);
  return zipSync(files, { level: compress ? 6 : 0 });
}
