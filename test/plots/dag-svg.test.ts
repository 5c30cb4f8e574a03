import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dagSvg, layers } from '../../src/plots/dag-svg.js';

const node = (name: string) => ({ name, kind: 'train', status: 'fresh', fingerprint: 'f'.repeat(64) });

test('layers: longest path from a source, so every edge points to a later column', () => {
  const dag = { nodes: ['D', 'A', 'B', 'C'].map(node), edges: [['A', 'B'], ['A', 'C'], ['B', 'C'], ['C', 'D']] as [string, string][] };
  assert.deepEqual(Object.fromEntries(layers(dag)), { A: 0, B: 1, C: 2, D: 3 });
  const svg = dagSvg(dag);
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 4);
  assert.equal((svg.match(/<rect /g) ?? []).length, 4);
});

test('layers: a cycle or an unknown stage is a clear error', () => {
  assert.throws(() => layers({ nodes: ['A', 'B'].map(node), edges: [['A', 'B'], ['B', 'A']] }), /cycle through stage/);
  assert.throws(() => layers({ nodes: ['A'].map(node), edges: [['A', 'X']] }), /unknown stage X/);
});

test('dagSvg escapes names', () => {
  const svg = dagSvg({ nodes: [node('<b>&')], edges: [] });
  assert.ok(svg.includes('&lt;b&gt;&amp;') && !svg.includes('<b>&'));
});
