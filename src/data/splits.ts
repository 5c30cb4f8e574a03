import type { SetName } from './set-names.js';
import { type ArraySet, simulationIds, xSampleSize, ySampleSize } from './array-set.js';
import { DataError } from './data-error.js';
import { mulberry32, shuffled } from '../random/seeded-random.js';

/**
 * Splits by simulation: samples of one simulation are strongly correlated, so a simulation lies in
 * exactly one part, otherwise test scores would measure memory, not generalisation.
 */

/** New set holding the samples at `indices` (in that order); arrays are copied. */
export function subset(set: ArraySet, indices: readonly number[]): ArraySet {
  const { h, w, factor, cin, cout } = set;
  const xs = xSampleSize(set);
  const ys = ySampleSize(set);
  const x = new Float32Array(indices.length * xs);
  const y = new Float32Array(indices.length * ys);
  const simulation = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new RangeError(`sample index ${i} is outside 0..${set.n - 1}`);
    x.set(set.x.subarray(i * xs, (i + 1) * xs), k * xs);
    y.set(set.y.subarray(i * ys, (i + 1) * ys), k * ys);
    simulation[k] = set.simulation[i]!;
  });
  const out: ArraySet = { x, y, n: indices.length, h, w, factor, cin, cout, simulation, xChannels: [...set.xChannels], yChannels: [...set.yChannels] };
  if (set.target !== undefined) out.target = set.target;
  return out;
}

/** Samples whose simulation is in `ids`, in their original order. */
export function bySimulation(set: ArraySet, ids: Iterable<number>): ArraySet {
  const keep = new Set(ids);
  const indices: number[] = [];
  for (let i = 0; i < set.n; i++) if (keep.has(set.simulation[i]!)) indices.push(i);
  return subset(set, indices);
}

export type SetSplit = Record<SetName, ArraySet>;

/**
 * test = `test` simulations held out; small = `small` other simulations; big = all the rest. The three
 * sets share no simulation, so a model trained on big is scored on small's parts (validation included)
 * as on data it never saw. The draw depends only on the seed and the set of simulation ids, not on
 * sample order.
 */
export function splitSets(set: ArraySet, options: { small: number; test: number; seed: number }): SetSplit {
  const ids = simulationIds(set).sort((a, b) => a - b);
  const { small, test, seed } = options;
  if (!Number.isInteger(small) || !Number.isInteger(test) || small < 1 || test < 1) {
    throw new DataError(`small (${small}) and test (${test}) must be whole numbers of simulations, at least 1`);
  }
  if (small + test + 2 > ids.length) {
    throw new DataError(`the set has ${ids.length} simulations; small (${small}) + test (${test}) must leave at least 2 for big (train and validation)`);
  }
  const order = shuffled(ids, mulberry32(seed));
  return {
    test: bySimulation(set, order.slice(0, test)),
    small: bySimulation(set, order.slice(test, test + small)),
    big: bySimulation(set, order.slice(test + small)),
  };
}

/**
 * Train/validation split by simulation: round(valFraction × simulations) go to validation, clamped so
 * each part gets at least one simulation. valFraction 0 gives an empty validation set.
 */
export function trainValSplit(set: ArraySet, options: { valFraction: number; seed: number }): { train: ArraySet; val: ArraySet } {
  const { valFraction, seed } = options;
  if (!(valFraction >= 0 && valFraction < 1)) throw new DataError(`valFraction must be in [0, 1), got ${valFraction}`);
  const ids = simulationIds(set).sort((a, b) => a - b);
  if (valFraction === 0) return { train: subset(set, [...Array(set.n).keys()]), val: subset(set, []) };
  if (ids.length < 2) {
    throw new DataError(`a validation split needs at least 2 simulations, the set has ${ids.length}; add data or set valFraction to 0`);
  }
  const nVal = Math.min(ids.length - 1, Math.max(1, Math.round(valFraction * ids.length)));
  const order = shuffled(ids, mulberry32(seed));
  return { train: bySimulation(set, order.slice(nVal)), val: bySimulation(set, order.slice(0, nVal)) };
}
