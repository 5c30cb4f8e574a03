// Batches cut from the Float32Array data directly: model.fit() gathers every batch with GatherV2 and
// wasm's Slice copies the whole input first, both slow on wasm.
import type { ArraySet } from '../data/array-set.js';
import { tf } from './tf.js';
import { inferenceBatch } from './memory-plan.js';
import { asOutOfMemory } from './wasm-heap.js';

/** What training reads of a data set (src/data's ArraySet): x [n, h·factor, w·factor, cin] and y [n, h, w,
 *  cout], channels-last (x may be on a finer grid). Any ArraySet is one. */
export type Arrays = Pick<ArraySet, 'x' | 'y' | 'n' | 'h' | 'w' | 'factor' | 'cin' | 'cout' | 'target'>;

export type InputArrays = Pick<Arrays, 'x' | 'n' | 'h' | 'w' | 'factor' | 'cin'>;

/** One x sample's [rows, columns, channels]. */
export function xShape(a: Pick<Arrays, 'h' | 'w' | 'factor' | 'cin'>): [number, number, number] {
  return [a.h * a.factor, a.w * a.factor, a.cin];
}

/** One y sample's [rows, columns, channels], or [values] for a vector target. */
export function yShape(a: Pick<Arrays, 'h' | 'w' | 'cout' | 'target'>): number[] {
  return a.target === 'vector' ? [a.cout] : [a.h, a.w, a.cout];
}

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

/** One sample's x and y shapes and value counts, as batchTensor/batchArray take them. */
export function sampleLayout(a: Pick<Arrays, 'h' | 'w' | 'factor' | 'cin' | 'cout' | 'target'>): {
  xs: [number, number, number];
  ys: number[];
  xSize: number;
  ySize: number;
} {
  const [xs, ys] = [xShape(a), yShape(a)];
  return { xs, ys, xSize: size(xs), ySize: size(ys) };
}

export function checkArrays(a: Arrays, what: string): void {
  if (a.x.length !== a.n * size(xShape(a)) || a.y.length !== a.n * size(yShape(a))) {
    throw new Error(
      `${what} arrays do not match their shape: x has ${a.x.length} values for [${a.n},${xShape(a).join(',')}], ` +
        `y has ${a.y.length} for [${a.n},${yShape(a).join(',')}]`,
    );
  }
}

/** Copies samples `order[start..end)` of channels-last `data` into one [b, ...shape] tensor ([b, h, w, c] for maps). */
export function batchTensor(
  data: Float32Array,
  sampleSize: number,
  shape: readonly number[],
  order: ArrayLike<number> | null,
  start: number,
  end: number,
): tf.Tensor {
  const b = end - start;
  if (order === null) {
    return tf.tensor(data.subarray(start * sampleSize, end * sampleSize), [b, ...shape]);
  }
  return tf.tensor(batchArray(data, sampleSize, order, start, end), [b, ...shape]);
}

/** Samples `order[start..end)` of `data`, concatenated into a new array. */
export function batchArray(data: Float32Array, sampleSize: number, order: ArrayLike<number>, start: number, end: number): Float32Array {
  const buf = new Float32Array((end - start) * sampleSize);
  for (let i = 0; i < end - start; i++) {
    const s = order[start + i];
    buf.set(data.subarray(s * sampleSize, (s + 1) * sampleSize), i * sampleSize);
  }
  return buf;
}

/**
 * Model outputs for every sample, in order, as one channels-last Float32Array; `batchSize` samples per
 * forward pass, fewer where that many would not fit in the backend's memory.
 */
export async function predict(model: tf.LayersModel, x: InputArrays, batchSize: number, opts: { memoryLimit?: number } = {}): Promise<Float32Array> {
  const shape = xShape(x);
  try {
    return await predictIn(model, x, await inferenceBatch(model, shape, Math.min(batchSize, x.n), opts.memoryLimit));
  } catch (err) {
    throw asOutOfMemory(err, `inference on ${x.n} samples of ${shape[0]}×${shape[1]}`);
  }
}

async function predictIn(model: tf.LayersModel, x: InputArrays, batchSize: number): Promise<Float32Array> {
  const shape = xShape(x);
  const sample = size(shape);
  let out: Float32Array | null = null;
  let per = 0;
  for (let start = 0; start < x.n; start += batchSize) {
    const end = Math.min(x.n, start + batchSize);
    const y = tf.tidy(() => model.apply(batchTensor(x.x, sample, shape, null, start, end)) as tf.Tensor);
    const values = y.dataSync() as Float32Array;
    y.dispose();
    if (out === null) {
      per = values.length / (end - start);
      out = new Float32Array(per * x.n);
    }
    out.set(values, start * per);
    await new Promise((r) => setImmediate(r));
  }
  return out ?? new Float32Array(0);
}
