/**
 * The reference study at the ci profile's size, end to end with the real binary: determinism across
 * --jobs, the committed pipeline.ci.lock reproduced (`pipe verify`), drift detected, --stage C then D.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from './rig.js';
import { packageRoot } from '../../src/runner/project.js';

const root = packageRoot();

function studyProject(withLock: boolean): Project {
  const p = new Project();
  copyFileSync(join(root, 'pipeline.yaml'), join(p.dir, 'pipeline.yaml'));
  if (withLock) copyFileSync(join(root, 'pipeline.ci.lock'), join(p.dir, 'pipeline.ci.lock'));
  return p;
}

/** the lock without its header comment */
const lockBody = (text: string) => text.split('\n').filter((l) => !l.startsWith('#')).join('\n');

test('ci profile from scratch: --jobs 1 and --jobs 2 give identical locks, equal to the committed one', async (t) => {
  const a = studyProject(false);
  const b = studyProject(false);
  t.after(() => {
    a.cleanup();
    b.cleanup();
  });
  const ra = a.runJson(['run', '--profile', 'ci', '--jobs', '2', '--no-plots']);
  assert.equal(ra.result.code, 0, ra.result.stderr);
  assert.deepEqual(Object.values(ra.stages).map((s) => s.status), ['ran', 'ran', 'ran', 'ran']);
  assert.deepEqual(ra.stages.A!.units, { ran: 7, reused: 0 });
  assert.deepEqual(ra.stages.D!.units, { ran: 7, reused: 0 }, 'four models and three baselines');
  const rb = b.runJson(['run', '--profile', 'ci', '--jobs', '1', '--no-plots']);
  assert.equal(rb.result.code, 0, rb.result.stderr);
  const lockA = lockBody(a.read('pipeline.ci.lock'));
  assert.equal(lockBody(b.read('pipeline.ci.lock')), lockA, '--jobs must not change any result');
  assert.equal(
    lockA,
    lockBody(readFileSync(join(root, 'pipeline.ci.lock'), 'utf8')),
    'the committed pipeline.ci.lock is not reproduced: if the change is intended, run `pipe run --profile ci` and commit the lock',
  );
  const metrics = JSON.parse(a.read('results-ci/D/metrics.json'));
  const top4: string[] = JSON.parse(a.read('results-ci/A/ranking.json')).slice(0, 4).map((r: { model: string }) => r.model);
  assert.deepEqual(Object.keys(metrics.models).sort(), [...top4, 'dummy', 'persistence', 'zero'].sort());
  assert.deepEqual(metrics.baselines, ['dummy', 'zero', 'persistence']);
  // C trained on big: its train part is labelled 'train', its validation part 'val'; small and test are held out.
  const seen = (m: string) =>
    Object.fromEntries(
      Object.entries(metrics.models[m].sets as Record<string, Record<string, { seen: string | null }>>).flatMap(([set, parts]) =>
        Object.entries(parts).map(([part, pm]) => [`${set}/${part}`, pm.seen]),
      ),
    );
  assert.deepEqual(seen(top4[0]!), { 'small/train': null, 'small/val': null, 'big/train': 'train', 'big/val': 'val', 'test/test': null });
  assert.deepEqual(seen('persistence'), { 'small/train': null, 'small/val': null, 'big/train': null, 'big/val': null, 'test/test': null });
  const skill = metrics.models[top4[0]!].sets.test.test.skill;
  assert.ok(['dummy', 'zero', 'persistence'].includes(skill.mae.vs) && Number.isFinite(skill.mae.value), JSON.stringify(skill));
  // clip_min: 0 — what a model predicted below 0 is scored as 0, which can only lower its MAE against depths ≥ 0
  const clipped = metrics.models[top4[0]!].sets.test.test.clipped;
  assert.ok(clipped.fraction >= 0 && clipped.fraction <= 1 && metrics.models[top4[0]!].sets.test.test.mae <= clipped.maeUnclipped, JSON.stringify(clipped));
  assert.equal(metrics.models.persistence.sets.test.test.clipped, undefined, 'baselines are scored as they are');
  // tuned: B is applied only when it beat the untuned model in A; the decision and both losses are in C's outputs
  const decided = Object.values(
    JSON.parse(a.read('results-ci/C/config.json')) as Record<string, { tuned_decision?: { applied: boolean; tunedLoss: number; untunedLoss: number } }>,
  ).filter((c) => c.tuned_decision);
  assert.equal(decided.length, 1);
  const d = decided[0]!.tuned_decision!;
  assert.equal(d.applied, d.tunedLoss < d.untunedLoss);
  for (const ev of Object.values(metrics.models) as { sets: Record<string, Record<string, { rae: number[]; n: number; raeUndefined: number }>> }[]) {
    assert.deepEqual(Object.keys(ev.sets).sort(), ['big', 'small', 'test']);
    assert.deepEqual(Object.keys(ev.sets.test!), ['test']);
    assert.equal(ev.sets.test!.test!.rae.length + ev.sets.test!.test!.raeUndefined, ev.sets.test!.test!.n);
  }
});

test('pipe verify --profile ci reproduces the committed lock without touching .pipe/ or results/', (t) => {
  const p = studyProject(true);
  t.after(() => p.cleanup());
  const r = p.run(['verify', '--profile', 'ci']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /all \d+ checks match the lock/);
  assert.match(r.stdout, /^stage\s+what\s+locked\s+now\s+status$/m);
  assert.ok(!p.exists('.pipe') && !p.exists('results') && !p.exists('results-ci'), 'verify must leave the project alone');

  p.write(
    'pipeline.ci.lock',
    p.read('pipeline.ci.lock').replace(/(rae_median\.dummy\.test\.test: )([\d.]+)/, (_m, k: string, v: string) => `${k}${Number(v) + 0.125}`),
  );
  const drift = p.run(['verify', '--profile', 'ci', '--json']);
  assert.equal(drift.code, 1);
  const out = JSON.parse(drift.stdout);
  assert.equal(out.ok, false);
  const bad = out.checks.filter((c: { status: string }) => c.status !== 'ok');
  assert.deepEqual(bad.map((c: { stage: string; what: string }) => `${c.stage}:${c.what}`), ['D:rae_median.dummy.test.test']);
  assert.match(drift.stderr, /drifted from pipeline\.ci\.lock/);
});

test('pipe run --stage C runs A, B and C only; then pipe run runs D only; status, metrics and plot', (t) => {
  const p = studyProject(false);
  t.after(() => p.cleanup());
  const c = p.runJson(['run', '--profile', 'ci', '--stage', 'C']);
  assert.equal(c.result.code, 0, c.result.stderr);
  assert.deepEqual(Object.keys(c.stages), ['A', 'B', 'C']);
  const dry = p.run(['run', '--profile', 'ci', '--dry-run']);
  assert.match(dry.stdout, /would run\s+D: never ran/);
  assert.match(dry.stdout, /fresh\s+C\n\s+models: \w+, \w+, \w+, \w+ \((\w+ with \{"train\.lr"|\w+ untuned: )/, 'dry-run shows what the selection resolves to');
  const d = p.runJson(['run', '--profile', 'ci']);
  assert.deepEqual(Object.fromEntries(Object.entries(d.stages).map(([k, v]) => [k, v.status])), { A: 'fresh', B: 'fresh', C: 'fresh', D: 'ran' });
  const status = JSON.parse(p.run(['status', '--profile', 'ci', '--json']).stdout);
  assert.ok(status.stages.every((s: { stale: boolean }) => !s.stale));
  const metrics = p.run(['metrics', '--profile', 'ci']);
  assert.equal(metrics.code, 0, metrics.stderr);
  assert.match(metrics.stdout, /^model\s+set\s+part\s+seen\s+median RAE\s+MAE \(m\)\s+R²\s+RAE skill\s+MAE skill\s+params\s+ms\/sample$/m);
  assert.match(metrics.stdout, /^dummy\s+test\s+test\s+–\s+\d\.\d{4}/m);
  assert.match(metrics.stdout, /^persistence\s+test\s+test\s+–\s+\d\.\d{4}/m);
  assert.match(metrics.stdout, /^\w+\s+big\s+train\s+train\s+\d\.\d{4}.* vs (dummy|zero|persistence)/m, 'a model row: seen part and skill');
  assert.match(p.run(['metrics', '--profile', 'ci', '--diff']).stdout, /no change since the committed lock/);
  p.write('pipeline.ci.lock', p.read('pipeline.ci.lock').replace(/(mae\.dummy\.test\.test: )([\d.e-]+)/, (_m, k: string, v: string) => `${k}${Number(v) * 2}`));
  const diff = p.run(['metrics', '--profile', 'ci', '--diff']);
  assert.match(diff.stdout, /^\*\s+dummy\s+test\s+test/m, 'the changed row is marked');
  assert.match(diff.stdout, /1 row changed since the committed lock/);
  const plot = p.run(['plot', '--profile', 'ci']);
  assert.equal(plot.code, 0, plot.stderr);
  for (const png of ['A-learning-curves.png', 'B-tuning-history.png', 'D-rae-boxplot.png']) assert.ok(existsSync(join(p.dir, 'results-ci', 'plots', png)), png);
  assert.ok(p.exists('results-ci/report.html'));
  assert.ok(!p.exists('results'), 'the ci profile leaves the default study\'s results/ alone');
  // a param edit on C re-runs C and D, reusing nothing of C's old units; A and B stay fresh
  const edited = p.runJson(['run', '--profile', 'ci', '--set', 'stages.C.train.epochs=2', '--no-plots']);
  assert.deepEqual(Object.fromEntries(Object.entries(edited.stages).map(([k, v]) => [k, v.status])), { A: 'fresh', B: 'fresh', C: 'ran', D: 'ran' });
  const reverted = p.runJson(['run', '--profile', 'ci', '--no-plots']);
  assert.deepEqual(Object.fromEntries(Object.entries(reverted.stages).map(([k, v]) => [k, v.status])), {
    A: 'fresh',
    B: 'fresh',
    C: 'restored',
    D: 'restored',
  });
});
