import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestorsOf, dependentsOf, findCycle, topoOrder } from '../../src/dag/graph.js';

const g = [
  { name: 'A', needs: [] },
  { name: 'B', needs: ['A'] },
  { name: 'C', needs: ['A', 'B'] },
  { name: 'D', needs: ['C'] },
  { name: 'X', needs: [] },
];

test('topoOrder is a post-order over the targets, declaration order otherwise', () => {
  assert.deepEqual(topoOrder(g), ['A', 'B', 'C', 'D', 'X']);
  assert.deepEqual(topoOrder(g, ['C']), ['A', 'B', 'C']);
  assert.deepEqual(topoOrder(g, ['X', 'B']), ['X', 'A', 'B']);
});

test('ancestors and dependents', () => {
  assert.deepEqual(ancestorsOf(g, 'C'), ['A', 'B']);
  assert.deepEqual(dependentsOf(g, 'B'), ['C', 'D']);
  assert.deepEqual(dependentsOf(g, 'X'), []);
});

test('findCycle returns the cycle as a closed path in run order', () => {
  assert.equal(findCycle(g), undefined);
  const cyclic = [
    { name: 'A', needs: ['C'] },
    { name: 'B', needs: ['A'] },
    { name: 'C', needs: ['B'] },
  ];
  const cycle = findCycle(cyclic)!;
  assert.equal(cycle[0], cycle[cycle.length - 1]);
  assert.equal(cycle.length, 4);
  // every consecutive pair is an edge "x runs before y", i.e. y needs x
  for (let i = 0; i + 1 < cycle.length; i++) {
    assert.ok(cyclic.find((n) => n.name === cycle[i + 1])!.needs.includes(cycle[i]!), `${cycle[i + 1]} needs ${cycle[i]}`);
  }
  assert.deepEqual(findCycle([{ name: 'S', needs: ['S'] }]), ['S', 'S']);
});
