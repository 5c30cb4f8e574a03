import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../src/training/tf.js';
import { loadModel, saveModel } from '../../src/training/model-io.js';
import { cubicMatrix } from '../../src/model-kit/cubic-resample-layer.js';
import { loadModelFiles, packageRoot } from '../../src/model-kit/loader.js';
import { buildModel, checkModel, type Shape3 } from '../../src/model-kit/registry.js';
import { SeededRandom } from '../../src/training/seeded-random.js';
import { gradsOn, relError } from './harness.js';

before(async () => {
  await initBackend('wasm');
  tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  tf.setBackend('wasm');
  await loadModelFiles([packageRoot()]);
});

test('cubic resampling: identity at equal sizes, weights sum to 1, linear ramps preserved inside', () => {
  const id = cubicMatrix(5, 5);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.ok(Math.abs(id[i * 5 + j]! - (i === j ? 1 : 0)) < 1e-6);
  const from = 80;
  const to = 8;
  const m = cubicMatrix(from, to);
  for (let j = 0; j < to; j++) {
    let sum = 0;
    let ramp = 0;
    for (let i = 0; i < from; i++) {
      sum += m[i * to + j]!;
      ramp += i * m[i * to + j]!;
    }
    assert.ok(Math.abs(sum - 1) < 1e-5, `column ${j} sums to ${sum}`);
    // Cubic convolution reproduces linear functions where the stretched kernel (±2 output cells) is not clipped.
    if (j >= 2 && j <= to - 3) assert.ok(Math.abs(ramp - ((j + 0.5) * 10 - 0.5)) < 1e-3, `ramp at ${j}: ${ramp}`);
  }
});

const fine = { inputShape: [40, 40, 2] as Shape3, outputShape: [4, 4, 1] as Shape3 };

for (const inputBlock of ['strided', 'patch', 'cubic', 'auto']) {
  test(`inputBlock ${inputBlock} maps a 10× finer terrain grid onto the output grid, with correct gradients`, () => {
    const model = new SeededRandom(4).asMathRandom(() => buildModel('plain_cnn', fine, { inputBlock, depth: 2, filters: 4 }));
    assert.deepEqual(model.outputs[0]!.shape, [null, 4, 4, 1]);
    const x = tf.randomUniform([1, 40, 40, 2], -1, 1, 'float32', 5);
    const wasm = gradsOn('wasm', model, x);
    const cpu = gradsOn('cpu', model, x);
    tf.setBackend('wasm');
    assert.ok(relError(wasm, cpu) < 1e-4, `gradient error ${relError(wasm, cpu)}`);
    tf.dispose(x);
    model.dispose();
  });
}

test('the learned input blocks need a whole ratio; cubic takes any', () => {
  const odd = { inputShape: [48, 48, 2] as Shape3, outputShape: [20, 20, 1] as Shape3 };
  assert.match(checkModel('unet_lite', odd, { inputBlock: 'strided' })!, /same whole multiple.*48×48.*20×20.*use inputBlock cubic/);
  assert.match(checkModel('unet_lite', odd, { inputBlock: 'patch' })!, /same whole multiple/);
  assert.equal(checkModel('unet_lite', odd, { inputBlock: 'cubic' }), undefined);
  assert.match(checkModel('unet_lite', odd, { inputBlock: 'bicubic' })!, /inputBlock must be one of auto, none, strided, patch, cubic/);
});

test('a model with a cubic input block and attention saves and reloads with identical predictions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-models-cubic-'));
  try {
    const model = buildModel('plain_cnn_attention', { inputShape: [24, 24, 2], outputShape: [8, 8, 1] }, { inputBlock: 'cubic', kvPool: 2 });
    const x = tf.randomUniform([2, 24, 24, 2], -1, 1, 'float32', 9);
    await saveModel(model, dir);
    const again = await loadModel(dir);
    const [a, b] = [model.predict(x) as tf.Tensor, again.predict(x) as tf.Tensor];
    assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()));
    assert.deepEqual(
      again.layers.map((l) => l.getClassName()).filter((c) => c.startsWith('Pipe')),
      ['PipeCubicResample', 'PipeSpatialSelfAttention'],
    );
    tf.dispose([x, a, b]);
    model.dispose();
    again.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
