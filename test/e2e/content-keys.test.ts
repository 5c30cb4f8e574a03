/**
 * Unit keys depend on content only, so a moved project, another clone or a remote worker reuses units:
 * a shell stage's units are keyed on the upstream outputs' bytes (not their folders), an evaluation on the
 * evaluated model's own files (not the training stage's fingerprint), a training on the model file's bytes
 * (not its name).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';
import { helperSource, userModelSource } from '../model-kit/fixture-project.js';

test('a moved project reuses every shell unit: adding a foreach item after the move runs only that item', (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hello\n' });
  const parent = mkdtempSync(join(tmpdir(), 'pipe-moved-'));
  t.after(() => {
    p.cleanup();
    rmSync(parent, { recursive: true, force: true });
  });
  assert.equal(p.run(['run']).code, 0);
  const moved = join(parent, 'study');
  renameSync(p.dir, moved);
  (p as { dir: string }).dir = moved;
  p.write('pipeline.yaml', shellPipeline().replace('foreach: [a, b, c, d]', 'foreach: [a, b, c, d, e]'));
  const r = p.runJson(['run']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.equal(r.stages.prep!.status, 'fresh');
  assert.deepEqual(r.stages.train!.units, { ran: 1, reused: 4 });
  assert.deepEqual(p.counts(), { prep: 1, report: 2, 'train-a': 1, 'train-b': 1, 'train-c': 1, 'train-d': 1, 'train-e': 1 });
  assert.match(p.read('results/report/report.txt'), /e\n$/);
});

const STUDY = `data:
  flood: { grid: 16, simulations: 8, steps: 40, samples_per_simulation: 2, horizon: 10 }
  split: { small: 3, test: 2 }
train: { epochs: 1, batch_size: 4 }
stages:
  A: { kind: train, data: small, models: [net_a, net_b, net_c] }
  C: { kind: train, needs: [A], data: big, models: { top: 1, of: A } }
  D: { kind: evaluate, needs: [C], models: { from: C }, sets: [test], timing: { warmup: 0, repeats: 1 } }
`;

function mlProject(): Project {
  return new Project({
    'package.json': JSON.stringify({ name: 'user-study', private: true }),
    'pipeline.yaml': STUDY,
    'models/_helpers.ts': helperSource,
    'models/net_a.ts': userModelSource('net_a'),
    'models/net_b.ts': userModelSource('net_b', 'const b = 1;'),
    'models/net_c.ts': userModelSource('net_c', 'const c = 2;'),
  });
}

test("editing a model of A that C does not train re-evaluates none of C's models; renaming a model file retrains nothing", (t) => {
  const p = mlProject();
  t.after(() => p.cleanup());
  const first = p.runJson(['run', '--no-plots']);
  assert.equal(first.result.code, 0, first.result.stderr);
  const ranking = JSON.parse(p.read('results/A/ranking.json')) as { model: string }[];
  const last = ranking[2]!.model;

  p.write(`models/${last}.ts`, `${p.read(`models/${last}.ts`)}\n// a comment: A re-trains ${last}\n`);
  const edited = p.runJson(['run', '--no-plots']);
  assert.equal(edited.result.code, 0, edited.result.stderr);
  assert.deepEqual(edited.stages.A!.units, { ran: 1, reused: 2 });
  assert.deepEqual(JSON.parse(p.read('results/A/ranking.json')).map((r: { model: string }) => r.model), ranking.map((r) => r.model));
  assert.deepEqual(edited.stages.C!.units, { ran: 0, reused: 1 });
  assert.deepEqual(edited.stages.D!.units, { ran: 0, reused: 2 }, 'the evaluation of C\'s unchanged model (and the dummy) is reused');

  const kept = ranking[0]!.model;
  renameSync(join(p.dir, 'models', `${kept}.ts`), join(p.dir, 'models', `renamed_${kept}.ts`));
  const renamed = p.runJson(['run', '--no-plots']);
  assert.equal(renamed.result.code, 0, renamed.result.stderr);
  assert.equal(renamed.stages.A!.status, 'ran', 'the fingerprint names the file, so A is re-assembled');
  assert.deepEqual(renamed.stages.A!.units, { ran: 0, reused: 3 }, 'same bytes under another name: nothing retrains');
  assert.deepEqual(renamed.stages.C!.units, { ran: 0, reused: 1 });
});
