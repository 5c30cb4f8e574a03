import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ArraySet } from '../../src/data/array-set.js';
import { loadArraySet, saveArraySet } from '../../src/data/array-set-io.js';
import { writeNpy } from '../../src/data/npy.js';

const tiny: ArraySet = {
  x: Float32Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => i * 0.5),
  y: Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => -i),
  n: 3,
  h: 2,
  factor: 1,
  w: 2,
  cin: 2,
  cout: 1,
  simulation: Int32Array.of(4, 4, 11),
  xChannels: ['elevation', 'rain'],
  yChannels: ['depth'],
};

test('a saved set loads back identical', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pipe-io-'));
  try {
    await saveArraySet(join(dir, 'set'), tiny);
    assert.deepEqual(await loadArraySet(join(dir, 'set')), tiny);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('arrays that disagree with meta.json, or a missing meta.json, are errors naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pipe-io-'));
  try {
    await saveArraySet(dir, tiny);
    await writeNpy(join(dir, 'y.npy'), new Float32Array(4), [1, 2, 2, 1]);
    await assert.rejects(loadArraySet(dir), /y\.npy: shape \(1, 2, 2, 1\) disagrees with meta\.json \(3, 2, 2, 1\)/);
    await writeFile(join(dir, 'meta.json'), '{}');
    await assert.rejects(loadArraySet(dir), /meta\.json: not a saved data set/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('saving an inconsistent set is refused before anything is written', async () => {
  await assert.rejects(saveArraySet('/nonexistent/never', { ...tiny, n: 4 }), /x has 24 values, expected n\*\(h\*factor\)\*\(w\*factor\)\*cin/);
});
