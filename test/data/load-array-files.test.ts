import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DataError } from '../../src/data/data-error.js';
import { loadArrayFiles } from '../../src/data/load-array-files.js';
import { writeNpy } from '../../src/data/npy.js';
import { encodeNpz } from '../../src/data/npz.js';
import { fixture } from './fixture-path.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pipe-load-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

test('3-D .npy files get a channel axis; without ids each sample is its own simulation', async () => {
  await writeNpy(join(dir, 'x.npy'), ramp(3 * 2 * 4), [3, 2, 4]);
  await writeNpy(join(dir, 'y.npy'), Float64Array.from(ramp(3 * 2 * 4 * 2)), [3, 2, 4, 2]);
  const set = await loadArrayFiles({ x: 'x.npy', y: 'y.npy' }, dir);
  assert.deepEqual([set.n, set.h, set.w, set.cin, set.cout], [3, 2, 4, 1, 2]);
  assert.deepEqual(Array.from(set.simulation), [0, 1, 2]);
  assert.deepEqual(set.xChannels, ['x0']);
  assert.deepEqual(set.yChannels, ['y0', 'y1']);
  assert.ok(set.y instanceof Float32Array);
  assert.equal(set.y[47], 47);
});

test('simulation ids are read from their own file and must be whole numbers', async () => {
  await writeNpy(join(dir, 'x.npy'), ramp(3 * 2 * 4), [3, 2, 4]);
  await writeNpy(join(dir, 'y.npy'), ramp(3 * 2 * 4), [3, 2, 4]);
  await writeNpy(join(dir, 'sim.npy'), Int32Array.of(5, 5, 9), [3]);
  const set = await loadArrayFiles({ x: 'x.npy', y: 'y.npy', simulation: 'sim.npy' }, dir);
  assert.deepEqual(Array.from(set.simulation), [5, 5, 9]);
  await writeNpy(join(dir, 'sim-bad.npy'), Float32Array.of(1, 1.5, 2), [3]);
  await assert.rejects(loadArrayFiles({ x: 'x.npy', y: 'y.npy', simulation: 'sim-bad.npy' }, dir), /sim-bad\.npy: simulation id 1\.5 at sample index 1/);
  await writeNpy(join(dir, 'sim-short.npy'), Int32Array.of(1, 2), [2]);
  await assert.rejects(loadArrayFiles({ x: 'x.npy', y: 'y.npy', simulation: 'sim-short.npy' }, dir), /shape \(3,\) to match x, got \(2\)/);
});

test('an .npz from numpy loads with its default array names, int64 ids included', async () => {
  const set = await loadArrayFiles({ npz: fixture('set.npz') }, dir);
  assert.deepEqual([set.n, set.h, set.w, set.cin, set.cout], [2, 3, 4, 2, 1]);
  assert.deepEqual(Array.from(set.simulation), [7, 7]);
  assert.ok(Math.abs(set.x[47]! - 4.7) < 1e-6);
});

test('an .npz with other names is read through the spec; a missing name lists what is there', async () => {
  const file = join(dir, 'named.npz');
  await writeFile(file, encodeNpz({ inputs: { values: ramp(8), shape: [2, 2, 2] }, depth: { values: ramp(8), shape: [2, 2, 2] } }, true));
  const set = await loadArrayFiles({ npz: 'named.npz', x: 'inputs', y: 'depth' }, dir);
  assert.equal(set.n, 2);
  await assert.rejects(loadArrayFiles({ npz: 'named.npz' }, dir), (error: unknown) => {
    assert.ok(error instanceof DataError);
    assert.equal(error.file, file);
    assert.match(error.message, /has no array 'x' \(it holds: inputs, depth\)/);
    return true;
  });
});

test('x and y must agree on sample count and grid, and have 3 or 4 dimensions', async () => {
  await writeNpy(join(dir, 'x.npy'), ramp(3 * 2 * 4), [3, 2, 4]);
  await writeNpy(join(dir, 'y2.npy'), ramp(2 * 2 * 4), [2, 2, 4]);
  await assert.rejects(loadArrayFiles({ x: 'x.npy', y: 'y2.npy' }, dir), /y2\.npy: y has 2 samples but x .* has 3/);
  await writeNpy(join(dir, 'y-grid.npy'), ramp(3 * 4 * 2), [3, 4, 2]);
  await assert.rejects(
    loadArrayFiles({ x: 'x.npy', y: 'y-grid.npy' }, dir),
    /y-grid\.npy: y grid is 4×2 but x .* grid is 2×4: x must be on y's grid or a whole multiple/,
  );
  // x on a grid twice as fine as y's in both directions is a finer terrain (factor 2); 2× one way only is not
  await writeNpy(join(dir, 'y-coarse.npy'), ramp(3 * 1 * 2), [3, 1, 2]);
  const fine = await loadArrayFiles({ x: 'x.npy', y: 'y-coarse.npy' }, dir);
  assert.deepEqual([fine.h, fine.w, fine.factor, fine.cin], [1, 2, 2, 1]);
  await writeNpy(join(dir, 'y-half.npy'), ramp(3 * 1 * 4), [3, 1, 4]);
  await assert.rejects(loadArrayFiles({ x: 'x.npy', y: 'y-half.npy' }, dir), /y grid is 1×4 but x .* grid is 2×4/);
  await writeNpy(join(dir, 'flat.npy'), ramp(6), [6]);
  await assert.rejects(loadArrayFiles({ x: 'flat.npy', y: 'x.npy' }, dir), /flat\.npy: expected shape \[n, h, w\] or \[n, h, w, channels\], got \(6\)/);
});

test('NaN or Inf is an error naming the file and the sample', async () => {
  const x = ramp(3 * 2 * 4);
  x[2 * 8 + 5] = Number.NaN;
  x[2 * 8 + 6] = Number.POSITIVE_INFINITY;
  await writeNpy(join(dir, 'x-nan.npy'), x, [3, 2, 4]);
  await writeNpy(join(dir, 'y.npy'), ramp(3 * 2 * 4), [3, 2, 4]);
  await assert.rejects(loadArrayFiles({ x: 'x-nan.npy', y: 'y.npy' }, dir), (error: unknown) => {
    assert.ok(error instanceof DataError);
    assert.equal(error.file, join(dir, 'x-nan.npy'));
    assert.match(error.message, /value NaN at sample index 2 \(flat index 21; 2 non-finite values in all\)/);
    return true;
  });
  const y = ramp(3 * 2 * 4);
  y[3] = Number.NEGATIVE_INFINITY;
  await writeNpy(join(dir, 'y-inf.npy'), y, [3, 2, 4]);
  await assert.rejects(loadArrayFiles({ x: 'y.npy', y: 'y-inf.npy' }, dir), /y-inf\.npy: value -Infinity at sample index 0/);
});

test('a y of shape [n, k] or [n] is a vector target on x grid; it survives subsets and the on-disk form', async () => {
  const { saveArraySet, loadArraySet } = await import('../../src/data/array-set-io.js');
  const { subset } = await import('../../src/data/splits.js');
  const { Scaler } = await import('../../src/data/scaler.js');
  await writeNpy(join(dir, 'xv.npy'), ramp(4 * 2 * 3), [4, 2, 3]);
  await writeNpy(join(dir, 'yv.npy'), ramp(4 * 2), [4, 2]);
  const set = await loadArrayFiles({ x: 'xv.npy', y: 'yv.npy' }, dir);
  assert.deepEqual([set.target, set.n, set.h, set.w, set.factor, set.cin, set.cout], ['vector', 4, 2, 3, 1, 1, 2]);
  const part = subset(set, [3, 1]);
  assert.equal(part.target, 'vector');
  assert.deepEqual(Array.from(part.y), [6, 7, 2, 3]);
  await saveArraySet(join(dir, 'saved'), part);
  const back = await loadArraySet(join(dir, 'saved'));
  assert.equal(back.target, 'vector');
  assert.deepEqual(Array.from(back.y), [6, 7, 2, 3]);
  const scaled = Scaler.fit(set).applySet(set);
  assert.equal(scaled.target, 'vector');
  assert.ok(Math.abs(scaled.y[0]! + scaled.y[6]!) < 1e-6, 'per-target standardisation');
  assert.deepEqual(Array.from(Scaler.fit(set, { scaleY: false }).applySet(set).y), Array.from(set.y), 'labels are left as they are');
  await writeNpy(join(dir, 'y1.npy'), Float32Array.of(0, 1, 1, 0), [4]);
  assert.deepEqual([(await loadArrayFiles({ x: 'xv.npy', y: 'y1.npy' }, dir)).cout], [1]);
  await writeNpy(join(dir, 'y5.npy'), ramp(5 * 2), [5, 2]);
  await assert.rejects(loadArrayFiles({ x: 'xv.npy', y: 'y5.npy' }, dir), /y has 5 samples but x .* has 4/);
});

test('a grid set on disk keeps its meta.json bytes (no target key)', async () => {
  const { saveArraySet } = await import('../../src/data/array-set-io.js');
  const { readFile } = await import('node:fs/promises');
  await writeNpy(join(dir, 'xg.npy'), ramp(2 * 2 * 2), [2, 2, 2]);
  await writeNpy(join(dir, 'yg.npy'), ramp(2 * 2 * 2), [2, 2, 2]);
  const set = await loadArrayFiles({ x: 'xg.npy', y: 'yg.npy' }, dir);
  assert.equal(set.target, undefined);
  await saveArraySet(join(dir, 'grid'), set);
  assert.doesNotMatch(await readFile(join(dir, 'grid', 'meta.json'), 'utf8'), /target/);
});
