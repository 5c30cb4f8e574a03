/**
 * The terminal's per-stage arithmetic, on a clock the test moves: counts, an ETA only once something
 * was measured, from seconds per epoch of running units and the durations of finished ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds, StageProgress } from '../../src/cli/stage-progress.js';

const epoch = (e: number, epochs: number) => ({ epoch: e, epochs, train: 1 / (e + 1), val: 2 / (e + 1), seconds: 1 });

test('counts and ETA: nothing to estimate from, then epochs, then finished units', () => {
  let now = 0;
  const p = new StageProgress(() => now);
  p.start();
  p.plan(['a', 'b', 'c']);
  assert.equal(p.summary(), '0/3 units done · 0.0 s');
  p.unitStart('a');
  now = 1000;
  assert.equal(p.eta(), undefined, 'a running unit without an epoch says nothing');
  p.unitStart('b');
  now = 2000;
  p.unitProgress('a', 'epoch 2/10', epoch(1, 10)); // 1 s per epoch, 8 left
  assert.equal(p.eta(), undefined, 'b has no epoch yet');
  p.unitProgress('b', 'epoch 1/10', epoch(0, 10)); // started at 1 s: 1 s per epoch, 9 left
  // a: 8 s left, b: 9 s left, c queued ≈ 10 s; two at a time: max(9, (8 + 9 + 10) / 2) = 13.5 s
  assert.equal(p.eta(), 13.5);
  assert.equal(p.summary(), '0/3 units done · 2.0 s · ETA 13.5 s');
  now = 10_000;
  p.unitEnd('a', 'ran'); // took 10 s
  p.unitStart('c');
  // b: one epoch in 9 s, 9 left = 81 s; c (no epoch yet) is expected to take as long as a did (10 s)
  p.unitProgress('b', 'epoch 1/10', epoch(0, 10));
  assert.equal(p.eta(), 81);
  assert.equal(p.done, 1);
  assert.deepEqual(p.lines(), ['✔ a: done in 10.0 s (2 epochs, best val 1.000)', '▸ b: epoch 1/10', '▸ c: started']);
});

test('finished units keep their line; reused ones count as done; failures say so', () => {
  let now = 0;
  const p = new StageProgress(() => now);
  p.plan(['x', 'y', 'z']);
  p.unitEnd('x', 'reused');
  p.unitStart('y');
  now = 3000;
  p.unitEnd('y', 'ran');
  p.unitStart('z');
  now = 4000;
  // no epochs (a shell unit): z is expected to take as long as y did
  assert.equal(p.eta(), 2);
  p.unitEnd('z', 'interrupted');
  assert.equal(p.done, 2);
  assert.deepEqual(p.lines(), ['✔ x: cached', '✔ y: done in 3.0 s', '✖ z: interrupted']);
});

test('durations read as a person would say them', () => {
  assert.deepEqual([formatSeconds(4.24), formatSeconds(75), formatSeconds(3725)], ['4.2 s', '1 min 15 s', '1 h 02 min']);
});
