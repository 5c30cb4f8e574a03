import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainChange, fingerprintOf, type FingerprintParts } from '../../src/cache/fingerprint.js';
import { canonicalJson } from '../../src/cache/hash.js';
import { CacheStore } from '../../src/cache/store.js';

const base: FingerprintParts = {
  kind: 'train',
  params: { train: { lr: 0.001, epochs: 3 }, models: ['unet'] },
  seed: 1,
  backend: 'wasm',
  data: { small: 'd1' },
  upstream: { A: 'f1' },
  models: { unet: { file: 'models/unet.ts', hash: 'h1' } },
  files: {},
  tool: '0.1.0',
  tfjs: '4.22.0',
};

test('canonical JSON sorts keys at every level', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: undefined } }), '{"a":{"d":[2,{"y":0,"z":1}]},"b":1}');
});

test('the fingerprint ignores key order and changes with any part', () => {
  const same = { ...base, params: { models: ['unet'], train: { epochs: 3, lr: 0.001 } } };
  assert.equal(fingerprintOf(same), fingerprintOf(base));
  for (const change of [{ seed: 2 }, { backend: 'tensorflow' }, { tfjs: '4.23.0' }, { data: { small: 'd2' } }, { upstream: {} }]) {
    assert.notEqual(fingerprintOf({ ...base, ...change }), fingerprintOf(base), JSON.stringify(change));
  }
});

test('explainChange names each change', () => {
  const now: FingerprintParts = {
    ...base,
    params: { train: { lr: 0.002 }, models: ['unet'] },
    data: { small: 'd2' },
    upstream: { A: 'f2' },
    models: { unet: { file: 'models/unet.ts', hash: 'h2' } },
    tool: '0.2.0',
  };
  assert.deepEqual(explainChange(base, now), [
    'params.train.lr changed (0.001 → 0.002)',
    'params.train.epochs removed',
    "data 'small' changed",
    'upstream A changed',
    'models/unet.ts changed',
    'pipe version changed (0.1.0 → 0.2.0)',
  ]);
  assert.deepEqual(explainChange(base, base), []);
});

test('a cache entry is valid only with its commit marker and matching files', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pipe-store-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const warnings: string[] = [];
  const store = new CacheStore(root, (m) => warnings.push(m));
  const tmp = await store.begin();
  mkdirSync(join(tmp, 'files', 'sub'));
  writeFileSync(join(tmp, 'files', 'sub', 'a.txt'), 'hello');
  const entry = await store.commit('stages', 'k1', tmp, { note: 1 });
  assert.deepEqual(Object.keys(entry.manifest.files), ['sub/a.txt']);
  assert.ok((await store.get('stages', 'k1')) !== undefined);
  // half-written: a folder without its marker is not an entry (and is cleaned away)
  mkdirSync(join(root, 'stages', 'k2', 'files'), { recursive: true });
  assert.equal(await store.get('stages', 'k2'), undefined);
  assert.ok(!existsSync(join(root, 'stages', 'k2')));
  // corrupt: a file changed after commit
  writeFileSync(join(entry.files, 'sub', 'a.txt'), 'HELLO');
  assert.equal(await store.get('stages', 'k1'), undefined);
  assert.match(warnings.join('\n'), /k1 is corrupt \(sub\/a.txt hash mismatch\); discarded/);
});
