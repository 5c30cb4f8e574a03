import { z } from 'zod';

export const nonePrunerSchema = z.strictObject({ name: z.literal('none') });

export const medianPrunerSchema = z.strictObject({
  name: z.literal('median'),
  /** No pruning until this many earlier-batch trials are complete. */
  n_startup_trials: z.number().int().min(0).default(5),
  /** No pruning during the first epochs (0-based epochs below this are never pruned). */
  n_warmup_steps: z.number().int().min(0).default(1),
  /** Complete earlier trials that must have reached an epoch before it is judged. */
  n_min_trials: z.number().int().min(1).default(1),
});

export const successiveHalvingPrunerSchema = z.strictObject({
  name: z.literal('successive_halving'),
  /** Epochs of the first rung; rungs sit at min_resource · reduction_factor^k epochs. */
  min_resource: z.number().int().min(1).default(1),
  reduction_factor: z.number().int().min(2).default(3),
  /** Earlier-batch trials that must have reached a rung before trials are stopped there. */
  bootstrap_count: z.number().int().min(0).default(0),
});

export const prunerConfigSchema = z.discriminatedUnion('name', [nonePrunerSchema, medianPrunerSchema, successiveHalvingPrunerSchema]);

export type PrunerConfig = z.output<typeof prunerConfigSchema>;
export type MedianPrunerConfig = z.output<typeof medianPrunerSchema>;
export type SuccessiveHalvingPrunerConfig = z.output<typeof successiveHalvingPrunerSchema>;
