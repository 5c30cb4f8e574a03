// Grid search over the cartesian product of the parameters' values, in YAML key order with the
// last parameter varying fastest (like nested for-loops). With a budget at least the grid size,
// trial k runs point k and the study stops after the last point. With a smaller budget, a
// seeded subset of `trials` distinct points is run, in grid order: changing the seed explores a
// different part of the grid, and the result never depends on the schedule.
import { intCount, type Dimension, type Params, type ParamValue, type SearchSpace } from '../search-space.js';
import { rngFor } from '../../random/seeded-random.js';
import { TuningConfigError } from '../tuning-error.js';
import type { GridSamplerConfig } from './sampler-config.js';
import type { Sampler } from './sampler.js';

export function gridValues(name: string, dim: Dimension, defaultPoints?: number): ParamValue[] {
  switch (dim.kind) {
    case 'choice':
      return dim.values;
    case 'int':
      return Array.from({ length: intCount(dim) }, (_, i) => dim.low + i * dim.step);
    case 'uniform':
    case 'log_uniform': {
      const n = dim.gridPoints ?? defaultPoints;
      if (n === undefined) {
        throw new TuningConfigError(
          `grid sampler: parameter '${name}' is continuous (${dim.kind}) and has no grid_points; ` +
            `add one to the parameter ({ ${dim.kind}: [${dim.low}, ${dim.high}], grid_points: 4 }) or to the sampler ({ name: grid, grid_points: 4 })`,
          ['space', name],
        );
      }
      const log = dim.kind === 'log_uniform';
      const lo = log ? Math.log(dim.low) : dim.low;
      const hi = log ? Math.log(dim.high) : dim.high;
      return Array.from({ length: n }, (_, i) => {
        // End points exactly, so that a grid over [1e-4, 1e-2] shows 0.0001 and 0.01.
        if (i === 0) return dim.low;
        if (i === n - 1) return dim.high;
        const v = lo + ((hi - lo) * i) / (n - 1);
        return log ? Math.exp(v) : v;
      });
    }
  }
}

/** `count` distinct indices from 0..size-1 (sparse Fisher–Yates: O(count) memory), ascending. */
function seededSubset(size: number, count: number, seed: number): number[] {
  const rng = rngFor(seed, 'grid-subset');
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (size - i));
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(atJ);
  }
  return out.sort((a, b) => a - b);
}

export function gridSampler(space: SearchSpace, cfg: GridSamplerConfig, trials: number, seed: number): Sampler {
  const names = Object.keys(space);
  const axes = names.map((name) => gridValues(name, space[name]!, cfg.grid_points));
  const size = axes.reduce((n, axis) => n * axis.length, 1);
  const points = trials >= size ? null : seededSubset(size, trials, seed);
  const pointAt = (index: number): Params => {
    const params: Params = {};
    for (let d = names.length - 1; d >= 0; d--) {
      const axis = axes[d]!;
      params[names[d]!] = axis[index % axis.length]!;
      index = Math.floor(index / axis.length);
    }
    // Rebuild in YAML order (the loop above filled it backwards).
    return Object.fromEntries(names.map((n) => [n, params[n]!]));
  };
  return {
    maxTrials: Math.min(size, trials),
    sample(trialNumber) {
      if (trialNumber >= this.maxTrials) {
        throw new RangeError(`grid sampler: trial ${trialNumber} is past the grid's ${this.maxTrials} points`);
      }
      return pointAt(points ? points[trialNumber]! : trialNumber);
    },
  };
}
