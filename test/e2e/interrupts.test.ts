/**
 * Ctrl-C in every long phase: data generation, hashing a data file, and a run in a real terminal (a
 * pseudo-terminal, where the listr2 progress tree is drawn). Each stops at once with exit 130, leaves
 * nothing half-written, and releases the run lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, ftruncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIPE_BIN, Project, exitOf, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

/** Exit within this long after the signal, or the phase ignored it (the phases below run for minutes). */
const DEADLINE_MS = 20_000;

async function interruptWhen(p: Project, args: string[], ready: (out: string) => boolean): Promise<{ code: number | null; out: string }> {
  const child = p.spawn(args);
  await waitFor(() => ready(child.output()), 'the phase to start', 120_000);
  process.kill(child.pid!, 'SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const { code } = await exitOf(child);
  clearTimeout(killer);
  return { code, out: child.output() };
}

test('Ctrl-C during data generation stops it: exit 130, no data set, no temp folder, lock released', async (t) => {
  const p = new Project({
    'pipeline.yaml': `data:
  flood: { grid: 32, simulations: 20000, steps: 120, samples_per_simulation: 2, horizon: 30 }
  split: { small: 3, test: 2 }
stages:
  A: { kind: train, data: small, models: [plain_cnn] }
`,
  });
  t.after(() => p.cleanup());
  const r = await interruptWhen(p, ['run', '--no-plots'], (o) => /data: simulating 20000 floods/.test(o));
  assert.equal(r.code, 130, r.out);
  assert.match(r.out, /interrupted/);
  assert.ok(!p.exists('.pipe/cache/data') || readdirSync(join(p.dir, '.pipe/cache/data')).length === 0, 'no data set committed');
  assert.deepEqual(p.exists('.pipe/cache/tmp') ? readdirSync(join(p.dir, '.pipe/cache/tmp')) : [], [], 'no temp folder left');
  assert.ok(!p.exists('.pipe/run-lock'), 'run lock released');
});

test('Ctrl-C while a large data file is hashed stops at once: exit 130, nothing written', async (t) => {
  const p = new Project({
    'pipeline.yaml': `data:
  files: { x: data/x.npy, y: data/y.npy }
  split: { small: 2, test: 1 }
stages:
  A: { kind: train, data: small, models: [plain_cnn] }
`,
    'data/y.npy': 'y',
  });
  t.after(() => p.cleanup());
  // a sparse 200 GiB file: reading it takes minutes, storing it takes nothing
  const fd = openSync(join(p.dir, 'data/x.npy'), 'w');
  ftruncateSync(fd, 200 * 2 ** 30);
  closeSync(fd);
  const child = p.spawn(['status']);
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(child.pid!, 'SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const { code } = await exitOf(child);
  clearTimeout(killer);
  assert.equal(code, 130, child.output());
  assert.match(child.output(), /interrupted by SIGINT; nothing was written/);
  assert.ok(!p.exists('.pipe'), 'nothing written');
});

const PTY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'e2e', 'pty-run.py');

test(
  "Ctrl-C in a real terminal (listr2 progress): exit 130 with pipe's message, the lock released, the next run resumes",
  { skip: !existsSync('/usr/bin/python3') && 'needs python3 for a pseudo-terminal' },
  (t) => {
    const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hello\n', 'slow-b': '' });
    t.after(() => p.cleanup());
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI;
    const r = spawnSync('/usr/bin/python3', [PTY, join(p.dir, 'counts', 'train-b'), process.execPath, PIPE_BIN, 'run', '--jobs', '1'], {
      cwd: p.dir,
      env,
      encoding: 'utf8',
      timeout: 200_000,
    });
    const out = r.stdout;
    assert.match(out, /EXIT 130\n$/, out);
    assert.match(out, /SIGINT received, stopping workers/);
    assert.match(out, /error: interrupted during train; finished units are cached/);
    assert.ok(!p.exists('.pipe/run-lock'), 'run lock released');
    p.rm('slow-b');
    const again = p.runJson(['run']);
    assert.equal(again.result.code, 0, again.result.stderr);
    assert.deepEqual(again.stages.train!.units, { ran: 3, reused: 1 });
  },
);
