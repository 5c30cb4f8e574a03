// Batch norm must forget its initial moving statistics within a short training: with tfjs's default
// momentum 0.99 and ≈ 5 steps per epoch, 0.99^150 ≈ 22 % of the initial statistics is left after 30
// epochs (0.9^150 ≈ 1e-7), and validation, early stopping and A's ranking run on them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../src/training/tf.js';
import { trainModel } from '../../src/training/train-model.js';
import { loadModelFiles, packageRoot } from '../../src/model-kit/loader.js';
import { BATCH_NORM_MOMENTUM } from '../../src/model-kit/blocks.js';
import { buildModel, type Shape3 } from '../../src/model-kit/registry.js';
import { syntheticArrays } from './harness.js';

const shapes = { inputShape: [16, 16, 3] as Shape3, outputShape: [16, 16, 1] as Shape3 };
const bnLayers = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() === 'BatchNormalization');

before(async () => {
  await initBackend('wasm');
  await loadModelFiles([packageRoot()]);
});

test('every built-in model with batch norm uses momentum 0.9 (PyTorch 0.1), and bnMomentum overrides it', () => {
  assert.equal(BATCH_NORM_MOMENTUM, 0.9);
  for (const name of ['unet', 'res_unet', 'encoder_decoder_attention', 'plain_cnn', 'large_kernel_ed']) {
    const m = buildModel(name, shapes, { batchNorm: true, ...(name === 'unet' || name === 'res_unet' ? { depth: 2 } : {}) });
    const layers = bnLayers(m);
    assert.ok(layers.length > 0, `${name} has batch-norm layers`);
    for (const l of layers) assert.equal(l.getConfig().momentum, 0.9, `${name}/${l.name}`);
    m.dispose();
  }
  const slow = buildModel('unet', shapes, { depth: 2, bnMomentum: 0.99 });
  assert.equal(bnLayers(slow)[0]!.getConfig().momentum, 0.99);
  slow.dispose();
});

test("after 30 steps the moving variance has left its initial value (1) for the batches' statistics", async () => {
  const data = syntheticArrays(8, 3);
  const { model } = await trainModel({
    build: () => buildModel('unet', shapes, { depth: 2, filters: 4 }),
    train: data,
    val: { ...data, n: 0, x: new Float32Array(0), y: new Float32Array(0) },
    config: { epochs: 15, batchSize: 4, seed: 1, loss: 'l1', lr: 1e-3, optimizer: { name: 'adam' }, schedule: { name: 'constant' } },
    checkpointDir: (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/bn-`),
  });
  // The first BN follows a conv of the raw inputs: its moving variance must be far from the initial 1
  // in most channels, as it is with 0.9^30 ≈ 4 % of the initial value left (0.99^30 ≈ 74 % with tfjs's default).
  const layer = bnLayers(model)[0]!;
  const weight = (part: string) =>
    layer.weights
      .find((w) => w.name.includes(part))!
      .read()
      .dataSync();
  const variance = weight('moving_variance');
  const mean = weight('moving_mean');
  const left = Array.from(variance).map((v, i) => ({ v, m: mean[i]! }));
  const stuck = left.filter(({ v, m }) => Math.abs(v - 1) < 0.3 && Math.abs(m) < 0.3).length;
  assert.ok(stuck <= left.length / 4, `${stuck} of ${left.length} channels still near the initial statistics: ${JSON.stringify(left)}`);
  model.dispose();
});
