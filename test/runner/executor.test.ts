// ProcessPool counts each unit's cores (a training's `threads`) against --jobs: never more cores busy
// than the pool's size, in queue order; a unit wider than the pool runs alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessPool, type UnitJob } from '../../src/runner/executor.js';

const script = fileURLToPath(new URL('./stand-in-worker.js', import.meta.url));

/** Runs units of the given widths; returns the most cores busy at once and the order they started in. */
async function schedule(size: number, cores: number[], barrier?: { dir: string; parties: number }): Promise<{ peak: number; order: number[] }> {
  const pool = new ProcessPool(size, process.env, script);
  const spans: { start: number; end: number; cores: number; i: number }[] = [];
  const job = (i: number): UnitJob => ({
    key: `k${i}`,
    checks: { tool: '0', tfjs: '0', backend: 'none', files: {}, models: {} },
    stage: 'S',
    kind: 'stand-in',
    id: `u${i}`,
    payload: { ms: 150, ...(barrier ? { barrier: barrier.dir, parties: barrier.parties } : {}) },
    locals: null,
    outDir: '',
    workDir: '',
    projectDir: '',
    backend: 'auto',
    cores: cores[i]!,
  });
  await Promise.all(
    cores.map((c, i) => {
      const span = { start: 0, end: 0, cores: Math.min(c, size), i };
      spans.push(span);
      return pool.run(job(i), (text) => {
        const [what, at] = text.split(' ');
        span[what as 'start' | 'end'] = Number(at);
      });
    }),
  );
  await pool.close();
  // Cores busy at each start: the units whose span contains that instant.
  const peak = Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).reduce((n, o) => n + o.cores, 0)));
  const order = [...spans].sort((a, b) => a.start - b.start).map((s) => s.i);
  return { peak, order };
}

test('units taking 2 cores in a pool of 2 run one at a time; 1-core units two at a time', async () => {
  assert.deepEqual(await schedule(2, [2, 2, 2]), { peak: 2, order: [0, 1, 2] });
  // The barrier holds each 1-core unit until two have started: side by side they overlap however slowly
  // worker processes start; run one at a time, the first would wait 30 s alone and the peak would be 1.
  const dir = mkdtempSync(join(tmpdir(), 'pipe-pool-'));
  try {
    assert.equal((await schedule(2, [1, 1], { dir, parties: 2 })).peak, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mixed widths never exceed the pool; a unit wider than the pool runs alone', async () => {
  const mixed = await schedule(3, [1, 2, 2, 1, 4]);
  assert.ok(mixed.peak <= 3, `peak ${mixed.peak}`);
  assert.equal(mixed.order.at(-1), 4, 'the 4-core unit starts last, alone');
  assert.deepEqual(await schedule(1, [2, 1]), { peak: 1, order: [0, 1] });
});
