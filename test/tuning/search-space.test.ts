import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDimension, searchSpaceSchema } from '../../src/tuning/search-space.js';
import { rngFor } from '../../src/random/seeded-random.js';

test('a valid space parses into typed dimensions in YAML order', () => {
  const space = searchSpaceSchema.parse({
    'train.lr': { log_uniform: [1e-4, 1e-2] },
    'model.filters': { choice: [8, 16, 24] },
    'model.dropout': { uniform: [0, 0.3], grid_points: 4 },
    'model.depth': { int: [2, 8], step: 2 },
    'model.kind': { choice: ['a', true] },
  });
  assert.deepEqual(Object.keys(space), ['train.lr', 'model.filters', 'model.dropout', 'model.depth', 'model.kind']);
  assert.deepEqual(space['train.lr'], { kind: 'log_uniform', low: 1e-4, high: 1e-2 });
  assert.deepEqual(space['model.dropout'], { kind: 'uniform', low: 0, high: 0.3, gridPoints: 4 });
  assert.deepEqual(space['model.depth'], { kind: 'int', low: 2, high: 8, step: 2 });
  assert.deepEqual(space['model.filters'], { kind: 'choice', values: [8, 16, 24] });
});

const bad: [string, unknown, RegExp][] = [
  ['low >= high', { x: { uniform: [0.3, 0.3] } }, /low < high/],
  ['reversed int', { x: { int: [4, 2] } }, /low < high/],
  ['log bound at 0', { x: { log_uniform: [0, 1] } }, /log_uniform bounds must be > 0/],
  ['empty choice', { x: { choice: [] } }, /at least one value/],
  ['duplicate choice', { x: { choice: [8, 8] } }, /twice/],
  ['no kind', { x: { grid_points: 3 } }, /needs one of uniform, log_uniform, int, choice/],
  ['two kinds', { x: { uniform: [0, 1], int: [0, 1] } }, /exactly one of .* found uniform and int/],
  ['misspelt kind', { x: { unifrm: [0, 1] } }, /unifrm/],
  ['step on uniform', { x: { uniform: [0, 1], step: 1 } }, /step only applies to int/],
  ['step not dividing', { x: { int: [2, 9], step: 2 } }, /not a multiple of step 2; adjust high to 8/],
  ['grid_points on choice', { x: { choice: [1, 2], grid_points: 3 } }, /grid_points only applies/],
  ['non-integer int bound', { x: { int: [1.5, 3] } }, /int/],
  ['empty space', {}, /at least one parameter/],
];

for (const [what, input, message] of bad) {
  test(`schema rejects ${what}`, () => {
    const r = searchSpaceSchema.safeParse(input);
    assert.equal(r.success, false);
    const text = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    assert.match(text, message);
  });
}

test('the error names the parameter at fault', () => {
  const r = searchSpaceSchema.safeParse({ 'train.lr': { log_uniform: [-1, 1] } });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['train.lr', 'log_uniform']);
});

test('log_uniform samples stay within bounds and spread evenly in log space', () => {
  const dim = { kind: 'log_uniform', low: 1e-4, high: 1e-2 } as const;
  const xs = Array.from({ length: 4000 }, (_, k) => sampleDimension(dim, rngFor(7, k)) as number);
  assert.ok(xs.every((x) => x >= 1e-4 && x <= 1e-2));
  // Half the mass lies below the log-midpoint 1e-3 (a linear uniform would put only ~9% there).
  const below = xs.filter((x) => x < 1e-3).length / xs.length;
  assert.ok(Math.abs(below - 0.5) < 0.03, `fraction below 1e-3: ${below}`);
  const lowDecade = xs.filter((x) => x < 10 ** -3.5).length / xs.length;
  assert.ok(Math.abs(lowDecade - 0.25) < 0.03, `fraction below 10^-3.5: ${lowDecade}`);
});

test('int samples hit every step value and nothing else', () => {
  const dim = { kind: 'int', low: 2, high: 8, step: 2 } as const;
  const seen = new Set(Array.from({ length: 400 }, (_, k) => sampleDimension(dim, rngFor(1, k))));
  assert.deepEqual([...seen].sort((a, b) => (a as number) - (b as number)), [2, 4, 6, 8]);
});
