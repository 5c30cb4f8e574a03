import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../src/data/data-error.js';
import { addSkill } from '../../stages/evaluate.js';
import { persistence } from '../../stages/ml/baselines.js';
import type { ModelEval, PartMetrics } from '../../stages/ml/evaluate-unit.js';
import { toySet } from '../data/toy-set.js';

test('persistence predicts the named input channel on the output grid', () => {
  const set = toySet([0, 1], 2, 2);
  // channel b of sample i, cell j is 100 i + 10 + j
  assert.deepEqual(Array.from(persistence(set, 'b')), [10, 11, 12, 13, 110, 111, 112, 113]);
  assert.deepEqual(Array.from(persistence(set, 'a')), [0, 1, 2, 3, 100, 101, 102, 103]);
});

test('persistence on a finer input grid takes the mean of each f×f block', () => {
  // 1 sample, output 1×2, x on a 2×4 grid (factor 2), one channel: blocks [1 2; 5 6] and [3 4; 7 8]
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const set = {
    x,
    y: new Float32Array(2),
    n: 1,
    h: 1,
    w: 2,
    factor: 2,
    cin: 1,
    cout: 1,
    simulation: Int32Array.from([0]),
    xChannels: ['depth_t0'],
    yChannels: ['depth'],
  };
  assert.deepEqual(Array.from(persistence(set, 'depth_t0')), [3.5, 5.5]);
});

test('persistence names the channels it knows when the one asked for is missing', () => {
  assert.throws(
    () => persistence(toySet([0]), 'depth_t0'),
    (e: unknown) => e instanceof DataError && /no input channel 'depth_t0'/.test(e.message) && /a, b/.test(e.hint ?? ''),
  );
});

const part = (mae: number, medianRae: number): PartMetrics => ({
  n: 1,
  rae: [medianRae],
  raeSummary: { min: medianRae, q1: medianRae, median: medianRae, q3: medianRae, max: medianRae, mean: medianRae },
  raeUndefined: 0,
  mae,
  rmse: mae,
  r2: null,
});
const model = (mae: number, rae: number): ModelEval => ({
  params: 1,
  bytes: 1,
  trainSeconds: 1,
  inferenceMsPerSample: 1,
  sets: { test: { test: part(mae, rae) } },
});

test('skill is measured against the strongest baseline of each metric, and is negative when a baseline wins', () => {
  const metrics = { unet: model(0.004, 0.5), dummy: model(0.01, 1.2), zero: model(0.008, 0.6), persistence: model(0.003, 0.4) };
  addSkill(metrics, ['dummy', 'zero', 'persistence']);
  const s = metrics.unet.sets.test!.test!.skill!;
  assert.equal(s.mae!.vs, 'persistence');
  assert.ok(Math.abs(s.mae!.value - (1 - 0.004 / 0.003)) < 1e-12);
  assert.ok(s.mae!.value < 0, 'persistence beats the model');
  assert.equal(s.rae!.vs, 'persistence');
  assert.equal(metrics.persistence.sets.test!.test!.skill, undefined, 'baselines get no skill');
  // without persistence the strongest baseline is zero
  const m2 = { unet: model(0.004, 0.5), dummy: model(0.01, 1.2), zero: model(0.008, 0.6) };
  addSkill(m2, ['dummy', 'zero']);
  assert.equal(m2.unet.sets.test!.test!.skill!.mae!.vs, 'zero');
  assert.ok(Math.abs(m2.unet.sets.test!.test!.skill!.mae!.value - 0.5) < 1e-12);
});
