import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ArraySet, validateArraySet } from './array-set.js';
import { DataError } from './data-error.js';
import { type NpyArray, readNpy, toFloat32 } from './npy.js';
import { npzKeys, parseNpz } from './npz.js';

/**
 * Where a user's own data lives: separate .npy files, or one .npz with named arrays (default names
 * `x`, `y` and, when present, `simulation`). Paths are relative to the pipeline file's folder.
 */
export type ArrayFilesSpec = { x: string; y: string; simulation?: string } | { npz: string; x?: string; y?: string; simulation?: string };

interface Named {
  array: NpyArray;
  file: string;
}

async function readArrays(spec: ArrayFilesSpec, baseDir: string): Promise<{ x: Named; y: Named; simulation?: Named }> {
  if ('npz' in spec) {
    const file = resolve(baseDir, spec.npz);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new DataError(`cannot read: ${(error as Error).message}`, file);
    }
    const available = npzKeys(bytes, file);
    const xKey = spec.x ?? 'x';
    const yKey = spec.y ?? 'y';
    const simKey = spec.simulation ?? (available.includes('simulation') ? 'simulation' : undefined);
    for (const key of [xKey, yKey, simKey]) {
      if (key !== undefined && !available.includes(key)) {
        throw new DataError(`has no array '${key}' (it holds: ${available.join(', ') || 'none'})`, file);
      }
    }
    const arrays = parseNpz(bytes, file, [xKey, yKey, ...(simKey === undefined ? [] : [simKey])]);
    const named = (key: string): Named => ({ array: arrays.get(key)!, file: `${file}[${key}]` });
    return { x: named(xKey), y: named(yKey), ...(simKey === undefined ? {} : { simulation: named(simKey) }) };
  }
  const load = async (path: string): Promise<Named> => {
    const file = resolve(baseDir, path);
    return { array: await readNpy(file), file };
  };
  const [x, y, simulation] = await Promise.all([load(spec.x), load(spec.y), spec.simulation === undefined ? undefined : load(spec.simulation)]);
  return { x, y, ...(simulation === undefined ? {} : { simulation }) };
}

/** [n, h, w] gains a channel axis; anything but 3-D or 4-D is an error. */
function asNhwc({ array, file }: Named): [number, number, number, number] {
  const s = array.shape;
  if (s.length === 3) return [s[0]!, s[1]!, s[2]!, 1];
  if (s.length === 4) return [s[0]!, s[1]!, s[2]!, s[3]!];
  throw new DataError(`expected shape [n, h, w] or [n, h, w, channels], got (${s.join(', ')})`, file);
}

/** Errors on the first NaN/±Inf, naming the sample it belongs to. */
export function assertFinite(values: Float32Array, perSample: number, file: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      let count = 0;
      for (let j = i; j < values.length; j++) if (!Number.isFinite(values[j]!)) count++;
      throw new DataError(
        `value ${values[i]} at sample index ${Math.floor(i / perSample)} (flat index ${i}; ${count} non-finite values in all); ` +
          'clean or drop those samples before loading',
        file,
      );
    }
  }
}

function simulationIdsOf({ array, file }: Named, n: number): Int32Array {
  const s = array.shape;
  if (!(s.length === 1 || (s.length === 2 && s[1] === 1)) || s[0] !== n) {
    throw new DataError(`simulation ids must have shape (${n},) to match x, got (${s.join(', ')})`, file);
  }
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = array.values[i]!;
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new DataError(`simulation id ${v} at sample index ${i} is not a 32-bit integer`, file);
    }
    ids[i] = v;
  }
  return ids;
}

/**
 * Loads user arrays into an ArraySet (channels named x0.., y0..); every problem is a DataError naming the
 * file. A y of shape [n] or [n, k] is a vector target (k values per sample: parameters, a class label);
 * [n, h, w] or [n, h, w, k] is a map per sample.
 */
export async function loadArrayFiles(spec: ArrayFilesSpec, baseDir: string): Promise<ArraySet> {
  const { x, y, simulation } = await readArrays(spec, baseDir);
  const [n, h, w, cin] = asNhwc(x);
  if (y.array.shape.length <= 2) return vectorSet(x, y, simulation, [n, h, w, cin]);
  const [ny, hy, wy, cout] = asNhwc(y);
  if (ny !== n) throw new DataError(`y has ${ny} samples but x (${x.file}) has ${n}`, y.file);
  // x may be on a finer grid than y (terrain finer than the output), by the same whole factor both ways.
  const factor = h / hy;
  if (!(Number.isInteger(factor) && factor >= 1 && w === wy * factor)) {
    throw new DataError(
      `y grid is ${hy}×${wy} but x (${x.file}) grid is ${h}×${w}: x must be on y's grid or a whole multiple of it in both directions`,
      y.file,
    );
  }
  if (n === 0) throw new DataError('holds no samples (first dimension is 0)', x.file);
  const xs = toFloat32(x.array.values);
  const ys = toFloat32(y.array.values);
  assertFinite(xs, h * w * cin, x.file);
  assertFinite(ys, hy * wy * cout, y.file);
  const ids = simulation === undefined ? Int32Array.from({ length: n }, (_, i) => i) : simulationIdsOf(simulation, n);
  return validateArraySet(
    {
      x: xs,
      y: ys,
      n,
      h: hy,
      w: wy,
      factor,
      cin,
      cout,
      simulation: ids,
      xChannels: Array.from({ length: cin }, (_, i) => `x${i}`),
      yChannels: Array.from({ length: cout }, (_, i) => `y${i}`),
    },
    x.file,
  );
}

function vectorSet(x: Named, y: Named, simulation: Named | undefined, [n, h, w, cin]: [number, number, number, number]): ArraySet {
  const s = y.array.shape;
  const ny = s[0] ?? 0;
  const cout = s.length === 2 ? s[1]! : 1;
  if (ny !== n) throw new DataError(`y has ${ny} samples but x (${x.file}) has ${n}`, y.file);
  if (cout < 1) throw new DataError(`a vector target needs at least one value per sample, got shape (${s.join(', ')})`, y.file);
  if (n === 0) throw new DataError('holds no samples (first dimension is 0)', x.file);
  const xs = toFloat32(x.array.values);
  const ys = toFloat32(y.array.values);
  assertFinite(xs, h * w * cin, x.file);
  assertFinite(ys, cout, y.file);
  const ids = simulation === undefined ? Int32Array.from({ length: n }, (_, i) => i) : simulationIdsOf(simulation, n);
  return validateArraySet(
    {
      x: xs,
      y: ys,
      n,
      h,
      w,
      factor: 1,
      cin,
      cout,
      simulation: ids,
      xChannels: Array.from({ length: cin }, (_, i) => `x${i}`),
      yChannels: Array.from({ length: cout }, (_, i) => `y${i}`),
      target: 'vector',
    },
    x.file,
  );
}
