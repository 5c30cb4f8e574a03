/**
 * What a train, tune or evaluate stage learns, as written in pipeline.yaml: the top-level `task:` holds the
 * default, a stage may override it in its own `task:` (inherited like `train:`). Absent means regression,
 * as before tasks existed, so studies that do not write `task:` keep their fingerprints.
 *
 *   task: regression                      # the target as it is: a map per sample, or a vector (y [n, k])
 *   task: autoencoder                     # the target is the input (x on its own grid)
 *   task: { kind: classification, type: binary, class_weights: auto, label_smoothing: 0.05 }
 *   task: { kind: classification, type: multiclass, classes: 4 }
 *   task: { kind: classification, type: multiclass, classes: 8, bins: quantile }   # a continuous target by range
 *
 * Classification labels: binary 0/1 in one channel; multiclass the class index 0..classes−1 in one
 * channel; multilabel one 0/1 channel per label. Per sample (y [n, k]) or per cell (y [n, h, w, k]).
 */
import { z } from 'zod';

export const TASK_KINDS = ['regression', 'classification', 'autoencoder'] as const;
export const CLASSIFICATION_TYPES = ['binary', 'multiclass', 'multilabel'] as const;

const taskObject = z
  .object({
    kind: z.enum(TASK_KINDS).describe('regression (default), classification or autoencoder (the target is the input)'),
    type: z.enum(CLASSIFICATION_TYPES).optional().describe('classification: binary (0/1), multiclass (a class index), multilabel (0/1 per label)'),
    classes: z.number().int().min(2).max(10000).optional().describe('classification: number of classes (multiclass) or labels (multilabel)'),
    class_weights: z
      .union([z.literal('auto'), z.array(z.number().min(0)).min(2)])
      .optional()
      .describe('classification: a weight per class (binary and multilabel: [negative, positive]), or auto = inverse frequency on the training part'),
    label_smoothing: z.number().min(0).lt(1).optional().describe('classification: label smoothing ε in [0, 1)'),
    threshold: z.number().gt(0).lt(1).optional().describe('binary/multilabel: probability at or above which a sample is called positive (default 0.5)'),
    bins: z
      .enum(['quantile', 'uniform'])
      .optional()
      .describe('classify a continuous target by its range: edges fitted on the training part (quantile or equal width), stored with the model'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.kind !== 'classification') {
      for (const key of ['type', 'classes', 'class_weights', 'label_smoothing', 'threshold', 'bins'] as const) {
        if (t[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `task.${key} is for classification; this task is ${t.kind}` });
      }
      return;
    }
    const type = t.type ?? 'binary';
    if (type === 'binary' && t.classes !== undefined && t.classes !== 2)
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: `a binary task has 2 classes, got classes: ${t.classes}`,
        hint: 'use type: multiclass',
      } as never);
    if (type === 'multiclass' && t.classes === undefined)
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'a multiclass task needs `classes` (how many)', hint: 'add classes: <n> under task' } as never);
    if (type !== 'binary' && t.threshold !== undefined && type === 'multiclass')
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'a multiclass task predicts the most probable class; threshold is for binary and multilabel',
      });
    if (t.bins !== undefined && type === 'multilabel')
      ctx.addIssue({ code: 'custom', path: ['bins'], message: 'bins make one class per sample or cell from one target: use type binary or multiclass' });
    // multilabel: one [negative, positive] pair for every label
    const k = type === 'multiclass' ? t.classes : 2;
    if (Array.isArray(t.class_weights) && k !== undefined && t.class_weights.length !== k)
      ctx.addIssue({
        code: 'custom',
        path: ['class_weights'],
        message: `class_weights has ${t.class_weights.length} weights for ${k} classes${type !== 'multiclass' ? ' ([negative, positive])' : ''}`,
      });
    if (Array.isArray(t.class_weights) && !t.class_weights.some((w) => w > 0))
      ctx.addIssue({ code: 'custom', path: ['class_weights'], message: 'class_weights are all 0: no sample would count' });
  });

/** `task: regression` is short for `task: { kind: regression }`. */
export const taskSchema = z.union([z.enum(TASK_KINDS), taskObject]).transform((t) => (typeof t === 'string' ? { kind: t } : t));

export type TaskSettings = z.output<typeof taskObject>;

export type ClassificationType = (typeof CLASSIFICATION_TYPES)[number];

/** The task a stage's settings give: regression when none is written. */
export function taskOf(t: TaskSettings | undefined): TaskSettings {
  return t ?? { kind: 'regression' };
}

/** A task that changes what is trained (anything but regression); only such tasks go into unit payloads. */
export function nonDefaultTask(t: TaskSettings | undefined): TaskSettings | undefined {
  return t && t.kind !== 'regression' ? t : undefined;
}
