import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

test('tfjsVersion reads the installed version without loading tfjs', () => {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const mod = join(here, '..', '..', '..', 'src', 'training', ts ? 'tfjs-version.ts' : 'tfjs-version.js');
  const script =
    `const { tfjsVersion } = await import(${JSON.stringify(mod)});` +
    `const { createRequire } = await import('node:module');` +
    `const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow/tfjs-core/dist'));` +
    `console.log(JSON.stringify({ v: tfjsVersion(), loaded: loaded.length }));`;
  const r = spawnSync(process.execPath, [...(ts ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { v: string; loaded: number };
  const expected = (JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version;
  assert.equal(out.v, expected);
  assert.equal(out.loaded, 0);
});

test('backend auto falls back to wasm here; a forced unavailable tensorflow backend says why and how to fix', async () => {
  const { initBackend, tf } = await import('../../src/training/tf.js');
  await assert.rejects(
    initBackend('tensorflow'),
    (e: Error & { reason?: string; hint?: string }) =>
      /backend 'tensorflow' is not available/.test(e.message) && e.reason === 'backend-unavailable' && /install @tensorflow\/tfjs-node/.test(e.hint ?? ''),
  );
  const info = await initBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});
