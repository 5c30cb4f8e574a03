import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initBackend } from '../../src/training/tf.js';
import { PipeError } from '../../src/failure/pipe-error.js';
import { apiModuleUrl, loadModelFiles, packageRoot } from '../../src/model-kit/loader.js';
import { buildModel, getModel, listModels } from '../../src/model-kit/registry.js';
import { helperSource, userModelSource, writeProject } from './fixture-project.js';

const BUILT_INS = ['cnn_vector', 'encoder_decoder_attention', 'large_kernel_ed', 'plain_cnn', 'plain_cnn_attention', 'res_unet', 'unet', 'unet_lite'];

before(async () => {
  await initBackend('wasm');
});

test('built-in model files register into the registry this code reads (same module instance)', async () => {
  await loadModelFiles([packageRoot()]);
  assert.deepEqual(
    listModels().map((m) => m.name),
    BUILT_INS,
  );
  for (const name of BUILT_INS) assert.equal(getModel(name).file, join(packageRoot(), 'models', `${name}.ts`));
  // From dist/ the api is the compiled dist/src/model-kit/api.js, from source under tsx it is api.ts.
  assert.match(apiModuleUrl(), import.meta.url.endsWith('.ts') ? /\/src\/model-kit\/api\.ts$/ : /\/dist\/src\/model-kit\/api\.js$/);
});

test('a user project (CommonJS package, no node_modules) adds models; helpers and templates are not models', async () => {
  const root = writeProject({
    'models/my_net.ts': userModelSource('my_net'),
    'models/_helpers.ts': helperSource,
    'models/_template.ts.example': 'this is not TypeScript',
    'models/nested/deep_net.ts': userModelSource('deep_net').replace("'./_helpers.js'", "'../_helpers.js'"),
  });
  await loadModelFiles([packageRoot(), root]);
  assert.equal(getModel('my_net').file, join(root, 'models', 'my_net.ts'));
  assert.equal(getModel('deep_net').file, join(root, 'models', 'nested', 'deep_net.ts'));
  const model = buildModel('my_net', { inputShape: [8, 8, 2], outputShape: [8, 8, 1] }, { filters: 3 });
  assert.equal(model.countParams(), 2 * 9 * 6 + 6 + 6 + 1);
  model.dispose();
  // Loading again (the package root twice, the project again) registers nothing twice.
  await loadModelFiles([root, packageRoot(), packageRoot()]);
  assert.equal(listModels().length, BUILT_INS.length + 2);
});

test('a user model re-using a built-in name is refused, naming both files', async () => {
  const root = writeProject({ 'models/unet.ts': userModelSource('unet'), 'models/_helpers.ts': helperSource });
  await assert.rejects(
    loadModelFiles([root]),
    (e: PipeError) =>
      e.reason === 'config-invalid' && e.message.includes(join(packageRoot(), 'models', 'unet.ts')) && e.message.includes(join(root, 'models', 'unet.ts')),
  );
});

test('a model file that does not load is a config error naming the file', async () => {
  const root = writeProject({
    'models/broken.ts': userModelSource('broken', "import { nothing } from './_missing.js';\nnothing();"),
    'models/_helpers.ts': helperSource,
  });
  await assert.rejects(loadModelFiles([root]), (e: PipeError) => e.reason === 'config-invalid' && /cannot load model file .*broken\.ts/.test(e.message));
});
