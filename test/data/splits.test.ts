import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArraySet } from '../../src/data/array-set.js';
import { DataError } from '../../src/data/data-error.js';
import { splitSets, subset, trainValSplit } from '../../src/data/splits.js';
import { toySet } from './toy-set.js';

const ids = (set: ArraySet) => new Set(set.simulation);
// 20 simulations of 3 samples each, ids deliberately not 0..19 and interleaved.
const sims = Array.from({ length: 60 }, (_, i) => ((i * 7) % 20) * 3 + 100);
const set = toySet(sims);

test('subset copies the chosen samples, in the given order', () => {
  const s = subset(set, [5, 0]);
  assert.equal(s.n, 2);
  assert.deepEqual(Array.from(s.x.subarray(0, 8)), Array.from(set.x.subarray(5 * 8, 6 * 8)));
  assert.deepEqual(Array.from(s.y.subarray(4, 8)), Array.from(set.y.subarray(0, 4)));
  assert.deepEqual(Array.from(s.simulation), [set.simulation[5], set.simulation[0]]);
  s.x[0] = 12345;
  assert.notEqual(set.x[5 * 8], 12345);
  assert.throws(() => subset(set, [60]), /sample index 60 is outside 0\.\.59/);
});

test('splitSets: test held out, small and big disjoint from it and from each other (no simulation in two sets)', () => {
  const { small, big, test: held } = splitSets(set, { small: 7, test: 4, seed: 3 });
  assert.equal(ids(held).size, 4);
  assert.equal(ids(big).size, 9);
  assert.equal(ids(small).size, 7);
  for (const id of ids(held)) assert.ok(!ids(big).has(id) && !ids(small).has(id));
  for (const id of ids(small)) assert.ok(!ids(big).has(id));
  assert.equal(held.n + big.n + small.n, set.n);
  assert.equal(small.n, 21);
  // Every sample of a chosen simulation comes along.
  for (const part of [small, big, held]) for (const id of ids(part)) assert.equal(part.simulation.filter((s) => s === id).length, 3);
});

test('splitSets is deterministic per seed, differs across seeds, and ignores sample order', () => {
  const a = splitSets(set, { small: 7, test: 4, seed: 3 });
  const b = splitSets(set, { small: 7, test: 4, seed: 3 });
  assert.deepEqual(a, b);
  const c = splitSets(set, { small: 7, test: 4, seed: 4 });
  assert.notDeepEqual([...ids(c.test)].sort(), [...ids(a.test)].sort());
  const reversed = subset(set, [...Array(set.n).keys()].reverse());
  assert.deepEqual([...ids(splitSets(reversed, { small: 7, test: 4, seed: 3 }).test)].sort(), [...ids(a.test)].sort());
});

test('splitSets refuses sizes that do not fit', () => {
  assert.throws(() => splitSets(set, { small: 17, test: 4, seed: 1 }), DataError);
  assert.throws(() => splitSets(set, { small: 17, test: 4, seed: 1 }), /20 simulations; small \(17\) \+ test \(4\) must leave at least 2 for big/);
  assert.throws(() => splitSets(set, { small: 15, test: 4, seed: 1 }), /must leave at least 2 for big/);
  assert.doesNotThrow(() => splitSets(set, { small: 14, test: 4, seed: 1 }));
  assert.throws(() => splitSets(set, { small: 2, test: 0, seed: 1 }), /at least 1/);
});

test('trainValSplit: by simulation, deterministic, at least one simulation on each side', () => {
  const { train, val } = trainValSplit(set, { valFraction: 0.2, seed: 9 });
  assert.equal(ids(val).size, 4);
  assert.equal(ids(train).size, 16);
  for (const id of ids(val)) assert.ok(!ids(train).has(id));
  assert.deepEqual(trainValSplit(set, { valFraction: 0.2, seed: 9 }), { train, val });
  assert.notDeepEqual([...ids(trainValSplit(set, { valFraction: 0.2, seed: 10 }).val)].sort(), [...ids(val)].sort());

  const two = toySet([1, 1, 2]);
  assert.equal(ids(trainValSplit(two, { valFraction: 0.01, seed: 1 }).val).size, 1);
  assert.equal(ids(trainValSplit(two, { valFraction: 0.99, seed: 1 }).train).size, 1);
  assert.equal(trainValSplit(two, { valFraction: 0, seed: 1 }).val.n, 0);
  assert.throws(() => trainValSplit(toySet([3, 3]), { valFraction: 0.2, seed: 1 }), /needs at least 2 simulations, the set has 1/);
  assert.throws(() => trainValSplit(set, { valFraction: 1, seed: 1 }), /valFraction must be in \[0, 1\)/);
});
