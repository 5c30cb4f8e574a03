// The seeded generators: one mulberry32 behind data generation, splits and training; streams are
// reproducible, restorable from their state, and different seeds or streams give different numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mulberry32, mulberry32, permutation, rngFor, shuffled, spreadSeed, streamSeed } from '../../src/random/seeded-random.js';
import { SeededRandom } from '../../src/training/seeded-random.js';

const draws = (r: () => number, n = 8) => Array.from({ length: n }, r);

test('a stream is fixed by its seed, and differs between seeds and streams', () => {
  assert.deepEqual(draws(mulberry32(7)), draws(mulberry32(7)));
  assert.notDeepEqual(draws(mulberry32(7)), draws(mulberry32(8)));
  assert.notEqual(streamSeed(1, 7), streamSeed(7, 1), 'simulation 7 of seed 1 is not simulation 1 of seed 7');
  assert.notDeepEqual(draws(rngFor(1, 'lr')), draws(rngFor(1, 'filters')));
  for (const x of draws(rngFor(3, 'x'), 200)) assert.ok(x >= 0 && x < 1);
});

test("training's generator is the same mulberry32, started from the spread seed, and resumes from its state", () => {
  const train = new SeededRandom(42);
  assert.deepEqual(draws(() => train.next()), draws(mulberry32(spreadSeed(42))));
  const resumed = SeededRandom.fromState(train.getState());
  const plain = new Mulberry32(train.getState());
  assert.deepEqual(draws(() => resumed.next()), draws(() => plain.next()));
  assert.notEqual(spreadSeed(0), spreadSeed(1));
});

test('shuffles are permutations, the same for the same stream', () => {
  const p = permutation(50, mulberry32(3));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(shuffled(Array.from({ length: 50 }, (_, i) => i), mulberry32(3)), p);
  assert.deepEqual([...new SeededRandom(5).permutation(20)], permutation(20, mulberry32(spreadSeed(5))));
});
