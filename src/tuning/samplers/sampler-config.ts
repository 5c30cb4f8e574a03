import { z } from 'zod';

export const randomSamplerSchema = z.strictObject({ name: z.literal('random') });

export const gridSamplerSchema = z.strictObject({
  name: z.literal('grid'),
  /** Points for uniform/log_uniform parameters that set no grid_points of their own. */
  grid_points: z.number().int().min(2).optional(),
});

export const tpeSamplerSchema = z.strictObject({
  name: z.literal('tpe'),
  /** Trials sampled at random before the model is used (counted over earlier batches' usable trials). */
  n_startup: z.number().int().min(1).default(5),
  /** Candidates drawn from l(x) per parameter; the one with the largest l/g wins. */
  n_ei_candidates: z.number().int().min(1).default(24),
  /** Fraction of ranked trials that form the "good" group. */
  gamma: z.number().gt(0).lt(1).default(0.25),
  /** Weight of the flat prior component in each Parzen mixture. */
  prior_weight: z.number().positive().default(1),
});

export const samplerConfigSchema = z.discriminatedUnion('name', [randomSamplerSchema, gridSamplerSchema, tpeSamplerSchema]);

export type SamplerConfig = z.output<typeof samplerConfigSchema>;
export type TpeSamplerConfig = z.output<typeof tpeSamplerSchema>;
export type GridSamplerConfig = z.output<typeof gridSamplerSchema>;
