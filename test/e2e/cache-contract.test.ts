/**
 * The cache contract, end to end with the real binary: how many times each unit runs across edits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project, exitOf, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

const ALL_UNITS = ['prep', 'report', 'train-a', 'train-b', 'train-c', 'train-d'];

function fresh(): Project {
  return new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hello\n' });
}

test('first run runs everything, a no-op re-run runs nothing', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  const first = p.runJson(['run', '--jobs', '2']);
  assert.equal(first.result.code, 0, first.result.stderr);
  assert.deepEqual(Object.values(first.stages).map((s) => s.status), ['ran', 'ran', 'ran']);
  assert.deepEqual(first.stages.train!.units, { ran: 4, reused: 0 });
  assert.deepEqual(p.counts(), Object.fromEntries(ALL_UNITS.map((u) => [u, 1])));
  assert.match(p.read('results/report/report.txt'), /hello\nlevel 1\na\n/);
  assert.ok(p.exists('pipeline.lock'));
  const again = p.runJson(['run']);
  assert.equal(again.result.code, 0);
  assert.deepEqual(Object.values(again.stages).map((s) => s.status), ['fresh', 'fresh', 'fresh']);
  assert.deepEqual(p.counts(), Object.fromEntries(ALL_UNITS.map((u) => [u, 1])));
  const status = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(status.stages.map((s: { stale: boolean }) => s.stale), [false, false, false]);
});

test('param edit re-runs the stage and its dependents; unrelated edit nothing; revert restores; removed param re-runs', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);

  p.write('pipeline.yaml', shellPipeline({ level: 2 }));
  const status = JSON.parse(p.run(['status', '--json']).stdout);
  const reasons = Object.fromEntries(status.stages.map((s: { name: string; reasons: string[] }) => [s.name, s.reasons]));
  assert.deepEqual(reasons.prep, ['params.env.LEVEL changed (1 → 2)']);
  assert.deepEqual(reasons.train, ['upstream prep changed']);
  assert.deepEqual(reasons.report, ['upstream train changed']);
  const edited = p.runJson(['run']);
  assert.deepEqual(Object.values(edited.stages).map((s) => s.status), ['ran', 'ran', 'ran']);
  assert.equal(p.count('prep'), 2);
  assert.equal(p.count('train-a'), 2);
  assert.equal(p.count('report'), 2);

  p.write('pipeline.yaml', shellPipeline({ level: 2, description: 'prepare the input' }));
  const unrelated = p.runJson(['run']);
  assert.deepEqual(Object.values(unrelated.stages).map((s) => s.status), ['fresh', 'fresh', 'fresh']);

  p.write('pipeline.yaml', shellPipeline({ level: 1 }));
  const reverted = p.runJson(['run']);
  assert.deepEqual(Object.values(reverted.stages).map((s) => s.status), ['restored', 'restored', 'restored']);
  assert.equal(p.count('prep'), 2, 'revert must not execute anything');
  assert.match(p.read('results/prep/prep.txt'), /level 1/);

  p.write('pipeline.yaml', shellPipeline({ level: 1, extraEnv: 'EXTRA: yes' }));
  assert.equal(p.runJson(['run']).stages.prep!.status, 'ran');
  p.write('pipeline.yaml', shellPipeline({ level: 1 }));
  const st = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st.stages[0].reasons, ['params.env.EXTRA removed']);
  const removed = p.runJson(['run']);
  assert.equal(removed.stages.prep!.status, 'restored', 'removing the param returns to a cached configuration');
});

test('data file edit re-runs; deleted output is restored from the cache without running', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  p.write('input.txt', 'changed\n');
  const st = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st.stages[0].reasons, ['input.txt changed']);
  assert.equal(p.runJson(['run']).stages.prep!.status, 'ran');
  p.rm('results/train/b/model.txt');
  const st2 = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st2.stages[1].reasons, ['output missing: results/train/b/model.txt']);
  const r = p.runJson(['run']);
  assert.equal(r.stages.train!.status, 'restored');
  assert.equal(r.stages.report!.status, 'fresh');
  assert.equal(p.count('train-b'), 2);
  assert.ok(p.exists('results/train/b/model.txt'));
});

test('--stage runs only the target and its stale ancestors; --force re-runs it; --dry-run touches nothing', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  const dry = p.run(['run', '--dry-run']);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /would run\s+prep: never ran/);
  assert.ok(!p.exists('.pipe') && !p.exists('results') && !p.exists('pipeline.lock'), 'dry-run wrote files');
  const r = p.runJson(['run', '--stage', 'train']);
  assert.deepEqual(Object.keys(r.stages), ['prep', 'train']);
  assert.equal(p.count('report'), 0);
  const forced = p.runJson(['run', '--stage', 'train', '--force']);
  assert.equal(forced.stages.prep!.status, 'fresh');
  assert.equal(forced.stages.train!.status, 'ran');
  assert.deepEqual(forced.stages.train!.units, { ran: 4, reused: 0 });
  assert.equal(p.count('train-a'), 2);
  assert.equal(p.count('prep'), 1);
  const rest = p.runJson(['run']);
  assert.equal(rest.stages.report!.status, 'ran');
});

test('--keep-going continues past a failed stage and names the skipped dependents', (t) => {
  const p = new Project({
    'pipeline.yaml': `stages:
  bad:
    kind: shell
    cmd: 'echo boom >&2; exit 3'
  after_bad:
    kind: shell
    needs: [bad]
    cmd: 'echo x >> counts/after_bad'
  pre:
    kind: shell
    cmd: 'sleep 1; echo x >> counts/pre'
  independent:
    kind: shell
    needs: [pre]
    cmd: 'echo x >> counts/independent'
`,
  });
  t.after(() => p.cleanup());
  const stop = p.runJson(['run', '--jobs', '1']);
  assert.equal(stop.result.code, 1);
  assert.equal(stop.stages.bad!.status, 'failed');
  assert.equal(stop.stages.after_bad!.status, 'skipped');
  assert.equal(stop.stages.independent!.status, 'skipped', 'without --keep-going nothing new starts after a failure');
  assert.match(stop.result.stderr, /bad failed; skipped: after_bad, independent/);
  assert.match(stop.result.stderr, /exited with code 3; its last output:\nboom/);
  const keep = p.runJson(['run', '--keep-going', '--jobs', '1']);
  assert.equal(keep.result.code, 1);
  assert.equal(keep.stages.independent!.status, 'ran');
  assert.equal(keep.stages.after_bad!.status, 'skipped');
  assert.equal(p.count('after_bad'), 0);
  assert.equal(p.count('independent'), 1);
  assert.ok(!p.exists('results/bad'), 'a failed stage must leave no results');
});

test('kill -9 mid-stage: the next run re-uses finished units and runs the rest', async (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  p.write('slow-c', '');
  const child = p.spawn(['run', '--jobs', '1']);
  await waitFor(() => p.count('train-c') === 1, 'unit c to start');
  process.kill(-child.pid!, 'SIGKILL');
  await exitOf(child);
  assert.equal(p.count('train-a') + p.count('train-b'), 2);
  p.rm('slow-c');
  const r = p.runJson(['run', '--jobs', '1']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.deepEqual(r.stages.train!.units, { ran: 2, reused: 2 });
  assert.deepEqual(p.counts(), { prep: 1, report: 1, 'train-a': 1, 'train-b': 1, 'train-c': 2, 'train-d': 1 });
});

test('SIGINT stops the workers, exits 130, and the next run resumes', async (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  p.write('slow-b', '');
  const child = p.spawn(['run', '--jobs', '1']);
  await waitFor(() => p.count('train-b') === 1, 'unit b to start');
  process.kill(child.pid!, 'SIGINT');
  const { code } = await exitOf(child);
  assert.equal(code, 130, child.output());
  assert.match(child.output(), /interrupted/);
  p.rm('slow-b');
  const r = p.runJson(['run']);
  assert.equal(r.result.code, 0);
  assert.deepEqual(r.stages.train!.units, { ran: 3, reused: 1 });
});

test('two concurrent runs: the second waits, nothing runs twice, the cache stays valid', async (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  p.write('slow-a', '');
  const first = p.spawn(['run', '--jobs', '2']);
  await waitFor(() => p.count('train-a') === 1, 'first run to start');
  const second = p.spawn(['run', '--jobs', '2']);
  await waitFor(() => /waiting for another pipe run/.test(second.output()), 'the second run to wait', 20_000);
  p.rm('slow-a');
  const [a, b] = await Promise.all([exitOf(first), exitOf(second)]);
  assert.equal(a.code, 0, first.output());
  assert.equal(b.code, 0, second.output());
  assert.deepEqual(p.counts(), Object.fromEntries(ALL_UNITS.map((u) => [u, 1])));
  const status = JSON.parse(p.run(['status', '--json']).stdout);
  assert.ok(status.stages.every((s: { stale: boolean }) => !s.stale));
});

test('a corrupt cache entry is discarded with a warning and the work redone', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  const lock = p.read('pipeline.lock');
  const fp = /prep:\n\s+fingerprint: (\w+)/.exec(lock)![1]!;
  p.write(`.pipe/cache/stages/${fp}/files/prep.txt`, 'tampered\n');
  p.write('pipeline.yaml', shellPipeline({ level: 5 }));
  assert.equal(p.run(['run']).code, 0);
  p.write('pipeline.yaml', shellPipeline({ level: 1 }));
  const r = p.runJson(['run']);
  assert.match(r.result.stderr, /corrupt .*discarded/);
  assert.equal(r.stages.prep!.status, 'ran');
  assert.match(p.read('results/prep/prep.txt'), /^hello\nlevel 1/);
});

test('PIPE_CACHE_DIR moves the cache; pipe gc frees entries the lock no longer references', (t) => {
  const p = fresh();
  t.after(() => p.cleanup());
  const env = { PIPE_CACHE_DIR: `${p.dir}/elsewhere` };
  assert.equal(p.run(['run'], env).code, 0);
  assert.ok(p.exists('elsewhere/stages') && !p.exists('.pipe/cache'));
  p.write('pipeline.yaml', shellPipeline({ level: 2 }));
  assert.equal(p.run(['run'], env).code, 0);
  const gc = p.run(['gc'], env);
  assert.equal(gc.code, 0);
  assert.match(gc.stdout, /removed [1-9]\d* cache entr(y|ies), freed [\d.]+ MiB/);
  p.write('pipeline.yaml', shellPipeline({ level: 1 }));
  const r = p.runJson(['run'], env);
  assert.equal(r.stages.prep!.status, 'ran', 'the old entry was collected, so it runs again');
});

test('--force replaces the cache entries and results with the new run\'s outputs (a volatile file changes)', (t) => {
  const p = new Project({
    'pipeline.yaml': `name: force-study
stages:
  stamp:
    kind: shell
    cmd: 'echo x >> counts/stamp; echo stable > "$PIPE_OUT/out.txt"; date +%s%N > "$PIPE_OUT/timing.json"'
    outs: [out.txt, timing.json]
`,
  });
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  const first = p.read('results/stamp/timing.json');
  const lock = p.read('pipeline.lock');
  const forced = p.runJson(['run', '--force']);
  assert.equal(forced.result.code, 0, forced.result.stderr);
  assert.equal(p.counts().stamp, 2);
  const second = p.read('results/stamp/timing.json');
  assert.notEqual(second, first, 'results/ still holds the first run\'s volatile file');
  assert.equal(p.read('pipeline.lock'), lock, 'timing.json is volatile: the lock must not change');
  // the cache now holds the second run's outputs: wipe results and restore from the stage cache
  p.rm('results');
  const restored = p.runJson(['run']);
  assert.equal(restored.stages.stamp!.status, 'restored');
  assert.equal(p.read('results/stamp/timing.json'), second);
});
