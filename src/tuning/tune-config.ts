// The YAML of a tune stage's study, snake_case like the rest of pipeline.yaml:
//   space: { lr: { log_uniform: [1.0e-4, 1.0e-2] } }
//   sampler: { name: tpe, n_startup: 5 }     # or just `sampler: random`
//   pruner: { name: median, n_warmup_steps: 2 }
//   trials: 20
//   batch_size: 2                            # trials proposed together; results do not depend on --jobs
//   seed: 0
// Unknown keys at the top level are kept out of this schema's concern (the stage may `.extend` it);
// inside sampler and pruner they are errors, to catch typos such as `n_starup`.
import { z } from 'zod';
import { prunerConfigSchema } from './pruners/pruner-config.js';
import { samplerConfigSchema } from './samplers/sampler-config.js';
import { searchSpaceSchema } from './search-space.js';
import type { StudyConfig } from './study.js';

const byName = (v: unknown) => (typeof v === 'string' ? { name: v } : v);

export const tuneConfigSchema = z.object({
  space: searchSpaceSchema,
  sampler: z.preprocess(byName, samplerConfigSchema).prefault({ name: 'tpe' }),
  pruner: z.preprocess(byName, prunerConfigSchema).prefault({ name: 'median' }),
  trials: z.number().int().min(1).default(20),
  batch_size: z.number().int().min(1).default(2),
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  direction: z.literal('minimize').default('minimize'),
});

export type TuneConfig = z.output<typeof tuneConfigSchema>;

export function studyConfig(tune: TuneConfig): StudyConfig {
  return {
    space: tune.space,
    sampler: tune.sampler,
    pruner: tune.pruner,
    trials: tune.trials,
    batchSize: tune.batch_size,
    seed: tune.seed,
    direction: tune.direction,
  };
}
