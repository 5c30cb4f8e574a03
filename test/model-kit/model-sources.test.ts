import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelSources, registeredNames } from '../../src/model-kit/model-sources.js';
import { packageRoot } from '../../src/model-kit/loader.js';
import { helperSource, userModelSource, writeProject } from './fixture-project.js';

test('finds the built-in models by a static scan, without loading tfjs', async () => {
  const sources = await modelSources([packageRoot(), packageRoot()]);
  assert.deepEqual([...sources.keys()].sort(), [
    'cnn_vector',
    'encoder_decoder_attention',
    'large_kernel_ed',
    'plain_cnn',
    'plain_cnn_attention',
    'res_unet',
    'unet',
    'unet_lite',
  ]);
  assert.equal(sources.get('unet')!.file, join(packageRoot(), 'models', 'unet.ts'));
  assert.match(sources.get('unet')!.hash, /^[0-9a-f]{64}$/);
  assert.equal('_tfengine' in globalThis, false, 'tfjs was loaded');
});

test('registeredNames reads literal names only', () => {
  assert.deepEqual(registeredNames(`registerModel('a', {}); registerModel( "b_2",{}); // registerModel(name, def)`), ['a', 'b_2']);
});

test("a model's hash changes with its file and with the relative files it imports, and only then", async () => {
  const root = writeProject({
    'models/a_net.ts': userModelSource('a_net'),
    'models/b_net.ts': userModelSource('b_net').replace("import { width } from './_helpers.js';", 'const width = (f: number) => f;'),
    'models/_helpers.ts': helperSource,
  });
  const first = await modelSources([root]);
  assert.deepEqual(await modelSources([root]), first, 'hashes are stable');
  writeFileSync(join(root, 'models/_helpers.ts'), helperSource.replace('* 2', '* 3'));
  const second = await modelSources([root]);
  assert.notEqual(second.get('a_net')!.hash, first.get('a_net')!.hash);
  assert.equal(second.get('b_net')!.hash, first.get('b_net')!.hash);
  writeFileSync(join(root, 'models/b_net.ts'), userModelSource('b_net') + '\n// edited\n');
  const third = await modelSources([root]);
  assert.equal(third.get('a_net')!.hash, second.get('a_net')!.hash);
  assert.notEqual(third.get('b_net')!.hash, second.get('b_net')!.hash);
});

test('two files registering one name is an error naming both', async () => {
  const root = writeProject({ 'models/unet.ts': userModelSource('unet'), 'models/_helpers.ts': helperSource });
  await assert.rejects(modelSources([packageRoot(), root]), /model 'unet' is registered by two files: .*models\/unet\.ts and .*pipe-user-project-.*unet\.ts/);
});
