import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlaps, placeLabels, type LabelRequest } from '../../src/plots/label-placement.js';
import { logTicks, plainNumber } from '../../src/plots/log-ticks.js';
import { raeLogTicks } from '../../src/plots/rae-boxplot.js';
import { tuningHistoryConfig } from '../../src/plots/tuning-history.js';

const bounds = { left: 0, top: 0, right: 1600, bottom: 1000 };

function assertDisjoint(boxes: ReturnType<typeof placeLabels>): void {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++)
      assert.ok(!overlaps(boxes[i]!, boxes[j]!), `labels ${i} and ${j} overlap: ${JSON.stringify([boxes[i], boxes[j]])}`);
  }
}

test('label placement: labels of points at the same spot are moved apart, inside the chart', () => {
  const same: LabelRequest[] = Array.from({ length: 6 }, () => ({ x: 800, y: 500, r: 20, width: 300, height: 24 }));
  const boxes = placeLabels(same, bounds);
  assert.equal(boxes.length, 6);
  assertDisjoint(boxes);
  for (const b of boxes) assert.ok(b.left >= 0 && b.right <= 1600 && b.top >= 0 && b.bottom <= 1000, JSON.stringify(b));
  assert.equal(boxes[0]!.moved, false, 'the first keeps its spot beside the point');
  assert.ok(boxes.slice(1).some((b) => b.moved));
});

test('label placement: near points (the size/speed chart of similar models) get disjoint labels; far ones stay beside their point', () => {
  const near: LabelRequest[] = [
    { x: 400, y: 300, r: 25, width: 380, height: 24 },
    { x: 420, y: 310, r: 15, width: 380, height: 24 },
    { x: 430, y: 295, r: 30, width: 380, height: 24 },
    { x: 1500, y: 900, r: 10, width: 380, height: 24 },
  ];
  const boxes = placeLabels(near, bounds);
  assertDisjoint(boxes);
  // the last is near the right edge: its label goes to the left of the point, not outside the chart
  assert.ok(boxes[3]!.right <= 1500 - 10 && !boxes[3]!.moved, JSON.stringify(boxes[3]));
  // the greedy placement is deterministic: the same input gives the same boxes
  assert.deepEqual(placeLabels(near, bounds), boxes);
});

test('label placement: with no free spot left it still returns one box per label', () => {
  const crowded: LabelRequest[] = Array.from({ length: 80 }, (_, i) => ({ x: 50 + (i % 2), y: 50, r: 5, width: 90, height: 40 }));
  assert.equal(placeLabels(crowded, { left: 0, top: 0, right: 200, bottom: 100 }).length, 80);
});

test('log ticks: 1-2-5 per decade with plain labels; sparser when a wide range would crowd the axis', () => {
  assert.deepEqual(logTicks(0.04, 3), [0.05, 0.1, 0.2, 0.5, 1, 2]);
  assert.deepEqual(logTicks(0.01, 1).map(plainNumber), ['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']);
  // 6 decades: 1-2-5 would be 19 ticks, 1-3 13, so decades only
  assert.deepEqual(logTicks(1e-4, 100), [1e-4, 1e-3, 0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(logTicks(1e-4, 100).map(plainNumber), ['0.0001', '0.001', '0.01', '0.1', '1', '10', '100']);
  // 3 decades with 1-3 spacing: no float noise such as 0.30000000000000004
  assert.deepEqual(logTicks(0.1, 300, 8), [0.1, 0.3, 1, 3, 10, 30, 100, 300]);
  assert.ok(raeLogTicks(1e-3, 50).length <= 10);
  assert.deepEqual(logTicks(0, 1), []);
  assert.equal(plainNumber(2500), '2500');
  assert.equal(plainNumber(0.002), '0.002');
  assert.equal(plainNumber(1e-7), '1e-7');
});

test('tuning history: every legend entry differs from the others in colour or marker', () => {
  const config = tuningHistoryConfig('B', [
    { number: 0, params: {}, value: 0.5, state: 'complete' },
    { number: 1, params: {}, value: 0.7, state: 'pruned' },
    { number: 2, params: {}, state: 'failed' },
  ]);
  const legend = config.options!.plugins!.legend!.labels!;
  assert.equal(legend.usePointStyle, true, "swatches drawn as each dataset's marker");
  const looks = config.data.datasets.map((d) => {
    const ds = d as { pointStyle?: string; borderColor?: string; backgroundColor?: string; type?: string };
    return `${ds.pointStyle ?? 'circle'}|${ds.backgroundColor}`;
  });
  assert.equal(new Set(looks).size, looks.length, `legend swatches alike: ${looks}`);
  const best = config.data.datasets[0] as { label?: string; pointStyle?: string };
  assert.deepEqual([best.label, best.pointStyle], ['best so far', 'line']);
});
