import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankingSpread } from '../../src/metrics/bootstrap.js';
import { mulberry32 } from '../../src/random/seeded-random.js';

test('a clear gap on every simulation: the better model wins every paired resample', () => {
  const simulation = [1, 1, 2, 2, 3, 3];
  const r = rankingSpread(
    [
      { model: 'a', loss: [1, 1.1, 2, 2.1, 3, 3.1], simulation },
      { model: 'b', loss: [1.5, 1.6, 2.5, 2.6, 3.5, 3.6], simulation },
    ],
    500,
    mulberry32(3),
  );
  assert.equal(r[0]!.beatsNext, 1); // paired: a is lower on every simulation, so on every draw
  assert.equal(r[1]!.beatsNext, null);
  assert.equal(r[0]!.simulations, 3);
  assert.ok(Math.abs(r[0]!.mean - 2.05) < 1e-12);
  const [lo, hi] = r[0]!.interval!;
  assert.ok(lo >= 1.05 && hi <= 3.05 && lo < hi);
});

test('models that trade places between simulations: the order is a coin toss, and one simulation gives no spread', () => {
  const simulation = [1, 2, 3, 4];
  const r = rankingSpread(
    [
      { model: 'a', loss: [1, 3, 1, 3], simulation },
      { model: 'b', loss: [3, 1, 3, 1.0001], simulation },
    ],
    2000,
    mulberry32(5),
  );
  assert.ok(r[0]!.beatsNext! > 0.3 && r[0]!.beatsNext! < 0.7, `beatsNext ${r[0]!.beatsNext}`);
  const one = rankingSpread([{ model: 'a', loss: [1, 2], simulation: [7, 7] }], 100, mulberry32(1));
  assert.equal(one[0]!.interval, null); // one simulation: no spread can be estimated
  assert.equal(one[0]!.simulations, 1);
});
