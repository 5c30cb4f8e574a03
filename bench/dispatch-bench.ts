/**
 * Dispatch overhead: N trivial `shell` units (foreach) through the local pool (--jobs 2) and through
 * BullMQ with two single-slot `pipe worker`s (each in its own copy), on this machine. Runs alternate
 * A B A B (a shared machine drifts); prints the median and spread of each, units per second, and the
 * milliseconds per unit BullMQ adds. Usage: node dist/bench/dispatch-bench.js [units=60] [rounds=3]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project, PIPE_BIN, waitFor } from '../test/e2e/rig.js';
import { RedisServer } from '../test/e2e/redis-rig.js';

const units = Number(process.argv[2] ?? 60);
const rounds = Number(process.argv[3] ?? 3);
const yamlFor = (round: string) => `name: dispatch
stages:
  many:
    kind: shell
    foreach: [${Array.from({ length: units }, (_, i) => `u${i}`).join(', ')}]
    cmd: 'echo $PIPE_ITEM > "$PIPE_OUT/out.txt"'
    outs: [out.txt]
    env: { ROUND: '${round}' }
`;
const yaml = yamlFor('workers');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(p: Project, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [PIPE_BIN, 'run', '--no-plots', ...args], { cwd: p.dir, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}

const redis = await RedisServer.start();
const storeDir = mkdtempSync(join(tmpdir(), 'pipe-bench-store-'));
const store = `dir://${storeDir}`;
const workers = [new Project({ 'pipeline.yaml': yaml }), new Project({ 'pipeline.yaml': yaml })].map((p) => {
  const child = spawn(process.execPath, [PIPE_BIN, 'worker', '--redis', redis.url, '--store', store], { cwd: p.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  return { p, child, ready: () => /pipe worker/.test(out) };
});
for (const w of workers) await waitFor(w.ready, 'a worker');
const times: Record<'local' | 'bullmq', number[]> = { local: [], bullmq: [] };
try {
  for (let i = 0; i < rounds; i++) {
    for (const mode of ['local', 'bullmq'] as const) {
      // a round of its own (its env is in every unit key): nothing is reused from an earlier round
      const p = new Project({ 'pipeline.yaml': yamlFor(`${mode}-${i}`) });
      times[mode].push(timed(p, mode === 'local' ? ['--jobs', '2'] : ['--executor', 'bullmq', '--redis', redis.url, '--store', store]));
      p.cleanup();
    }
  }
} finally {
  for (const w of workers) {
    w.child.kill('SIGTERM');
    w.p.cleanup();
  }
  await redis.stop();
  rmSync(storeDir, { recursive: true, force: true });
}
for (const mode of ['local', 'bullmq'] as const) {
  const xs = times[mode];
  console.log(
    `${mode.padEnd(6)} ${units} units: median ${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}), ` +
      `${(units / median(xs)).toFixed(1)} units/s`,
  );
}
console.log(`bullmq adds ${(((median(times.bullmq) - median(times.local)) / units) * 1000).toFixed(0)} ms per unit (2 slots each)`);
