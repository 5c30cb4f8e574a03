/**
 * Run history end to end, with the built `pipe`: every run recorded, `pipe runs`, `pipe compare` (two
 * runs, and a run against the committed lock), `pipe metrics --diff` with old → new values, a run killed
 * with -9 shown as interrupted with its log intact, and `pipe gc` keeping the records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project, exitOf, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';
import { tinyStudy } from './tiny-study.js';

const json = <T>(text: string): T => JSON.parse(text.trim().split('\n').pop()!) as T;

interface RunsJson {
  runs: {
    id: string;
    status: string;
    commit: string | null;
    dirty: boolean | null;
    changed: { path: string }[];
    stages: { name: string; state: string }[];
    headline: { value: number } | null;
  }[];
}

test('three runs are three records; --limit; what changed since the run before; gc keeps them', (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'one\n' });
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  p.write('input.txt', 'two\n');
  assert.equal(p.run(['run']).code, 0);
  assert.match(p.run(['run']).stderr, /nothing to do/, 'a run with nothing to do records nothing');
  p.write('pipeline.yaml', shellPipeline({ level: 2 }));
  assert.equal(p.run(['run']).code, 0);
  const r = p.run(['runs', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const { runs } = json<RunsJson>(r.stdout);
  assert.equal(runs.length, 3);
  assert.deepEqual(
    runs.map((x) => x.status),
    ['done', 'done', 'done'],
  );
  assert.deepEqual(
    runs[0]!.stages.map((s) => s.state),
    ['done', 'done', 'done'],
  );
  assert.deepEqual(
    runs[1]!.stages.map((s) => s.state),
    ['done', 'done', 'done'],
    'input.txt changed: every stage re-ran',
  );
  assert.deepEqual(
    runs[2]!.changed.map((c) => c.path),
    ['env.LEVEL'],
  );
  assert.equal(runs[0]!.commit, null, 'not a git work tree');
  assert.equal(json<RunsJson>(p.run(['runs', '--json', '--limit', '2']).stdout).runs.length, 2);
  const table = p.run(['runs']).stdout;
  assert.match(table, /env\.LEVEL=2/);
  assert.equal(table.trim().split('\n').length, 2 + 3 + 1);
  const gc = p.run(['gc']);
  assert.match(gc.stdout, /kept 3 run records in \.pipe\/runs/);
  assert.equal(json<RunsJson>(p.run(['runs', '--json']).stdout).runs.length, 3);
  // each record is small: it references cache entries, it copies no artifact
  for (const f of readdirSync(join(p.dir, '.pipe/runs'))) assert.ok(readFileSync(join(p.dir, '.pipe/runs', f)).length < 20_000, f);
  const bad = p.run(['compare', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no run 'nope' in \.pipe\/runs[^]*hint: recent runs: /);
});

test('compare two runs that differ in train.lr: exactly that param, metrics old → new; against the committed lock; metrics --diff', (t) => {
  const p = new Project({ 'pipeline.yaml': tinyStudy() });
  t.after(() => p.cleanup());
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', 'pipeline.yaml');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'study');
  const first = p.run(['run', '--no-plots']);
  assert.equal(first.code, 0, first.stderr);
  git('add', 'pipeline.lock');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'lock');
  p.write('notes.txt', 'not committed\n');
  const second = p.run(['run', '--no-plots', '--set', 'train.lr=0.001']);
  assert.equal(second.code, 0, second.stderr);

  const { runs } = json<RunsJson>(p.run(['runs', '--json']).stdout);
  assert.equal(runs.length, 2);
  assert.equal(runs[0]!.dirty, false, 'the study was committed; .pipe/ and results/ do not count');
  assert.equal(runs[1]!.dirty, true, 'an untracked file makes the tree dirty');
  assert.match(runs[1]!.commit ?? '', /^[0-9a-f]{40}$/);
  assert.equal(runs[1]!.commit, git('rev-parse', 'HEAD').trim());
  assert.ok(runs[1]!.headline && runs[1]!.headline.value > 0);

  const c = p.run(['compare', '--json']);
  assert.equal(c.code, 0, c.stderr);
  const cmp = json<{
    old: string;
    new: string;
    params: { path: string; old: unknown; new: unknown; stages: string[] }[];
    metrics: { stage: string; key: string; old: number; new: number; delta?: number; changed: boolean }[];
  }>(c.stdout);
  assert.deepEqual([cmp.old, cmp.new], [runs[0]!.id, runs[1]!.id]);
  assert.deepEqual(
    cmp.params.map((x) => [x.path, x.old, x.new]),
    [['train.lr', 0.002, 0.001]],
  );
  assert.deepEqual(cmp.params[0]!.stages, ['A', 'B']);
  const rae = cmp.metrics.find((m) => m.stage === 'D' && m.key === 'rae_median.unet_lite.test.test')!;
  assert.ok(rae.changed, 'a different learning rate trains a different model');
  assert.equal(rae.delta, rae.new - rae.old);

  const text = p.run(['compare']).stdout;
  assert.match(text, /train\.lr\s+0\.002 → 0\.001\s+A, B/);
  assert.match(text, new RegExp(`D\\s+rae_median\\s+unet_lite\\s+test/test\\s+${rae.old.toPrecision(4)} → ${rae.new.toPrecision(4)}\\s+[+-]`));

  const vsLock = json<{ old: string; params: { path: string }[] }>(p.run(['compare', 'lock', runs[1]!.id.slice(0, 17), '--json']).stdout);
  assert.equal(vsLock.old, 'lock');
  assert.deepEqual(
    vsLock.params.map((x) => x.path),
    ['train.lr'],
  );

  const diff = p.run(['metrics', '--diff']);
  assert.equal(diff.code, 0, diff.stderr);
  const row = diff.stdout.split('\n').find((l) => /^\*\s+unet_lite\s+test\s+test/.test(l));
  assert.ok(row, diff.stdout);
  assert.match(row!, new RegExp(`${rae.old.toFixed(4)} → ${rae.new.toFixed(4)}`));
});

test('kill -9 of the runner: the event log stays whole lines and the run reads as interrupted', async (t) => {
  // 400 epochs: the run is still training when it is looked at and killed, even on an idle machine
  const p = new Project({ 'pipeline.yaml': tinyStudy(400) });
  t.after(() => p.cleanup());
  const child = p.spawn(['run', '--no-plots']);
  const runsDir = join(p.dir, '.pipe/runs');
  const log = () => {
    try {
      const [f] = readdirSync(runsDir);
      return f ? readFileSync(join(runsDir, f), 'utf8') : '';
    } catch {
      return '';
    }
  };
  await waitFor(() => (log().match(/"type":"epoch"/g) ?? []).length >= 2, 'two epochs in the event log', 120_000);
  const during = json<RunsJson>(p.run(['runs', '--json']).stdout).runs;
  assert.equal(during[0]!.status, 'running');
  process.kill(-child.pid!, 'SIGKILL');
  await exitOf(child);
  const text = log();
  assert.ok(text.endsWith('\n'), 'every line complete');
  for (const line of text.trim().split('\n')) JSON.parse(line);
  assert.doesNotMatch(text, /"type":"run-end"/);
  const { runs } = json<RunsJson>(p.run(['runs', '--json']).stdout);
  assert.equal(runs[0]!.status, 'interrupted');
  assert.equal(runs[0]!.stages.find((s) => s.name === 'A')!.state, 'interrupted');
});
