// Micro-batches with gradient accumulation and the memory plan: a batch that fits trains exactly as it
// always has; a batch split into micro-batches gives the whole-batch result within float32 rounding; a
// training that cannot fit is refused before the first epoch, with the numbers.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { initBackend, tf } from '../../src/training/tf.js';
import { trainModel, type TrainConfig, type TrainOptions } from '../../src/training/train-model.js';
import { measureFootprint, inferenceBatch, HEAP_MARGIN, type MemoryPlan } from '../../src/training/memory-plan.js';
import { asOutOfMemory, OutOfMemoryError } from '../../src/training/wasm-heap.js';
import { lossFn } from '../../src/training/losses.js';
import { predict } from '../../src/training/batches.js';
import { selfAttention } from '../../src/model-kit/self-attention-layer.js';
import { buildTiny, tinyConfig, tinyData, weightsDigest } from './fixtures/tiny-task.js';
import { tempDirs } from './fixtures/temp-dirs.js';

before(async () => {
  await initBackend('wasm');
});
const tmp = tempDirs('pipe-micro-');

/** Convolutions around full-resolution self-attention (no batch statistics, no dropout). */
function buildAttention(size = 16): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 2] });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = selfAttention({ heads: 2, keyDim: 8, kvPool: 1 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

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

const config: TrainConfig = { ...tinyConfig, epochs: 3, batchSize: 8, clipNorm: undefined };

async function run(build: () => tf.LayersModel, c: TrainConfig, size: number, extra: Partial<TrainOptions> = {}) {
  let plan: MemoryPlan | undefined;
  const out = await trainModel({
    build,
    train: tinyData(16, size, 0),
    val: tinyData(4, size, 5),
    config: c,
    checkpointDir: tmp(),
    onPlan: (p) => (plan = p),
    ...extra,
  });
  const weights = weightsDigest(out.model);
  out.model.dispose();
  return { history: out.result.history, weights, plan: plan! };
}

/** Largest |a−b| relative to the largest |a|. */
function relDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

test('a batch that fits trains bit for bit as without micro-batching: auto and micro_batch ≥ batch (BN and dropout too)', async () => {
  const tiny = { ...tinyConfig };
  const plain = await run(() => buildTiny(), tiny, 8);
  assert.equal(plain.plan.steps, 1);
  assert.ok(plain.plan.estimate !== null && plain.plan.estimate > 0, 'the footprint is measured on wasm');
  for (const microBatch of ['auto', 4, 100] as const) {
    const again = await run(() => buildTiny(), { ...tiny, microBatch }, 8);
    assert.equal(again.plan.steps, 1, String(microBatch));
    assert.deepEqual(again.history.train, plain.history.train, `micro_batch ${microBatch}`);
    assert.deepEqual(again.history.val, plain.history.val, `micro_batch ${microBatch}`);
    assert.deepEqual(again.weights, plain.weights, `micro_batch ${microBatch}`);
  }
});

test("an attention model whose batch does not fit the (shrunk) heap: auto splits it, and the result is the whole batch's within float32 rounding", async () => {
  const whole = await run(() => buildAttention(), config, 16);
  assert.equal(whole.plan.steps, 1);
  // A limit where 3 samples fit and 8 do not (auto plans to fill HEAP_MARGIN of it).
  const fp = whole.plan.footprint!;
  const extra = whole.plan.estimate! - fp.base - 8 * fp.perSample;
  const memoryLimit = Math.floor((fp.base + extra + 3.5 * fp.perSample) / HEAP_MARGIN);
  const split = await run(() => buildAttention(), config, 16, { memoryLimit });
  assert.equal(split.plan.micro, 3);
  assert.equal(split.plan.steps, 3);
  assert.ok(split.plan.estimate! <= memoryLimit * HEAP_MARGIN);
  assert.ok(relDiff(whole.history.train, split.history.train) < 1e-5, `train ${whole.history.train} vs ${split.history.train}`);
  assert.ok(relDiff(whole.history.val, split.history.val) < 1e-5, `val ${whole.history.val} vs ${split.history.val}`);
  assert.ok(relDiff(whole.weights, split.weights) < 1e-4);
  // …and the tolerance is meaningful: another seed lands far away.
  const other = await run(() => buildAttention(), { ...config, seed: 11 }, 16);
  assert.ok(relDiff(whole.history.train, other.history.train) > 1e-3);
});

test('an explicit micro_batch equals the whole batch within rounding; with 2 threads each micro-batch is sharded', async () => {
  const whole = await run(() => buildStateless(), config, 8);
  const micro = await run(() => buildStateless(), { ...config, microBatch: 4 }, 8);
  assert.equal(micro.plan.steps, 2);
  assert.ok(relDiff(whole.history.train, micro.history.train) < 1e-5);
  assert.ok(relDiff(whole.weights, micro.weights) < 1e-4);
  const sharded = await run(() => buildStateless(), { ...config, microBatch: 4 }, 8, { threads: 2 });
  assert.equal(sharded.plan.steps, 2);
  assert.ok(relDiff(whole.history.train, sharded.history.train) < 1e-5);
  assert.ok(relDiff(whole.weights, sharded.weights) < 1e-4);
  const again = await run(() => buildStateless(), { ...config, microBatch: 4 }, 8, { threads: 2 });
  assert.deepEqual(again.history.train, sharded.history.train, 'deterministic');
});

test('batch norm with micro-batches: statistics per micro-batch (a different, deterministic result)', async () => {
  const c = { ...tinyConfig, clipNorm: undefined };
  const whole = await run(() => buildTiny(), c, 8);
  const a = await run(() => buildTiny(), { ...c, microBatch: 2 }, 8);
  const b = await run(() => buildTiny(), { ...c, microBatch: 2 }, 8);
  assert.equal(a.plan.steps, 2);
  assert.deepEqual(a.history.train, b.history.train);
  assert.deepEqual(a.weights, b.weights);
  assert.ok(a.history.train.every(Number.isFinite));
  assert.notDeepEqual(a.history.train, whole.history.train);
});

test('a training that cannot fit even at one sample is refused before the first epoch, with the numbers', async () => {
  const dir = tmp();
  let epochs = 0;
  await assert.rejects(
    trainModel({
      build: () => buildAttention(),
      train: tinyData(16, 16, 0),
      val: tinyData(4, 16, 5),
      config,
      checkpointDir: dir,
      label: 'attn',
      memoryLimit: 2 ** 21,
      onEpoch: () => epochs++,
    }),
    (err: unknown) => {
      assert.ok(err instanceof OutOfMemoryError);
      assert.equal(err.reason, 'out-of-memory');
      assert.match(
        err.message,
        new RegExp(
          /^attn at 16×16, batch 8: even one sample does not fit: a step on one sample needs about [\d.]+ (KiB|MiB) of tensors; /.source +
            /pipe plans to fill at most 70 % \(1\.4 MiB\) of the 2\.0 MiB the wasm backend can address$/.source,
        ),
      );
      assert.match(err.hint ?? '', /kvPool/);
      return true;
    },
  );
  assert.equal(epochs, 0);
  assert.deepEqual(readdirSync(dir), [], 'no checkpoint');
});

test('an explicit micro_batch that cannot fit is refused and told the largest that does', async () => {
  const probe = buildAttention();
  const fp = await measureFootprint(probe, [16, 16, 2], [16, 16, 1], lossFn('l1'));
  probe.dispose();
  const memoryLimit = Math.floor((fp.base + 3 * fp.perSample) / HEAP_MARGIN);
  await assert.rejects(
    trainModel({
      build: () => buildAttention(),
      train: tinyData(16, 16, 0),
      val: tinyData(4, 16, 5),
      config: { ...config, microBatch: 8 },
      checkpointDir: tmp(),
      memoryLimit,
    }),
    (err: unknown) =>
      err instanceof OutOfMemoryError &&
      /micro_batch 8: a step on 8 samples needs about/.test(err.message) &&
      /set train\.micro_batch to [12] or less/.test(err.hint ?? ''),
  );
});

test('inference is batched by memory too, with the same outputs', async () => {
  const model = buildAttention();
  const x = tinyData(6, 16, 1);
  const whole = await predict(model, x, 6);
  const fp = await measureFootprint(model, [16, 16, 2], [16, 16, 1], null);
  const memoryLimit = Math.floor((fp.base + 2.5 * fp.perSample) / HEAP_MARGIN);
  assert.equal(await inferenceBatch(model, [16, 16, 2], 6, memoryLimit), 2);
  const parts = await predict(model, x, 6, { memoryLimit });
  assert.ok(relDiff(Array.from(whole), Array.from(parts)) < 1e-6);
  model.dispose();
});

test('a full wasm heap is an out-of-memory failure, not a trap; the heap stays usable', () => {
  const before = tf.memory().numTensors;
  assert.throws(
    () => tf.fill([2 ** 30 - 16], 0),
    (err: unknown) => err instanceof OutOfMemoryError && /the wasm heap is full: allocating 4\.00 GiB failed/.test(err.message),
  );
  assert.deepEqual(Array.from(tf.tidy(() => tf.add(tf.ones([3]), 1)).dataSync()), [2, 2, 2]);
  assert.ok(tf.memory().numTensors <= before + 2);
  const trap = asOutOfMemory(
    new (globalThis as unknown as { WebAssembly: { RuntimeError: new (m: string) => Error } }).WebAssembly.RuntimeError('memory access out of bounds'),
    'unit x',
  );
  assert.ok(trap instanceof OutOfMemoryError && /^unit x: the wasm backend ran out of memory/.test(trap.message));
  const other = new Error('something else');
  assert.equal(asOutOfMemory(other, 'unit x'), other);
});
