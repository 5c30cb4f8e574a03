import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scaler } from '../../src/data/scaler.js';
import { trainValSplit } from '../../src/data/splits.js';
import { toySet } from './toy-set.js';

test('fit computes population mean and std per channel', () => {
  // x channel a: 100i + j, channel b: 100i + 10 + j; one sample (i = 0) of 4 cells: a = 0..3.
  const scaler = Scaler.fit(toySet([1]));
  assert.deepEqual(scaler.x.mean, [1.5, 11.5]);
  const std = Math.sqrt((1.5 ** 2 + 0.5 ** 2 + 0.5 ** 2 + 1.5 ** 2) / 4); // population, not sample
  assert.deepEqual(scaler.x.std, [std, std]);
  assert.deepEqual(scaler.y.mean, [-1.5]);
});

test('fitted on the training part only: statistics ignore validation samples', () => {
  const set = toySet([0, 0, 1, 1, 2, 2, 3, 3]);
  const { train, val } = trainValSplit(set, { valFraction: 0.25, seed: 2 });
  const scaler = Scaler.fit(train);
  const mean = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(scaler.y.mean[0]! - mean(train.y)) < 1e-9);
  assert.ok(Math.abs(scaler.y.mean[0]! - mean(set.y)) > 1, 'the whole set has a different mean');
  // Normalised training targets are standard; validation ones in general are not.
  const z = scaler.applyY(train.y);
  assert.ok(Math.abs(mean(z)) < 1e-6);
  assert.ok(Math.abs(mean(scaler.applyY(val.y))) > 0.1);
});

test('invertY undoes applyY to float32 precision and returns new arrays', () => {
  const set = toySet([0, 1, 2]);
  const scaler = Scaler.fit(set);
  const z = scaler.applyY(set.y);
  assert.notEqual(z, set.y);
  const back = scaler.invertY(z);
  // Two float32 roundings: the error scales with the values' magnitude (|mean| + std), not with y alone.
  const scale = Math.abs(scaler.y.mean[0]!) + scaler.y.std[0]!;
  for (let i = 0; i < back.length; i++) assert.ok(Math.abs(back[i]! - set.y[i]!) <= 2e-7 * scale, `cell ${i}: ${back[i]} vs ${set.y[i]}`);
  const x = scaler.applyX(set.x);
  assert.equal(x.length, set.x.length);
  assert.notDeepEqual(x, set.x);
});

test('a constant channel gets std 1 and maps to 0, never NaN', () => {
  const set = toySet([0, 1]);
  set.x = set.x.map((v, i) => (i % 2 === 1 ? 7 : v));
  const scaler = Scaler.fit(set);
  assert.equal(scaler.x.std[1], 1);
  const x = scaler.applyX(set.x);
  for (let i = 1; i < x.length; i += 2) assert.equal(x[i], 0);
});

test('JSON round trip gives the same transform; bad JSON is a clear error', () => {
  const scaler = Scaler.fit(toySet([0, 1, 2]));
  const again = Scaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
  assert.deepEqual(again.toJSON(), scaler.toJSON());
  const y = Float32Array.of(-3, 0.5, 100);
  assert.deepEqual(again.invertY(y), scaler.invertY(y));
  assert.throws(() => Scaler.fromJSON({ x: { mean: [0], std: [0] } }, 'scaler.json'), /scaler\.json: invalid scaler/);
  const json = scaler.toJSON();
  assert.throws(() => Scaler.fromJSON({ ...json, xChannels: ['only-one'] }), /differ in length/);
});

test('applySet normalises a whole set and refuses one with other channels', () => {
  const train = toySet([0, 1]);
  const scaler = Scaler.fit(train);
  const normalised = scaler.applySet(train);
  assert.deepEqual(normalised.simulation, train.simulation);
  assert.deepEqual(normalised.y, scaler.applyY(train.y));
  assert.throws(() => scaler.applySet({ ...train, cin: 3 }), /fitted on 2→1 channels, the set has 3→1/);
});
