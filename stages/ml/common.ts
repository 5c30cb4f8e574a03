/**
 * Pieces shared by the ML stage kinds (train, tune, evaluate), main-process side: which data set a stage
 * trains on, the folders workers need, model hyperparameters per architecture.
 */
import { z } from 'zod';
import { SET_NAMES } from '../../src/data/set-names.js';
import { PipeError } from '../../src/failure/pipe-error.js';
import type { StageContext } from '../api.js';
import { modelParamsSchema, trainSettingsSchema, type TrainSettings } from '../train-settings.js';

export const dataSetSchema = z.enum(SET_NAMES).describe('the data set to train on');

/** Keys every training stage has: its data set, training settings and model hyperparameters (inherited). */
export const trainingKeys = {
  data: dataSetSchema,
  train: trainSettingsSchema.prefault({}),
  model_params: modelParamsSchema.default({}),
  val_fraction: z.number().gt(0).lt(1).default(0.2).describe('share of the set\'s simulations held out for validation'),
};

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
