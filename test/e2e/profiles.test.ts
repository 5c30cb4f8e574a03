/**
 * Each profile has its own results folder: a `--profile` run never overwrites the default study's results/
 * (or its report), and `pipe status` of either stays fresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

const WITH_PROFILE = `${shellPipeline()}profiles:\n  quick:\n    stages: { prep: { env: { LEVEL: 9 } } }\n`;

test('a --profile run writes results-<profile>/ and leaves the default study fresh', (t) => {
  const p = new Project({ 'pipeline.yaml': WITH_PROFILE, 'input.txt': 'hello\n' });
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  const before = p.read('results/prep/prep.txt');
  const quick = p.runJson(['run', '--profile', 'quick']);
  assert.equal(quick.result.code, 0, quick.result.stderr);
  assert.match(p.read('results-quick/prep/prep.txt'), /level 9/);
  assert.equal(p.read('results/prep/prep.txt'), before, 'the default study\'s results are untouched');
  for (const args of [['status', '--json'], ['status', '--profile', 'quick', '--json']]) {
    const st = JSON.parse(p.run(args).stdout) as { stages: { name: string; stale: boolean; reasons: string[] }[] };
    assert.deepEqual(st.stages.filter((s) => s.stale).map((s) => `${s.name}: ${s.reasons.join('; ')}`), [], args.join(' '));
  }
});

test('an output that differs from the lock is reported without blaming an edit', (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hello\n' });
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  p.write('results/prep/prep.txt', 'other bytes\n');
  const st = JSON.parse(p.run(['status', '--json']).stdout) as { stages: { name: string; reasons: string[] }[] };
  assert.deepEqual(st.stages[0]!.reasons, ['output differs from the lock: results/prep/prep.txt (pipe run puts the locked one back)']);
  const r = p.runJson(['run']);
  assert.equal(r.stages.prep!.status, 'restored');
  assert.match(p.read('results/prep/prep.txt'), /^hello/);
});
