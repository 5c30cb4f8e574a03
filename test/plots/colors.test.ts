import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DUMMY_COLOR, modelColors } from '../../src/plots/colors.js';

test('colours: stable per model whatever the order, distinct within the palette, dummy grey', () => {
  const a = modelColors(['unet', 'resnet', 'cnn', 'dummy']);
  const b = modelColors(['dummy', 'cnn', 'unet', 'resnet', 'cnn']);
  for (const m of ['unet', 'resnet', 'cnn', 'dummy']) assert.equal(a(m), b(m), m);
  assert.equal(a('dummy'), DUMMY_COLOR);
  assert.equal(new Set(['unet', 'resnet', 'cnn'].map(a)).size, 3);
  assert.ok(!['unet', 'resnet', 'cnn'].map(a).includes(DUMMY_COLOR));
});

test('colours: models beyond the palette or outside the study still get a stable colour', () => {
  const many = Array.from({ length: 12 }, (_, i) => `m${i}`); // sorted: m0, m1, m10, m11, m2 … m9
  const c = modelColors(many);
  assert.equal(c('m9'), modelColors(many)('m9'));
  assert.match(c('m9'), /^hsl\(/);
  assert.equal(c('stranger'), modelColors([])('stranger'));
});
