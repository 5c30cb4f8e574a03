import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { trainModel, type TrainConfig } from '../../src/training/train-model.js';
import { lossFn } from '../../src/training/losses.js';
import { shardingObstacle, shardSizes, startShards, threadsFromEnv } from '../../src/training/sharded-gradients.js';
import { buildTiny, tinyConfig, tinyData, weightsDigest } from './fixtures/tiny-task.js';
import { tempDirs } from './fixtures/temp-dirs.js';

before(async () => {
  await initBackend('wasm');
});
const tmp = tempDirs('pipe-shard-');

/** No batch-norm or dropout: every layer can be copied into a worker exactly. */
function buildStateless(size = 8): tf.LayersModel {
  const L = tf.layers;
  return tf.sequential({
    layers: [
      L.conv2d({ inputShape: [size, size, 2], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.upSampling2d({ size: [2, 2] }),
      L.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }),
    ],
  });
}

const train = tinyData(10, 8, 0);
const val = tinyData(4, 8, 5);
const config: TrainConfig = { ...tinyConfig, epochs: 3, batchSize: 4 };

test('shard sizes depend on the batch size and shard count only', () => {
  assert.deepEqual(shardSizes(16, 2), [8, 8]);
  assert.deepEqual(shardSizes(5, 2), [3, 2]);
  assert.deepEqual(shardSizes(1, 2), [1]);
  assert.deepEqual(shardSizes(7, 3), [3, 3, 1]);
});

test('PIPE_TRAIN_THREADS: unset means 1; junk is a clear error', () => {
  assert.equal(threadsFromEnv({}), 1);
  assert.equal(threadsFromEnv({ PIPE_TRAIN_THREADS: '2' }), 2);
  assert.throws(() => threadsFromEnv({ PIPE_TRAIN_THREADS: 'two' }), /PIPE_TRAIN_THREADS must be an integer/);
});

test('models with batch-norm or dropout are not sharded', () => {
  assert.match(shardingObstacle(buildTiny()) ?? '', /non-trainable weights|BatchNormalization|Dropout/);
  assert.equal(shardingObstacle(buildStateless()), null);
});

test('the sharded gradient equals the whole-batch gradient', async () => {
  const model = buildStateless();
  const loss = lossFn('l1');
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const b = 5;
  const x = train.x.slice(0, b * 8 * 8 * 2);
  const y = train.y.slice(0, b * 8 * 8);
  const whole = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => loss(tf.tensor4d(y, [b, 8, 8, 1]), model.apply(tf.tensor4d(x, [b, 8, 8, 2])) as tf.Tensor), vars);
    return { loss: value.dataSync()[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync())) };
  });
  const shards = startShards({ model, shards: 2, loss, lossName: 'l1', xShape: [8, 8, 2], yShape: [8, 8, 1] });
  try {
    const parts = await shards.compute(x, y, b);
    assert.ok(Math.abs(parts.loss - whole.loss) <= 1e-6 * Math.abs(whole.loss));
    parts.grads.forEach((g, i) => {
      const got = g.dataSync();
      const scale = Math.max(...whole.grads[i].map(Math.abs));
      whole.grads[i].forEach((v, k) => assert.ok(Math.abs(got[k] - v) <= 1e-5 * scale, `variable ${i}, element ${k}: ${got[k]} vs ${v}`));
    });
    tf.dispose(parts.grads);
  } finally {
    await shards.close();
    model.dispose();
  }
});

test('2 threads: identical across runs, close to 1 thread; unshardable models train as with 1 thread', async () => {
  const go = (threads: number, build = () => buildStateless()) =>
    trainModel({ build, train, val, config, checkpointDir: tmp(), threads });
  const a = await go(2);
  const b = await go(2);
  const one = await go(1);
  assert.deepEqual(a.result.history.train, b.result.history.train);
  assert.deepEqual(weightsDigest(a.model), weightsDigest(b.model));
  a.result.history.train.forEach((l, i) => assert.ok(Math.abs(l - one.result.history.train[i]) <= 1e-4 * l, `epoch ${i}`));
  const tinyTwo = await go(2, () => buildTiny());
  const tinyOne = await go(1, () => buildTiny());
  assert.deepEqual(tinyTwo.result.history.train, tinyOne.result.history.train);
  for (const r of [a, b, one, tinyTwo, tinyOne]) r.model.dispose();
});
