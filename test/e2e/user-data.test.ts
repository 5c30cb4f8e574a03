/**
 * A study on the user's own arrays (.npy files and an .npz): trained and evaluated end to end; invalid
 * data stops with exit 3, the file and sample named, and nothing cached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from './rig.js';
import { writeNpy } from '../../src/data/npy.js';
import { encodeNpz } from '../../src/data/npz.js';

const N = 24;
const G = 16;

function arrays(): { x: Float32Array; y: Float32Array; sim: Int32Array } {
  const x = new Float32Array(N * G * G * 2);
  const y = new Float32Array(N * G * G);
  const sim = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    sim[n] = Math.floor(n / 2);
    for (let i = 0; i < G; i++) {
      for (let j = 0; j < G; j++) {
        const c = (n * G + i) * G + j;
        const a = Math.sin(0.3 * i + 0.1 * n);
        const b = Math.cos(0.2 * j - 0.05 * n);
        x[c * 2] = a;
        x[c * 2 + 1] = b;
        y[c] = Math.max(0, a * b + 0.2);
      }
    }
  }
  return { x, y, sim };
}

const PIPELINE = (files: string) => `data:
  files: ${files}
  split: { small: 5, test: 3 }
train: { epochs: 3, batch_size: 4 }
stages:
  A:
    kind: train
    data: small
    models: [plain_cnn]
  D:
    kind: evaluate
    needs: [A]
    models: { from: A }
    sets: [small, test]
    dummy_set: small
`;

test('user .npy files: train and evaluate in physical units', async (t) => {
  const p = new Project({ 'pipeline.yaml': PIPELINE('{ x: data/x.npy, y: data/y.npy, simulation: data/sim.npy }') });
  t.after(() => p.cleanup());
  const { x, y, sim } = arrays();
  p.write('data/.keep', '');
  await writeNpy(join(p.dir, 'data/x.npy'), x, [N, G, G, 2]);
  await writeNpy(join(p.dir, 'data/y.npy'), y, [N, G, G]);
  await writeNpy(join(p.dir, 'data/sim.npy'), sim, [N]);
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  const metrics = JSON.parse(p.read('results/D/metrics.json'));
  assert.deepEqual(Object.keys(metrics.models).sort(), ['dummy', 'plain_cnn']);
  assert.equal(metrics.models.plain_cnn.sets.test.test.n, 6, 'three held-out simulations of two samples');
  assert.ok(metrics.models.plain_cnn.sets.test.test.mae < metrics.models.dummy.sets.test.test.mae, 'the model beats the dummy');
  // editing a data file's bytes re-runs everything that reads it
  const y0 = y[0]!;
  y[0] = 1.5;
  await writeNpy(join(p.dir, 'data/y.npy'), y, [N, G, G]);
  const st = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st.stages[0].reasons, ["data 'small' changed"]);
  // results made without pipe's own kernels differ in the last bits: another fingerprint, not the same cache entry
  y[0] = y0;
  await writeNpy(join(p.dir, 'data/y.npy'), y, [N, G, G]);
  assert.equal(JSON.parse(p.run(['status', '--json']).stdout).stages[0].stale, false);
  const off = JSON.parse(p.run(['status', '--json'], { PIPE_SIMD_KERNELS: 'off' }).stdout);
  assert.deepEqual(off.stages[0].reasons, ['backend changed (wasm → wasm (PIPE_SIMD_KERNELS=off))']);
});

test('x on a grid finer than y (a finer terrain): the input block brings it onto the output grid, end to end', async (t) => {
  const p = new Project({ 'pipeline.yaml': PIPELINE('{ npz: all.npz, x: inputs, y: depth }') });
  t.after(() => p.cleanup());
  const { x, y, sim } = arrays();
  // x at twice the resolution: each cell of the original split into 2×2, with fine detail added.
  const F = 2 * G;
  const fine = new Float32Array(N * F * F * 2);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < F; i++)
      for (let j = 0; j < F; j++)
        for (let c = 0; c < 2; c++) {
          const detail = 0.05 * Math.sin(1.7 * i + 2.3 * j + c);
          fine[((n * F + i) * F + j) * 2 + c] = x[((n * G + (i >> 1)) * G + (j >> 1)) * 2 + c]! + detail;
        }
  writeFileSync(
    join(p.dir, 'all.npz'),
    encodeNpz({ inputs: { values: fine, shape: [N, F, F, 2] }, depth: { values: y, shape: [N, G, G] }, simulation: { values: sim, shape: [N] } }),
  );
  const report = JSON.parse(p.run(['models', '--json']).stdout) as { grid: { input: number[]; output: number[] }; models: { name: string; fits: boolean }[] };
  assert.deepEqual(report.grid, { input: [F, F, 2], output: [G, G, 1] });
  assert.equal(report.models.find((m) => m.name === 'plain_cnn')?.fits, true, 'plain_cnn fits 32×32×2 → 16×16×1');
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  const metrics = JSON.parse(p.read('results/D/metrics.json'));
  assert.equal(metrics.models.plain_cnn.sets.test.test.n, 6);
  assert.ok(metrics.models.plain_cnn.sets.test.test.mae < metrics.models.dummy.sets.test.test.mae, 'the model beats the dummy');
  const model = JSON.parse(p.read('results/A/models/plain_cnn/model.json'));
  assert.match(JSON.stringify(model.modelTopology), /PipeCubicResample/, 'the cubic input block is part of the saved model');
});

test('user .npz with named arrays works like separate files', async (t) => {
  const p = new Project({ 'pipeline.yaml': PIPELINE('{ npz: all.npz, x: inputs, y: depth }') });
  t.after(() => p.cleanup());
  const { x, y, sim } = arrays();
  writeFileSync(
    join(p.dir, 'all.npz'),
    encodeNpz({ inputs: { values: x, shape: [N, G, G, 2] }, depth: { values: y, shape: [N, G, G] }, simulation: { values: sim, shape: [N] } }),
  );
  const r = p.runJson(['run', '--no-plots', '--stage', 'A']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.ok(p.exists('results/A/models/plain_cnn/model.json'));
});

test('invalid user data: exit 3 naming the file and sample, nothing cached or written', async (t) => {
  const p = new Project({ 'pipeline.yaml': PIPELINE('{ x: data/x.npy, y: data/y.npy, simulation: data/sim.npy }') });
  t.after(() => p.cleanup());
  const { x, y, sim } = arrays();
  y[5 * G * G + 7] = Number.NaN;
  p.write('data/.keep', '');
  await writeNpy(join(p.dir, 'data/x.npy'), x, [N, G, G, 2]);
  await writeNpy(join(p.dir, 'data/y.npy'), y, [N, G, G]);
  await writeNpy(join(p.dir, 'data/sim.npy'), sim, [N]);
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 3, r.result.stderr);
  assert.match(r.result.stderr, /y\.npy/);
  assert.match(r.result.stderr, /sample index 5/);
  assert.doesNotMatch(r.result.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  const dataCache = join(p.dir, '.pipe/cache/data');
  assert.deepEqual(existsSync(dataCache) ? readdirSync(dataCache) : [], []);
  assert.ok(!p.exists('results/A') && !p.exists('pipeline.lock'));
  // a grid mismatch between x and y is named too (x's grid may only be a whole multiple of y's)
  await writeNpy(join(p.dir, 'data/y.npy'), new Float32Array(N * 6 * 6), [N, 6, 6]);
  const r2 = p.runJson(['run', '--no-plots']);
  assert.equal(r2.result.code, 3);
  assert.match(r2.result.stderr, /grid|shape/i);
});

test('a bad PIPE_SIMD_KERNELS is refused before anything runs: exit 2, one message, nothing written', async (t) => {
  const p = new Project({ 'pipeline.yaml': PIPELINE('{ x: data/x.npy, y: data/y.npy }') });
  t.after(() => p.cleanup());
  for (const [name, value, says] of [['PIPE_SIMD_KERNELS', 'fast', /PIPE_SIMD_KERNELS must be 'on' or 'off', got 'fast'/]] as const) {
    const r = p.run(['run'], { [name]: value });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, says);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
    assert.ok(!p.exists('.pipe') && !p.exists('results/A') && !p.exists('pipeline.lock'));
  }
});
