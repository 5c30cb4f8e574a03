import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchSpaceSchema } from '../../src/tuning/search-space.js';
import { createStudy, type StudyConfig } from '../../src/tuning/study.js';
import { tuneConfigSchema, studyConfig } from '../../src/tuning/tune-config.js';
import { bowl, bowlCurve, simulate } from './simulate.js';

const space = searchSpaceSchema.parse({
  'train.lr': { log_uniform: [1e-5, 1e-1] },
  'model.dropout': { uniform: [0, 0.5] },
  'model.filters': { choice: [8, 16, 24] },
  'model.depth': { int: [2, 4] },
});

const cfg = (over: Partial<StudyConfig> = {}): StudyConfig => ({
  space,
  sampler: { name: 'random' },
  pruner: { name: 'none' },
  trials: 12,
  batchSize: 3,
  seed: 1,
  ...over,
});

test('random: the same seed gives the same proposals, another seed others', () => {
  const run = (seed: number) => simulate(createStudy(cfg({ seed })), bowlCurve, 2).map((r) => r.params);
  assert.deepEqual(run(1), run(1));
  const a = run(1);
  const b = run(2);
  for (let k = 0; k < a.length; k++) assert.notDeepEqual(a[k], b[k]);
});

test('random: trial k depends only on the seed and k, not on the batch size or history', () => {
  const a = simulate(createStudy(cfg({ batchSize: 1 })), bowlCurve, 1);
  const b = simulate(createStudy(cfg({ batchSize: 5 })), (p) => -bowl(p), 1);
  assert.deepEqual(a.map((r) => r.params), b.map((r) => r.params));
});

test('grid: covers the cartesian product in nested-loop order, then stops', () => {
  const grid = searchSpaceSchema.parse({
    'model.filters': { choice: [8, 16, 24] },
    'model.depth': { int: [2, 4] },
    'model.dropout': { uniform: [0, 0.3], grid_points: 3 },
    'train.lr': { log_uniform: [1e-4, 1e-2] },
  });
  const study = createStudy(cfg({ space: grid, sampler: { name: 'grid', grid_points: 2 }, trials: 100, batchSize: 4 }));
  assert.equal(study.budget, 3 * 3 * 3 * 2);
  const trials = simulate(study, () => 1, 1);
  assert.equal(trials.length, 54);
  const keys = new Set(trials.map((t) => JSON.stringify(t.params)));
  assert.equal(keys.size, 54);
  assert.deepEqual(trials[0]!.params, { 'model.filters': 8, 'model.depth': 2, 'model.dropout': 0, 'train.lr': 1e-4 });
  assert.deepEqual(trials[1]!.params, { 'model.filters': 8, 'model.depth': 2, 'model.dropout': 0, 'train.lr': 1e-2 });
  assert.deepEqual(trials[2]!.params['model.dropout'], 0.15);
  assert.deepEqual(trials[53]!.params, { 'model.filters': 24, 'model.depth': 4, 'model.dropout': 0.3, 'train.lr': 1e-2 });
  for (const f of [8, 16, 24]) for (const d of [2, 3, 4]) {
    assert.equal(trials.filter((t) => t.params['model.filters'] === f && t.params['model.depth'] === d).length, 6);
  }
});

test('grid: a budget below the grid size runs a seeded subset of distinct points', () => {
  const grid = searchSpaceSchema.parse({ a: { choice: [1, 2, 3, 4, 5] }, b: { int: [0, 9] } });
  const run = (seed: number) =>
    simulate(createStudy(cfg({ space: grid, sampler: { name: 'grid' }, trials: 10, seed })), () => 1, 1).map((t) => JSON.stringify(t.params));
  const a = run(3);
  assert.equal(a.length, 10);
  assert.equal(new Set(a).size, 10);
  assert.deepEqual(run(3), a);
  assert.notDeepEqual(run(4), a);
});

test('grid: a continuous parameter without grid_points is a clear error', () => {
  assert.throws(
    () => createStudy(cfg({ space: searchSpaceSchema.parse({ 'model.dropout': { uniform: [0, 0.3] } }), sampler: { name: 'grid' } })),
    /'model.dropout' is continuous \(uniform\) and has no grid_points/,
  );
});

test('tpe: proposals are deterministic and stay within the space', () => {
  const tpe = tuneConfigSchema.parse({
    space: {
      'train.lr': { log_uniform: [1e-5, 1e-1] },
      'model.dropout': { uniform: [0, 0.5] },
      'model.filters': { choice: [8, 16, 24] },
      'model.depth': { int: [2, 8], step: 2 },
    },
    sampler: { name: 'tpe', n_startup: 4 },
    pruner: 'none',
    trials: 24,
    batch_size: 4,
    seed: 5,
  });
  const run = () => simulate(createStudy(studyConfig(tpe)), bowlCurve, 1);
  const a = run();
  assert.deepEqual(run(), a);
  for (const t of a) {
    const lr = t.params['train.lr'] as number;
    const d = t.params['model.dropout'] as number;
    assert.ok(lr >= 1e-5 && lr <= 1e-1 && d >= 0 && d <= 0.5);
    assert.ok([8, 16, 24].includes(t.params['model.filters'] as number));
    assert.ok([2, 4, 6, 8].includes(t.params['model.depth'] as number));
  }
});

test('tpe finds and samples near the optimum of a 2-D bowl better than random (10 seeds, same budget)', () => {
  const bowlSpace = searchSpaceSchema.parse({ 'train.lr': { log_uniform: [1e-5, 1e-1] }, 'model.dropout': { uniform: [0, 0.5] } });
  const budget = 40;
  const summary = (sampler: StudyConfig['sampler']) => {
    const best: number[] = [];
    const late: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const trials = simulate(createStudy(cfg({ space: bowlSpace, sampler, trials: budget, batchSize: 4, seed })), (p) => bowl(p), 1);
      best.push(Math.min(...trials.map((t) => t.value!)));
      // Mean objective of the last 20 proposals: how much the sampler concentrates near the optimum.
      late.push(trials.slice(20).reduce((s, t) => s + t.value!, 0) / 20);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { best: mean(best), late: mean(late), wins: best };
  };
  const tpe = summary({ name: 'tpe', n_startup: 8, n_ei_candidates: 24, gamma: 0.25, prior_weight: 1 });
  const rnd = summary({ name: 'random' });
  assert.ok(tpe.late < rnd.late / 2, `late mean objective: tpe ${tpe.late}, random ${rnd.late}`);
  assert.ok(tpe.best < rnd.best, `best: tpe ${tpe.best}, random ${rnd.best}`);
  const tpeWins = tpe.wins.filter((b, i) => b < rnd.wins[i]!).length;
  assert.ok(tpeWins >= 7, `tpe beat random on ${tpeWins} of 10 seeds`);
});

test('tpe: a categorical parameter concentrates on the best choice', () => {
  const catSpace = searchSpaceSchema.parse({ 'model.filters': { choice: [8, 16, 24, 32] }, 'model.dropout': { uniform: [0, 0.5] } });
  const objective = (p: Record<string, unknown>) => (p['model.filters'] === 24 ? 0 : 1) + (p['model.dropout'] as number);
  let tpeHits = 0;
  let randomHits = 0;
  for (let seed = 0; seed < 5; seed++) {
    const late = (sampler: StudyConfig['sampler']) =>
      simulate(createStudy(cfg({ space: catSpace, sampler, trials: 30, batchSize: 3, seed })), objective, 1)
        .slice(15)
        .filter((t) => t.params['model.filters'] === 24).length;
    tpeHits += late({ name: 'tpe', n_startup: 6, n_ei_candidates: 24, gamma: 0.25, prior_weight: 1 });
    randomHits += late({ name: 'random' });
  }
  // Random picks 24 a quarter of the time (≈ 19 of 75 late trials).
  assert.ok(tpeHits > 2 * randomHits, `late trials with filters=24: tpe ${tpeHits}, random ${randomHits}`);
});
