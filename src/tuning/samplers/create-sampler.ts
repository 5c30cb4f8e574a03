import type { SearchSpace } from '../search-space.js';
import { gridSampler } from './grid-sampler.js';
import { randomSampler } from './random-sampler.js';
import type { SamplerConfig } from './sampler-config.js';
import type { Sampler } from './sampler.js';
import { tpeSampler } from './tpe-sampler.js';

export function createSampler(space: SearchSpace, cfg: SamplerConfig, trials: number, seed: number): Sampler {
  switch (cfg.name) {
    case 'random':
      return randomSampler(space, seed);
    case 'grid':
      return gridSampler(space, cfg, trials, seed);
    case 'tpe':
      return tpeSampler(space, cfg, seed);
  }
}
