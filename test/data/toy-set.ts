import type { ArraySet } from '../../src/data/array-set.js';

/**
 * A small set whose values encode where they come from (sample i, cell j, channel k → 100i + 10k + j
 * for x), so a test can tell which samples a split or subset copied.
 */
export function toySet(simulationsOf: readonly number[], h = 2, w = 2): ArraySet {
  const n = simulationsOf.length;
  const cells = h * w;
  const cin = 2;
  const x = new Float32Array(n * cells * cin);
  const y = new Float32Array(n * cells);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cells; j++) {
      for (let k = 0; k < cin; k++) x[(i * cells + j) * cin + k] = 100 * i + 10 * k + j;
      y[i * cells + j] = -(100 * i + j);
    }
  }
  return { x, y, n, h, w, factor: 1, cin, cout: 1, simulation: Int32Array.from(simulationsOf), xChannels: ['a', 'b'], yChannels: ['depth'] };
}
