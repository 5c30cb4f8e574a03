import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise } from '../../src/metrics/summarise.js';

test('quartiles are linear interpolation between order statistics (R type 7, numpy default)', () => {
  // n = 4: h = 3p → q1 at 0.75 between 1 and 2, median at 1.5 between 2 and 4, q3 at 2.25 between 4 and 10.
  assert.deepEqual(summarise([10, 1, 4, 2]), { min: 1, q1: 1.75, median: 3, q3: 5.5, max: 10, mean: 4.25 });
  // numpy.percentile([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], [25, 50, 75]) = [7.5, 9, 14].
  const s = summarise([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20]);
  assert.deepEqual([s.q1, s.median, s.q3], [7.5, 9, 14]);
});

test('one value summarises to itself; empty or non-finite input is an error', () => {
  assert.deepEqual(summarise([0.3]), { min: 0.3, q1: 0.3, median: 0.3, q3: 0.3, max: 0.3, mean: 0.3 });
  assert.throws(() => summarise([]), /empty/);
  assert.throws(() => summarise([1, Number.NaN]), /non-finite/);
});

test('the input is not reordered', () => {
  const values = [3, 1, 2];
  summarise(values);
  assert.deepEqual(values, [3, 1, 2]);
});
