// The bench's statistics (bench/interleave.ts): contenders alternate order per round, ratios are taken
// within a round, and a wide spread is reported as noise instead of a ratio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRatio, interleaved, roundRatio, steadyMs } from '../../bench/interleave.js';

test('interleaved runs A B, then B A, one sample per contender per round', async () => {
  const order: string[] = [];
  const mk = (name: string) => ({ name, run: async () => (order.push(name), { ms: order.length }) });
  const s = await interleaved([mk('a'), mk('b')], 3);
  assert.deepEqual(order, ['a', 'b', 'b', 'a', 'a', 'b']);
  assert.deepEqual(s.get('a')!.map((x) => x.ms), [1, 4, 5]);
  assert.deepEqual(s.get('b')!.map((x) => x.ms), [2, 3, 6]);
});

test('roundRatio: the median of per-round ratios; a spread past the limit is noise, not a ratio', () => {
  const ms = (...xs: number[]) => xs.map((x) => ({ ms: x }));
  const steady = roundRatio(ms(80, 90, 85), ms(100, 100, 100), 0.2);
  assert.equal(steady.median, 0.85);
  assert.equal(steady.noisy, false);
  assert.match(describeRatio(steady, 0.2), /^0\.85 \(rounds 0\.80–0\.90\)$/);
  // A loaded round (the second contender ran 10x slower once) makes the ratios disagree.
  const loaded = roundRatio(ms(80, 90, 85), ms(100, 1000, 100), 0.2);
  assert.equal(loaded.noisy, true);
  assert.match(describeRatio(loaded, 0.2), /machine too noisy/);
  assert.doesNotMatch(describeRatio(loaded, 0.2), /^0\./);
  assert.equal(roundRatio(ms(80), ms(100), 0.2).noisy, true, 'one round cannot show its spread');
});

test('steadyMs leaves out the warm-up epoch', () => {
  assert.equal(steadyMs([900, 100, 120, 110]), 110);
});
