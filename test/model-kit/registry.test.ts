import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipeError } from '../../src/failure/pipe-error.js';
import { buildModel, getModel, listModels, registerModel, resolveHp, withSourceFile, type ModelDef } from '../../src/model-kit/registry.js';

// The registry holds no tfjs value; these definitions never build, so tfjs is not needed here.
const def = (description: string): ModelDef => ({
  description,
  defaults: { filters: 8, depth: 2, inputBlock: 'auto', batchNorm: true },
  build: () => {
    throw new Error('not built in this test');
  },
});

registerModel('unet', def('first'));
registerModel('unet_lite', def('second'));

test('a name registered twice throws, naming both files', async () => {
  await assert.rejects(
    withSourceFile('/p/models/other.ts', async () => registerModel('unet', def('again'))),
    (e: PipeError) => e.reason === 'config-invalid' && /'unet' is registered twice.*code outside a model file.*\/p\/models\/other\.ts/.test(e.message),
  );
  assert.equal(getModel('unet').def.description, 'first');
});

test('invalid names are refused', () => {
  assert.throws(() => registerModel('My-Net', def('x')), /model name 'My-Net' is invalid/);
});

test('an unknown name is a model-unknown error with a did-you-mean and the known list', () => {
  assert.throws(
    () => getModel('uent'),
    (e: PipeError) => e.reason === 'model-unknown' && /did you mean 'unet'/.test(e.message) && e.hint === 'known models: unet, unet_lite',
  );
  assert.throws(
    () => getModel('transformer'),
    (e: PipeError) => !e.message.includes('did you mean'),
  );
});

test('listModels is sorted by name', () => {
  assert.deepEqual(
    listModels().map((m) => m.name),
    ['unet', 'unet_lite'],
  );
});

test('hyperparameters merge over defaults; unknown keys and wrong types are refused', () => {
  assert.deepEqual(resolveHp('unet', { depth: 3 }), { filters: 8, depth: 3, inputBlock: 'auto', batchNorm: true });
  assert.throws(() => resolveHp('unet', { filter: 16 }), /no hyperparameter 'filter'; did you mean 'filters'/);
  assert.throws(() => resolveHp('unet', { depth: '3' }), /'depth' must be a number \(default 2\), got "3"/);
  assert.throws(() => resolveHp('unet', { batchNorm: 1 }), /'batchNorm' must be a boolean/);
});

test('buildModel runs the check first and turns a refusal into a config error naming the model', () => {
  registerModel('picky', { ...def('picky'), check: (spec) => (spec.outputShape[0] % 4 ? 'needs multiples of 4' : undefined) });
  assert.throws(
    () => buildModel('picky', { inputShape: [6, 6, 1], outputShape: [6, 6, 1] }),
    (e: PipeError) => e.reason === 'config-invalid' && e.message === "model 'picky' cannot be built: needs multiples of 4",
  );
});
