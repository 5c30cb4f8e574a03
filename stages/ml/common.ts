/**
 * Pieces shared by the ML stage kinds (train, tune, evaluate), main-process side: which data set a stage
 * trains on, the folders workers need, model hyperparameters per architecture.
 */
import { z } from 'zod';
import { SET_NAMES } from '../../src/data/set-names.js';
import { PipeError } from '../../src/failure/pipe-error.js';
import type { StageContext } from '../api.js';
import { modelParamsSchema, trainSettingsSchema, type TrainSettings } from '../train-settings.js';
import { nonDefaultTask, taskOf, taskSchema, type TaskSettings } from '../task-settings.js';

export const dataSetSchema = z.enum(SET_NAMES).describe('the data set to train on');

/** Keys every training stage has: its data set, training settings and model hyperparameters (inherited). */
export const trainingKeys = {
  data: dataSetSchema,
  train: trainSettingsSchema.prefault({}),
  model_params: modelParamsSchema.default({}),
  val_fraction: z.number().gt(0).lt(1).default(0.2).describe("share of the set's simulations held out for validation"),
  task: taskSchema.optional().describe('what is learnt (default regression; inherited from the top-level task:)'),
};

/** Cross-key checks of a training stage's task and its training settings (a metric to monitor needs a classification task). */
export function taskIssues(p: { task?: TaskSettings; train: TrainSettings }): { path: (string | number)[]; message: string; hint?: string }[] {
  const task = taskOf(p.task);
  const m = p.train.monitor;
  if (m !== undefined && m !== 'val_loss' && task.kind !== 'classification')
    return [
      {
        path: ['train', 'monitor'],
        message: `train.monitor: ${m} is a classification metric; this stage's task is ${task.kind}`,
        hint: 'monitor val_loss, or set task: { kind: classification, ... }',
      },
    ];
  if (m === 'val_auroc' || m === 'val_average_precision') {
    if (task.kind === 'classification' && task.type === 'multiclass')
      return [
        {
          path: ['train', 'monitor'],
          message: `train.monitor: ${m} is defined for binary and multilabel tasks`,
          hint: 'monitor val_f1 or val_balanced_accuracy',
        },
      ];
  }
  return [];
}

/** Folders whose models/ hold the model files (the package's built-ins, then the project's). */
export function modelRoots(ctx: { modelDirs: string[] }): string[] {
  return ctx.modelDirs;
}

/** The model's source content hash for a unit key (its file's name left out: renaming keeps the units). */
export function modelHash(ctx: Pick<StageContext<unknown>, 'modelContent'>, model: string): string {
  const content = ctx.modelContent[model];
  if (!content) throw new PipeError('model-unknown', `model '${model}' has no source file (is it registered in models/?)`);
  return content;
}

export function mergeSettings(base: TrainSettings, over: Record<string, unknown>): TrainSettings {
  return trainSettingsSchema.parse({ ...base, ...over });
}

export function dataLocals(ctx: Pick<StageContext<unknown>, 'dataDir' | 'modelDirs'>, set: string) {
  return { dataDir: ctx.dataDir(set), modelRoots: modelRoots(ctx) };
}

/** The `task` field of a unit payload: absent for regression, so regression units keep the keys they always had. */
export function taskPayload(task: TaskSettings | undefined): { task?: TaskSettings } {
  const t = nonDefaultTask(task);
  return t ? { task: t } : {};
}
