/**
 * Training settings as written in pipeline.yaml (snake_case). The top-level `train:` section holds the
 * defaults; a train or tune stage may override any key in its own `train:`. Mapped to the training
 * engine's TrainConfig by toTrainConfig.
 */
import { z } from 'zod';

/** What early stopping and reduce-on-plateau may watch: the validation loss, or a validation metric of a classification task. */
export const MONITORS = [
  'val_loss',
  'val_accuracy',
  'val_balanced_accuracy',
  'val_precision',
  'val_recall',
  'val_f1',
  'val_auroc',
  'val_average_precision',
] as const;
export type Monitor = (typeof MONITORS)[number];

export const trainSettingsSchema = z
  .object({
    epochs: z.number().int().min(1).max(100000).default(20).describe('passes over the training split'),
    batch_size: z.number().int().min(1).max(65536).default(16),
    loss: z.enum(['l1', 'l2', 'huber']).default('l1'),
    huber_delta: z.number().positive().default(1),
    optimizer: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
    lr: z.number().positive().max(10).default(1e-3).describe('learning rate'),
    weight_decay: z.number().min(0).default(0).describe('AdamW decoupled weight decay'),
    momentum: z.number().min(0).max(1).default(0.9).describe('SGD momentum'),
    schedule: z.enum(['constant', 'cosine', 'one_cycle', 'plateau']).default('constant'),
    min_lr: z.number().min(0).default(0),
    plateau_factor: z.number().gt(0).lt(1).default(0.5),
    plateau_patience: z.number().int().min(1).default(3),
    early_stopping: z
      .object({
        patience: z.number().int().min(1).default(5),
        min_delta: z.number().min(0).default(0),
        restore_best: z.boolean().default(true),
      })
      .strict()
      .nullable()
      .default(null)
      .describe('stop when validation loss has not improved for `patience` epochs; null = off'),
    monitor: z
      .enum(MONITORS)
      .optional()
      .describe('what early stopping, reduce-on-plateau and the best epoch watch (default val_loss); metrics other than the loss need a classification task'),
    mode: z.enum(['min', 'max']).optional().describe('whether the monitored value improves downwards or upwards (default: min for val_loss, max for metrics)'),
    clip_norm: z.number().positive().nullable().default(null).describe('global gradient-norm clipping; null = off'),
    threads: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('data-parallel threads per training (wasm); the unit takes that many --jobs slots; results differ from 1 thread in the last bits'),
    micro_batch: z
      .union([z.literal('auto'), z.number().int().min(1).max(65536)])
      .optional()
      .describe(
        'samples per forward/backward pass; a larger batch is computed as micro-batches whose gradients are summed before one update. ' +
          "auto (the default when absent): the whole batch when it fits in the backend's memory, else the largest micro-batch that does",
      ),
  })
  .strict();

export type TrainSettings = z.infer<typeof trainSettingsSchema>;

/** Hyperparameters per model name: filters, depth, kernel size, dropout … (the model's own defaults apply otherwise). */
export const modelParamsSchema = z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])));
