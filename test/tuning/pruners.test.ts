import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneDecision } from '../../src/tuning/pruners/prune-decision.js';
import { prunerConfigSchema } from '../../src/tuning/pruners/pruner-config.js';
import type { TrialRecord } from '../../src/tuning/trial-record.js';

function record(number: number, intermediate: number[], state: TrialRecord['state'] = 'complete'): TrialRecord {
  return { number, params: {}, state, value: Math.min(...intermediate), intermediate, epochs: intermediate.length, seconds: 1 };
}

/** Epoch-by-epoch decisions for a curve: the epoch at which it is stopped, or -1. */
function stoppedAt(cfg: unknown, earlier: TrialRecord[], curve: number[]): number {
  const pruner = prunerConfigSchema.parse(cfg);
  for (let e = 0; e < curve.length; e++) if (pruneDecision(pruner, earlier, curve.slice(0, e + 1), e)) return e;
  return -1;
}

// Six finished curves decaying from ~1.0 to ~0.2 over 6 epochs.
const earlier = Array.from({ length: 6 }, (_, i) => record(i, [1.0, 0.7, 0.5, 0.35, 0.25, 0.2].map((v) => v + 0.02 * i)));

test('median: prunes a clearly bad curve right after warm-up and keeps a good one', () => {
  const cfg = { name: 'median', n_startup_trials: 5, n_warmup_steps: 2 };
  assert.equal(stoppedAt(cfg, earlier, [2, 2, 2, 2, 2, 2]), 2);
  assert.equal(stoppedAt(cfg, earlier, [0.9, 0.6, 0.4, 0.3, 0.2, 0.15]), -1);
  // Worse than the median only late: stopped when it falls behind.
  assert.equal(stoppedAt(cfg, earlier, [0.9, 0.6, 0.45, 0.45, 0.45, 0.45]), 3);
});

test('median: no pruning before n_startup_trials earlier trials are complete', () => {
  const cfg = { name: 'median', n_startup_trials: 7, n_warmup_steps: 0 };
  assert.equal(stoppedAt(cfg, earlier, [2, 2, 2]), -1);
  assert.equal(stoppedAt({ ...cfg, n_startup_trials: 6 }, earlier, [2, 2, 2]), 0);
});

test('median: pruned and failed earlier trials do not count towards the median', () => {
  const mixed = [...earlier.slice(0, 2), record(10, [5, 5, 5], 'pruned'), record(11, [5, 5, 5], 'failed')];
  // The median of the two complete curves at epoch 1 is 0.71; 3.0 is worse whatever the junk says.
  assert.equal(stoppedAt({ name: 'median', n_startup_trials: 2, n_warmup_steps: 1 }, mixed, [3, 3, 3]), 1);
});

test('a diverged (NaN) value is pruned by median and successive halving, never by none', () => {
  assert.equal(stoppedAt({ name: 'median', n_startup_trials: 100 }, [], [1, Number.NaN]), 1);
  assert.equal(stoppedAt({ name: 'successive_halving' }, [], [1, Number.NaN]), 1);
  assert.equal(stoppedAt({ name: 'none' }, earlier, [1, Number.NaN, 9]), -1);
});

test('successive halving promotes exactly the top 1/η at a rung', () => {
  // Nine earlier trials whose value at the first rung (1 epoch) is 1..9.
  const nine = Array.from({ length: 9 }, (_, i) => record(i, [i + 1, i + 0.5, i, i], 'complete'));
  const cfg = { name: 'successive_halving', min_resource: 1, reduction_factor: 3 };
  // With itself, 10 values compete: the best floor(10/3) = 3 go on.
  for (const [v, pruned] of [[0.5, false], [1.5, false], [2.5, false], [2.99, false], [3.5, true], [9.5, true]] as const) {
    assert.equal(stoppedAt(cfg, nine, [v]) === 0, pruned, `value ${v}`);
  }
});

test('successive halving decides only at rungs (min_resource·η^k epochs) and uses the best value so far', () => {
  const cfg = { name: 'successive_halving', min_resource: 2, reduction_factor: 2 };
  const others = Array.from({ length: 4 }, (_, i) => record(i, [1, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1].map((v) => v + 0.01 * i)));
  // Rungs at 2, 4, 8 epochs (epoch indices 1, 3, 7). Bad from the start: stopped at the first rung.
  assert.equal(stoppedAt(cfg, others, [9, 9, 9, 9]), 1);
  // Good until the second rung, then stalls: the second rung (4 epochs) stops it.
  assert.equal(stoppedAt(cfg, others, [1, 0.4, 0.4, 0.4, 0.4]), 3);
  // A noisy last epoch does not matter: the best so far (0.05) counts.
  assert.equal(stoppedAt(cfg, others, [1, 0.4, 0.2, 0.05, 0.9, 0.1, 0.1, 0.1]), -1);
});

test('successive halving lets trials through until bootstrap_count earlier trials reached the rung', () => {
  const two = [record(0, [0.1]), record(1, [0.2])];
  assert.equal(stoppedAt({ name: 'successive_halving', bootstrap_count: 3 }, two, [5]), -1);
  assert.equal(stoppedAt({ name: 'successive_halving', bootstrap_count: 2 }, two, [5]), 0);
});

test('pruneDecision rejects values that do not match the epoch', () => {
  assert.throws(() => pruneDecision({ name: 'none' }, [], [1, 2], 0), /epochs 0..0/);
});
