import { rngFor } from '../../random/seeded-random.js';
import { sampleDimension, type Params, type SearchSpace } from '../search-space.js';
import type { Sampler } from './sampler.js';

/** Trial k's value of parameter p is drawn from the stream (seed, k, p) alone. */
export function randomParams(space: SearchSpace, seed: number, trialNumber: number): Params {
  const params: Params = {};
  for (const [name, dim] of Object.entries(space)) {
    params[name] = sampleDimension(dim, rngFor(seed, trialNumber, 'random', name));
  }
  return params;
}

export function randomSampler(space: SearchSpace, seed: number): Sampler {
  return { maxTrials: Infinity, sample: (trialNumber) => randomParams(space, seed, trialNumber) };
}
