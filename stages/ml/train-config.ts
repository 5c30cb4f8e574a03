/**
 * pipeline.yaml's training settings (snake_case) → the training engine's TrainConfig, and the tuned
 * parameter paths (`train.lr`, `model.filters`) applied over a base configuration.
 */
import type { TrainSettings } from '../train-settings.js';
import type { TrainConfig } from '../../src/training/train-model.js';

export function toTrainConfig(s: TrainSettings, seed: number): TrainConfig {
  const schedule: TrainConfig['schedule'] =
    s.schedule === 'cosine'
      ? { name: 'cosine', minLr: s.min_lr }
      : s.schedule === 'one_cycle'
        ? { name: 'one_cycle' }
        : s.schedule === 'plateau'
          ? { name: 'plateau', factor: s.plateau_factor, patience: s.plateau_patience, minLr: s.min_lr }
          : { name: 'constant' };
  return {
    epochs: s.epochs,
    batchSize: s.batch_size,
    seed,
    loss: s.loss,
    huberDelta: s.huber_delta,
    lr: s.lr,
    optimizer: { name: s.optimizer, weightDecay: s.weight_decay, momentum: s.momentum },
    schedule,
    earlyStopping: s.early_stopping
      ? { patience: s.early_stopping.patience, minDelta: s.early_stopping.min_delta, restoreBest: s.early_stopping.restore_best }
      : undefined,
    clipNorm: s.clip_norm ?? undefined,
    ...(s.micro_batch !== undefined ? { microBatch: s.micro_batch } : {}),
    // only when written, so a study that monitors the loss keeps its training configuration
    ...((s.monitor !== undefined && s.monitor !== 'val_loss') || s.mode !== undefined
      ? { monitor: { metric: s.monitor ?? 'val_loss', mode: s.mode ?? (s.monitor === undefined || s.monitor === 'val_loss' ? 'min' : 'max') } }
      : {}),
  };
}

export type ParamValue = number | string | boolean;

/** Split tuned params into training-setting and model-hyperparameter overrides. */
export function splitTunedParams(params: Record<string, ParamValue>): { train: Record<string, ParamValue>; model: Record<string, ParamValue> } {
  const train: Record<string, ParamValue> = {};
  const model: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith('train.')) train[k.slice(6)] = v;
    else if (k.startsWith('model.')) model[k.slice(6)] = v;
  }
  return { train, model };
}
