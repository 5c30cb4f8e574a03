/**
 * Training for tasks: a classification loss with the training prior as dummy, and a monitored validation
 * metric in either direction deciding the best epoch, early stopping and reduce-on-plateau.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/training/tf.js';
import { trainModel, type TrainConfig } from '../../src/training/train-model.js';
import { priorLoss } from '../../src/training/classification-losses.js';
import { LrSchedule } from '../../src/training/schedules.js';
import { buildTiny, tinyConfig, tinyData } from './fixtures/tiny-task.js';
import { tempDirs } from './fixtures/temp-dirs.js';

before(async () => {
  await initBackend('wasm');
});

const tmp = tempDirs('pipe-task-train-');

test('a monitored metric to maximise picks the best epoch by that metric, not by the loss, and stops on it', async () => {
  const train = tinyData(12, 8, 0);
  const val = tinyData(4, 8, 5);
  // a metric that peaks in epoch 1 whatever the loss does
  const script = [0.2, 0.9, 0.5, 0.4, 0.3, 0.1];
  let calls = 0;
  const config: TrainConfig = {
    ...tinyConfig,
    monitor: { metric: 'val_recall', mode: 'max' },
    earlyStopping: { patience: 2, minDelta: 0, restoreBest: false },
  };
  const { model, result } = await trainModel({
    build: () => buildTiny(),
    train,
    val,
    config,
    checkpointDir: tmp(),
    valMetric: (outputs) => {
      assert.equal(outputs.length, val.n * 8 * 8, 'the validation outputs');
      return script[calls++]!;
    },
  });
  model.dispose();
  assert.equal(result.history.bestEpoch, 1);
  assert.equal(result.status, 'stopped');
  assert.equal(result.history.stoppedEpoch, 3, 'two epochs without a higher recall');
  assert.deepEqual(result.history.monitor, { metric: 'val_recall', mode: 'max', values: [0.2, 0.9, 0.5, 0.4] });
});

test('reduce-on-plateau in max mode lowers the rate when the metric stops rising', () => {
  const s = new LrSchedule({ name: 'plateau', factor: 0.5, patience: 1 }, 1, 100, 'max');
  for (const v of [0.5, 0.6, 0.7]) s.endEpoch(v);
  assert.equal(s.at(0), 1, 'rising: no change');
  s.endEpoch(0.7);
  s.endEpoch(0.65);
  assert.equal(s.at(0), 0.5, 'two epochs without a rise (patience 1)');
});

test('the classification dummy is the loss of the training prior', () => {
  // binary: prior 1/4 → logit log(1/3); loss on labels [1, 0] = (−log 0.25 − log 0.75) / 2
  const train = Float32Array.of(1, 0, 0, 0);
  const v = priorLoss({ type: 'binary', classes: 2 }, train, Float32Array.of(1, 0), 1);
  assert.ok(Math.abs(v - (-Math.log(0.25) - Math.log(0.75)) / 2) < 1e-5, `${v}`);
  // multiclass: prior [0.5, 0.25, 0.25]; loss on label 2 = −log 0.25
  const m = priorLoss({ type: 'multiclass', classes: 3 }, Float32Array.of(0, 0, 1, 2), Float32Array.of(2), 1);
  assert.ok(Math.abs(m + Math.log(0.25)) < 1e-5, `${m}`);
});

test('a monitored metric undefined at every epoch (one class in the validation part) keeps the first epoch as the best, never -1', async () => {
  const config: TrainConfig = {
    ...tinyConfig,
    epochs: 4,
    monitor: { metric: 'val_auroc', mode: 'max' },
    earlyStopping: { patience: 2, minDelta: 0, restoreBest: true },
  };
  const { model, result } = await trainModel({
    build: () => buildTiny(),
    train: tinyData(12, 8, 0),
    val: tinyData(4, 8, 5),
    config,
    checkpointDir: tmp(),
    valMetric: () => NaN,
  });
  model.dispose();
  assert.equal(result.history.bestEpoch, 0);
  assert.equal(result.status, 'stopped', 'no epoch improved on the first');
  assert.equal(result.history.stoppedEpoch, 2);
});
