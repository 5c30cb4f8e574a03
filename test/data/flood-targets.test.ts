/**
 * The flood generator's targets (src/data/flood/targets.ts): the default depth set is the bytes and the
 * data hash it always had, the exceed labels agree with the depths they threshold, and the storm vector
 * is the simulator's own storm in physical units.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { ArraySet } from '../../src/data/array-set.js';
import { generateFlood, sampleStarts } from '../../src/data/flood/generate.js';
import { EXCEED_ANY_THRESHOLD, EXCEED_CELL_THRESHOLD, floodParamsSchema, resolveFloodParams } from '../../src/data/flood/params.js';
import { simulateOne } from '../../src/data/flood/simulate.js';
import { STORM_CHANNELS, stormVector } from '../../src/data/flood/targets.js';
import { loadPipeline } from '../../src/config/load.js';
import { StatCache } from '../../src/cache/stat-cache.js';
import { dataHashes } from '../../src/runner/data-sets.js';
import { packageRoot } from '../../src/runner/project.js';
import { loadStageKinds } from '../../src/runner/stage-kinds.js';

const small = { grid: 12, simulations: 3, steps: 40, horizon: 10, samplesPerSimulation: 3, dx: 40 };

const digest = (set: ArraySet) =>
  createHash('sha256')
    .update(Buffer.from(set.x.buffer))
    .update(Buffer.from(set.y.buffer))
    .update(Buffer.from(set.simulation.buffer))
    .update(JSON.stringify([set.n, set.h, set.w, set.factor, set.cin, set.cout, set.xChannels, set.yChannels, set.target]))
    .digest('hex');

test('target depth (the default) generates the bytes it did before targets existed', () => {
  // digests taken from the generator at 2a0972e, before the target option
  assert.equal(digest(generateFlood()), '302acb08ee2081812c7645a3b16b2d513d05085957603b44c6f3318b91fba7b4');
  assert.equal(digest(generateFlood(small)), 'cb103e2523b5114b8505013ecbc84f03d7724e9c1f73d1ac596e0bf6c59bfff7');
  assert.equal(digest(generateFlood({ ...small, target: 'depth' })), digest(generateFlood(small)));
  assert.equal(generateFlood(small).target, undefined, 'a grid set has no target field');
  const p = resolveFloodParams({ target: 'depth' });
  assert.ok(!('target' in p) && !('threshold' in p), 'the resolved (hashed) parameters of a depth set are what they were');
  assert.deepEqual(p.rain.events, [2, 4]);
});

test("the reference study's data hashes are the ones in pipeline.ci.lock and pipeline.lock", async () => {
  const root = packageRoot();
  await loadStageKinds(root);
  const dir = await mkdtemp(join(tmpdir(), 'pipe-flood-targets-'));
  for (const [profile, lock] of [
    ['ci', 'pipeline.ci.lock'],
    [undefined, 'pipeline.lock'],
  ] as const) {
    const p = loadPipeline({ file: join(root, 'pipeline.yaml'), profile });
    const hashes = await dataHashes(p, new StatCache(join(dir, 'stat.json')));
    const locked = parse(readFileSync(join(root, lock), 'utf8')).stages.D.parts.data as Record<string, string>;
    assert.ok(Object.keys(locked).length >= 3);
    for (const [set, hash] of Object.entries(locked)) assert.equal(hashes[set], hash, `${lock}: data set ${set}`);
  }
  await rm(dir, { recursive: true, force: true });
});

const positiveRate = (set: ArraySet) => set.y.reduce((a, v) => a + v, 0) / set.y.length;

test('exceed_any and exceed_cell: binary labels with a positive rate of 10–35 % at the default sizes', (t) => {
  // the default grid, steps and horizon; 12 of the 40 simulations keep the test short (all 40: 24 % and 21 %)
  const sizes = { simulations: 12 };
  const any = generateFlood({ ...sizes, target: 'exceed_any' });
  assert.equal(any.target, 'vector');
  assert.deepEqual([any.n, any.h, any.w, any.cin, any.cout, any.y.length], [48, 32, 32, 3, 1, 48]);
  assert.deepEqual(any.yChannels, ['exceed_any']);
  const cell = generateFlood({ ...sizes, target: 'exceed_cell' });
  assert.equal(cell.target, undefined);
  assert.deepEqual([cell.n, cell.h, cell.w, cell.cout, cell.y.length], [48, 32, 32, 1, 48 * 32 * 32]);
  const xDigest = (set: ArraySet) => createHash('sha256').update(Buffer.from(set.x.buffer)).digest('hex');
  assert.equal(xDigest(any), xDigest(generateFlood(sizes)), 'the exceed targets label the inputs of the depth set');
  assert.equal(xDigest(cell), xDigest(any));
  for (const set of [any, cell]) {
    assert.ok(set.y.every((v) => v === 0 || v === 1));
    const rate = positiveRate(set);
    t.diagnostic(`${set.yChannels[0]}: positive rate ${(100 * rate).toFixed(1)} %`);
    assert.ok(rate >= 0.1 && rate <= 0.35, `${set.yChannels[0]}: positive rate ${rate}`);
  }
});

test('the exceed labels are the deepest water over (t0, t0 + horizon] against the threshold', () => {
  const threshold = 0.02;
  const params = resolveFloodParams({ ...small, target: 'exceed_cell', threshold });
  assert.equal(params.threshold, threshold);
  const set = generateFlood({ ...small, target: 'exceed_cell', threshold });
  const any = generateFlood({ ...small, target: 'exceed_any', threshold });
  const starts = sampleStarts(params);
  const cells = small.grid ** 2;
  let positives = 0;
  for (let s = 0; s < small.simulations; s++) {
    const every = Array.from({ length: small.steps + 1 }, (_, t) => t);
    const { snapshots } = simulateOne(params, s, every);
    starts.forEach((t0, j) => {
      const sample = s * starts.length + j;
      for (let i = 0; i < cells; i++) {
        let deepest = 0;
        for (let t = t0 + 1; t <= t0 + small.horizon; t++) deepest = Math.max(deepest, snapshots.get(t)!.depth[i]!);
        assert.equal(set.y[sample * cells + i], deepest > threshold ? 1 : 0, `sample ${sample} cell ${i}`);
        positives += deepest > threshold ? 1 : 0;
      }
      assert.equal(any.y[sample], set.y.subarray(sample * cells, (sample + 1) * cells).includes(1) ? 1 : 0);
    });
  }
  assert.ok(positives > 0 && positives < set.y.length, 'both labels occur');
  assert.equal(resolveFloodParams({ target: 'exceed_any' }).threshold, EXCEED_ANY_THRESHOLD);
  assert.equal(resolveFloodParams({ target: 'exceed_cell' }).threshold, EXCEED_CELL_THRESHOLD);
});

test('storm: the vector is the simulated storm in physical units, from elevation and the depth after the horizon', () => {
  const params = resolveFloodParams({ ...small, target: 'storm' });
  assert.deepEqual(params.rain.events, [1, 1], 'a storm target has one storm per simulation');
  const set = generateFlood({ ...small, target: 'storm' });
  const depth = generateFlood({ ...small, rain: { events: [1, 1] } });
  assert.equal(set.target, 'vector');
  assert.deepEqual(set.xChannels, ['elevation', 'depth']);
  assert.deepEqual(set.yChannels, [...STORM_CHANNELS]);
  assert.equal(set.y.length, set.n * STORM_CHANNELS.length);
  const { dx, dt } = params;
  for (let sample = 0; sample < set.n; sample++) {
    const s = set.simulation[sample]!;
    const [storm] = simulateOne(params, s).storms;
    const expected = [storm!.peak * 3.6e6, (storm!.x + 0.5) * dx, (storm!.y + 0.5) * dx, storm!.radius * dx];
    expected.push((storm!.vx * dx) / dt, (storm!.vy * dx) / dt, storm!.start * dt, storm!.duration * dt);
    const row = [...set.y.subarray(sample * 8, sample * 8 + 8)];
    assert.deepEqual(row, expected.map(Math.fround));
    assert.deepEqual(row, stormVector(storm!, params).map(Math.fround));
    const [peak, , , radius, , , , duration] = row;
    assert.ok(peak! >= 30 && peak! <= 120, `peak ${peak} mm/h within rain.peak_mm_per_hour`);
    assert.ok(radius! >= 0.15 * small.grid * dx * 0.9999 && radius! <= 0.5 * small.grid * dx * 1.0001);
    assert.ok(duration! >= 0.1 * small.steps * dt * 0.9999 && duration! <= 0.4 * small.steps * dt * 1.0001);
    // x: elevation as the depth set has it, then that set's target depth in place of the rain
    const cells = small.grid ** 2;
    for (let i = 0; i < cells; i++) {
      assert.equal(set.x[(sample * cells + i) * 2], depth.x[(sample * cells + i) * 3]);
      assert.equal(set.x[(sample * cells + i) * 2 + 1], depth.y[sample * cells + i]);
    }
  }
});

test('targets are deterministic and differ only where they should', () => {
  for (const target of ['exceed_any', 'exceed_cell', 'storm'] as const) {
    assert.equal(digest(generateFlood({ ...small, target })), digest(generateFlood({ ...small, target })), target);
    assert.notEqual(digest(generateFlood({ ...small, target })), digest(generateFlood({ ...small, target, seed: 2 })), target);
  }
  assert.notEqual(
    digest(generateFlood({ ...small, target: 'exceed_cell', threshold: 0.01 })),
    digest(generateFlood({ ...small, target: 'exceed_cell', threshold: 0.02 })),
  );
});

test('target options that cannot mean anything are refused', () => {
  const issue = (input: unknown) => {
    const r = floodParamsSchema.safeParse(input);
    return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  assert.match(issue({ threshold: 0.1 })!, /^threshold: threshold applies to the targets exceed_any and exceed_cell, not depth/);
  assert.match(issue({ target: 'storm', threshold: 0.1 })!, /not storm/);
  assert.match(issue({ target: 'storm', rain: { events: [2, 4] } })!, /^rain\.events: target storm recovers the parameters of one storm/);
  assert.match(issue({ target: 'wet' })!, /^target: /);
  assert.equal(issue({ target: 'storm', rain: { events: [1, 1] } }), undefined);
  assert.equal(issue({ target: 'exceed_cell', threshold: 0.3 }), undefined);
  assert.equal(issue({ rain: { events: [1, 1] } }), undefined);
});
