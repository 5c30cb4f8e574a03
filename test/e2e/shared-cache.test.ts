/**
 * A cache several runners share: two projects on one PIPE_CACHE_DIR running at once, `pipe gc` during a
 * run (of the same project: it waits; of another project: it removes nothing the run uses), and a run lock
 * whose recorded pid now belongs to an unrelated live process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project, exitOf, waitFor } from './rig.js';

/** A stage that takes a while: each unit waits for a file named go-<item> (or 30 s) before finishing. */
const SLOW = `name: shared
stages:
  work:
    kind: shell
    foreach: [a, b]
    cmd: 'echo x >> counts/work-$PIPE_ITEM; i=0; while [ ! -f go-$PIPE_ITEM ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; \
echo "$PIPE_ITEM done" > "$PIPE_OUT/out.txt"'
    outs: [out.txt]
  sum:
    kind: shell
    needs: [work]
    cmd: 'cat "$PIPE_IN_WORK"/*/out.txt > "$PIPE_OUT/sum.txt"'
    outs: [sum.txt]
`;

function sharedCache(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-shared-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('two projects on one PIPE_CACHE_DIR run at once: both finish, with the same results, the cache stays whole', async (t) => {
  const cache = sharedCache(t);
  const env = { PIPE_CACHE_DIR: cache };
  const p1 = new Project({ 'pipeline.yaml': SLOW });
  const p2 = new Project({ 'pipeline.yaml': SLOW });
  t.after(() => {
    p1.cleanup();
    p2.cleanup();
  });
  const a = p1.spawn(['run', '--jobs', '2'], env);
  const b = p2.spawn(['run', '--jobs', '2'], env);
  await waitFor(() => p1.count('work-a') === 1 && p2.count('work-a') === 1, 'both projects to be inside their units');
  for (const p of [p1, p2]) for (const i of ['a', 'b']) p.write(`go-${i}`, '');
  const [ra, rb] = await Promise.all([exitOf(a), exitOf(b)]);
  assert.equal(ra.code, 0, a.output());
  assert.equal(rb.code, 0, b.output());
  assert.equal(p1.read('results/sum/sum.txt'), 'a done\nb done\n');
  assert.equal(p2.read('results/sum/sum.txt'), p1.read('results/sum/sum.txt'));
  // every committed entry is whole (marker present) and no temp folder is left behind
  for (const ns of ['stages', 'units'])
    for (const k of readdirSync(join(cache, ns))) assert.ok(readdirSync(join(cache, ns, k)).includes('.commit'), `${ns}/${k}`);
  assert.deepEqual(readdirSync(join(cache, 'tmp')), [], 'runners remove their temp folders');
  // a third clone reuses everything
  const p3 = new Project({ 'pipeline.yaml': SLOW });
  t.after(() => p3.cleanup());
  const r3 = p3.runJson(['run'], env);
  assert.equal(r3.result.code, 0, r3.result.stderr);
  assert.equal(r3.stages.work!.status, 'restored');
  assert.equal(p3.count('work-a'), 0);
});

test('pipe gc during a run of the same project waits for it; the run finishes', async (t) => {
  const p = new Project({ 'pipeline.yaml': SLOW });
  t.after(() => p.cleanup());
  const run = p.spawn(['run', '--jobs', '2']);
  await waitFor(() => p.count('work-a') === 1 && p.count('work-b') === 1, 'the run to be inside its units');
  const gc = p.spawn(['gc']);
  await waitFor(() => /pipe gc: waiting for the pipe run \(pid \d+\) in this project to finish/.test(gc.output()), 'gc to wait', 20_000);
  p.write('go-a', '');
  p.write('go-b', '');
  const [r, g] = await Promise.all([exitOf(run), exitOf(gc)]);
  assert.equal(r.code, 0, run.output());
  assert.equal(g.code, 0, gc.output());
  assert.match(gc.output(), /pipe gc: removed 0 cache entries/);
  assert.equal(p.read('results/sum/sum.txt'), 'a done\nb done\n');
});

test('pipe gc of another project on a shared cache removes nothing a live run uses (temp folders, entries)', async (t) => {
  const cache = sharedCache(t);
  const env = { PIPE_CACHE_DIR: cache };
  const other = new Project({ 'pipeline.yaml': 'stages:\n  x: { kind: shell, cmd: "echo 1 > $PIPE_OUT/x.txt" }\n' });
  const p = new Project({ 'pipeline.yaml': SLOW });
  t.after(() => {
    p.cleanup();
    other.cleanup();
  });
  assert.equal(other.run(['run'], env).code, 0);
  p.write('go-a', '');
  const run = p.spawn(['run', '--jobs', '2'], env);
  await waitFor(() => p.count('work-b') === 1 && readdirSync(join(cache, 'units')).length === 2, 'unit a committed, unit b running');
  const gc = other.run(['gc'], env);
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, /removed 0 cache entries.*kept 1 in use by 1 running pipe/);
  p.write('go-b', '');
  const r = await exitOf(run);
  assert.equal(r.code, 0, run.output());
  assert.equal(p.count('work-a'), 1, 'unit a ran once: its entry survived gc');
  // and later, with no run alive, gc of the other project still keeps p's entries: p's lock names them
  const later = other.run(['gc'], env);
  assert.match(later.stdout, /removed 0 cache entries/);
  assert.equal(p.runJson(['run'], env).stages.work!.status, 'fresh');
});

test('a run lock whose recorded pid is an unrelated live process (pid reuse) does not block: stale locks are taken over', async (t) => {
  const p = new Project({ 'pipeline.yaml': SLOW, 'go-a': '', 'go-b': '' });
  t.after(() => p.cleanup());
  const unrelated = spawn('sleep', ['120'], { stdio: 'ignore' });
  t.after(() => unrelated.kill());
  mkdirSync(join(p.dir, '.pipe'), { recursive: true });
  // the lock of an older pipe (a pid file) and of this one (a lock folder not refreshed for an hour)
  writeFileSync(join(p.dir, '.pipe', 'run.lock'), String(unrelated.pid));
  mkdirSync(join(p.dir, '.pipe', 'run-lock'));
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(join(p.dir, '.pipe', 'run-lock'), hourAgo, hourAgo);
  writeFileSync(join(p.dir, '.pipe', 'run.owner'), JSON.stringify({ pid: unrelated.pid, host: hostname(), command: 'run' }));
  const child = p.spawn(['run']);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const r = await exitOf(child);
  clearTimeout(killer);
  assert.equal(r.code, 0, `the run must not wait for pid ${unrelated.pid}:\n${child.output()}`);
  assert.equal(p.read('results/sum/sum.txt'), 'a done\nb done\n');
});
