import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchSpaceSchema } from '../../src/tuning/search-space.js';
import { createStudy, earlierRecords, type StudyConfig } from '../../src/tuning/study.js';
import { tuneConfigSchema, studyConfig } from '../../src/tuning/tune-config.js';
import { permutation, rngFor } from '../../src/random/seeded-random.js';
import type { TrialRecord } from '../../src/tuning/trial-record.js';
import { bowlCurve, simulate } from './simulate.js';

const space = searchSpaceSchema.parse({
  'train.lr': { log_uniform: [1e-5, 1e-1] },
  'model.dropout': { uniform: [0, 0.5] },
  'model.filters': { choice: [8, 16, 24] },
});

const tpeMedian = (over: Partial<StudyConfig> = {}): StudyConfig => ({
  space,
  sampler: { name: 'tpe', n_startup: 4, n_ei_candidates: 24, gamma: 0.25, prior_weight: 1 },
  pruner: { name: 'median', n_startup_trials: 2, n_warmup_steps: 1, n_min_trials: 1 },
  trials: 20,
  batchSize: 4,
  seed: 11,
  ...over,
});

const shuffled = <T>(xs: readonly T[], seed: number): T[] => permutation(xs.length, rngFor(seed, 'test')).map((i) => xs[i]!);

test('the same trials, pruning and best come out whatever order the batch-mates finish in', () => {
  for (const pruner of [tpeMedian().pruner, { name: 'successive_halving', min_resource: 1, reduction_factor: 2, bootstrap_count: 0 } as const]) {
    const serial = simulate(createStudy(tpeMedian({ pruner })), bowlCurve, 6);
    let salt = 0;
    const parallel = simulate(createStudy(tpeMedian({ pruner })), bowlCurve, 6, (b) => shuffled(b, salt++));
    const reversed = simulate(createStudy(tpeMedian({ pruner })), bowlCurve, 6, (b) => [...b].reverse());
    const sorted = (rs: TrialRecord[]) => [...rs].sort((a, b) => a.number - b.number);
    assert.deepEqual(sorted(parallel), sorted(serial));
    assert.deepEqual(sorted(reversed), sorted(serial));
    assert.ok(serial.some((t) => t.state === 'pruned'), `${pruner.name} pruned something`);
    assert.ok(serial.some((t) => t.state === 'complete'));
    assert.deepEqual(createStudy(tpeMedian()).best(parallel), createStudy(tpeMedian()).best(serial));
  }
});

test('nextBatch ignores the order of done and proposes fixed batches', () => {
  const study = createStudy(tpeMedian());
  const done = simulate(createStudy(tpeMedian({ trials: 12 })), bowlCurve, 3);
  assert.equal(done.length, 12);
  const next = study.nextBatch(done);
  assert.deepEqual(next.map((t) => t.number), [12, 13, 14, 15]);
  for (let s = 0; s < 5; s++) assert.deepEqual(study.nextBatch(shuffled(done, s)), next);
  const other = createStudy(tpeMedian({ seed: 12 })).nextBatch(done);
  assert.notDeepEqual(other.map((t) => t.params), next.map((t) => t.params));
});

test('a half-done batch is resumed with the parameters it had', () => {
  const study = createStudy(tpeMedian());
  const done = simulate(createStudy(tpeMedian({ trials: 8 })), bowlCurve, 3);
  const batch2 = study.nextBatch(done);
  const finished: TrialRecord = { number: 9, params: batch2[1]!.params, state: 'complete', value: 1, intermediate: [1], epochs: 1, seconds: 1 };
  const resumed = study.nextBatch([...done, finished]);
  assert.deepEqual(resumed, batch2.filter((t) => t.number !== 9));
});

test('nextBatch returns [] once the budget is done, and rejects bad records', () => {
  const study = createStudy(tpeMedian({ trials: 6 }));
  const done = simulate(study, bowlCurve, 2);
  assert.deepEqual(done.map((t) => t.number), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(study.nextBatch(done), []);
  assert.throws(() => study.nextBatch([...done, done[0]!]), /trial 0 appears twice/);
  assert.throws(() => study.nextBatch([{ ...done[0]!, number: 6 }]), /outside this study's trials 0..5/);
});

test('pruneCheck sees only earlier batches and accepts values with or without the current one', () => {
  const study = createStudy(tpeMedian({ batchSize: 3 }));
  const record = (number: number, v: number): TrialRecord => ({
    number,
    params: {},
    state: 'complete',
    value: v,
    intermediate: [v, v, v],
    epochs: 3,
    seconds: 1,
  });
  const done = [record(0, 1), record(1, 1), record(2, 0.2), record(3, 0.001), record(4, 0.001)];
  assert.deepEqual(earlierRecords(5, 3, done).map((r) => r.number), [0, 1, 2]);
  const check = study.pruneCheck(5, done);
  // With batch-mates 3 and 4 the median at epoch 1 would be 0.2 and 0.5 pruned; earlier batches alone say 1.0.
  assert.equal(check(1, 0.5, [0.5, 0.5]), false);
  assert.equal(check(1, 0.5, [0.5]), false);
  assert.equal(check(1, 2, [2, 2]), true);
  assert.throws(() => check(1, 2, [2, 3]), /ending with 2/);
});

test('best is the lowest complete value, ties to the lower trial number', () => {
  const study = createStudy(tpeMedian());
  const r = (number: number, value: number | null, state: TrialRecord['state'] = 'complete'): TrialRecord => ({
    number,
    params: { n: number },
    state,
    value,
    intermediate: [],
    epochs: 1,
    seconds: 1,
  });
  const done = [r(5, 0.2), r(3, 0.2), r(1, 0.1, 'pruned'), r(2, null, 'failed'), r(4, Number.NaN), r(0, 0.3)];
  assert.equal(study.best(done)!.number, 3);
  assert.equal(study.best(shuffled(done, 1))!.number, 3);
  assert.equal(study.best([r(1, 0.1, 'pruned')]), undefined);
});

test('tuneConfigSchema: defaults, shorthand names, snake_case errors', () => {
  const t = tuneConfigSchema.parse({ space: { 'train.lr': { log_uniform: [1e-4, 1e-2] } } });
  assert.equal(t.sampler.name, 'tpe');
  assert.deepEqual(t.pruner, { name: 'median', n_startup_trials: 5, n_warmup_steps: 1, n_min_trials: 1 });
  assert.equal(t.trials, 20);
  assert.equal(t.batch_size, 2);
  assert.equal(t.seed, 0);
  const s = studyConfig(
    tuneConfigSchema.parse({
      space: { x: { int: [0, 3] } },
      sampler: 'grid',
      pruner: { name: 'successive_halving', reduction_factor: 2 },
      batch_size: 3,
      seed: 9,
    }),
  );
  assert.deepEqual(s.sampler, { name: 'grid' });
  assert.deepEqual(s.pruner, { name: 'successive_halving', min_resource: 1, reduction_factor: 2, bootstrap_count: 0 });
  assert.equal(s.batchSize, 3);
  assert.equal(createStudy(s).budget, 4);
  const typo = tuneConfigSchema.safeParse({ space: { x: { int: [0, 3] } }, sampler: { name: 'tpe', n_starup: 3 } });
  assert.equal(typo.success, false);
  assert.match(JSON.stringify(typo.error!.issues), /n_starup/);
  const unknown = tuneConfigSchema.safeParse({ space: { x: { int: [0, 3] } }, pruner: 'hyperband' });
  assert.equal(unknown.success, false);
  assert.deepEqual(unknown.error!.issues[0]!.path, ['pruner', 'name']);
});
