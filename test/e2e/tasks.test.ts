/**
 * Tasks beyond map regression, end to end on the user-data path (.npy files made here): per-sample binary
 * classification with class weights and a monitored recall, per-cell multiclass classification, vector
 * regression (an inverse problem) and an autoencoder. Each trains, evaluates, writes its scores and
 * predictions, and a second run is served from the cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Project } from './rig.js';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { packageRoot } from '../../src/model-kit/loader.js';

/** A model template of models/ as the project's own model file. */
const template = (file: string) => readFileSync(join(packageRoot(), 'models', file), 'utf8');

const N = 32;
const G = 8;

/** x [N, G, G, 2]: a smooth field whose level and tilt vary by sample; 2 samples per simulation. */
function inputs(): { x: Float32Array; sim: Int32Array; level: number[]; tilt: number[] } {
  const x = new Float32Array(N * G * G * 2);
  const sim = new Int32Array(N);
  const level: number[] = [];
  const tilt: number[] = [];
  for (let n = 0; n < N; n++) {
    sim[n] = Math.floor(n / 2);
    level.push(Math.sin(1.7 * n) * 2);
    tilt.push(Math.cos(0.9 * n));
    for (let i = 0; i < G; i++) {
      for (let j = 0; j < G; j++) {
        const c = (n * G + i) * G + j;
        x[c * 2] = level[n]! + tilt[n]! * (i / G - 0.5);
        x[c * 2 + 1] = Math.sin(0.5 * j + n);
      }
    }
  }
  return { x, sim, level, tilt };
}

const study = (task: string, model: string, extra = '', stages = '') => `data:
  files: { x: data/x.npy, y: data/y.npy, simulation: data/sim.npy }
  split: { small: 6, test: 4 }
task: ${task}
train: { epochs: 3, batch_size: 4, lr: 0.01${extra} }
stages:
  A: { kind: train, data: small, models: [${model}] }
  D: { kind: evaluate, needs: [A], models: { from: A }, sets: [small, test], dummy_set: small }
${stages}`;

/** A tune stage of two trials over the learning rate, on the same task (inherited). */
const TUNE = `  B: { kind: tune, needs: [A], data: small, model: { best: A }, space: { train.lr: { log_uniform: [0.001, 0.01] } }, \
sampler: { name: random }, pruner: { name: none }, trials: 2, batch_size: 2 }
`;

async function project(pipeline: string, y: Float32Array, yShape: number[], files: Record<string, string> = {}): Promise<Project> {
  const p = new Project({ 'pipeline.yaml': pipeline, 'data/.keep': '', ...files });
  const { x, sim } = inputs();
  await writeNpy(join(p.dir, 'data/x.npy'), x, [N, G, G, 2]);
  await writeNpy(join(p.dir, 'data/y.npy'), y, yShape);
  await writeNpy(join(p.dir, 'data/sim.npy'), sim, [N]);
  return p;
}

/** Runs the study, then again: the second run reuses every unit. Returns metrics.json. */
function runTwice(p: Project): { task: unknown; target: string; baselines: string[]; models: Record<string, any> } {
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  const again = p.runJson(['run', '--no-plots']);
  assert.equal(again.result.code, 0, again.result.stderr);
  for (const s of Object.keys(r.stages)) {
    assert.equal(r.stages[s]?.status, 'ran');
    assert.equal(again.stages[s]?.status, 'fresh', `stage ${s} on the second run: ${JSON.stringify(again.stages[s])}`);
  }
  return JSON.parse(p.read('results/D/metrics.json'));
}

test('per-sample binary classification: class weights auto, monitored recall, scores, baselines, probabilities as .npy', async (t) => {
  const { level } = inputs();
  const y = Float32Array.from(level, (v) => (v > 1 ? 1 : 0)); // imbalanced: about a quarter positive
  const p = await project(
    study('{ kind: classification, type: binary, class_weights: auto }', 'cnn_vector', ', monitor: val_recall, schedule: plateau', TUNE),
    y,
    [N, 1],
  );
  t.after(() => p.cleanup());
  const m = runTwice(p);
  assert.equal(m.target, 'vector');
  assert.deepEqual(m.baselines, ['dummy', 'majority']);
  const test = m.models.cnn_vector.sets.test.test;
  for (const k of ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'log_loss']) assert.equal(typeof test[k], 'number', k);
  assert.equal(test.n, 8);
  assert.equal(
    test.confusion.flat().reduce((a: number, b: number) => a + b, 0),
    8,
  );
  assert.equal(m.models.majority.sets.test.test.recall, 0, 'the majority class is negative');
  const task = JSON.parse(p.read('results/A/models/cnn_vector/task.json'));
  assert.equal(task.classWeights.length, 2);
  assert.ok(task.classWeights[1] > task.classWeights[0], 'the rarer positive class weighs more');
  // fitted on the training part only: 5 of small's 6 simulations (one validates), 2 samples each
  assert.equal(task.trainCounts[0] + task.trainCounts[1], 10);
  const history = JSON.parse(p.read('results/A/models/cnn_vector/history.json'));
  assert.equal(history.monitor.metric, 'val_recall');
  assert.equal(history.monitor.mode, 'max');
  assert.equal(history.monitor.values.length, 3);
  const prob = await readNpy(join(p.dir, 'results/D/predictions/cnn_vector/test-test.npy'));
  assert.deepEqual(prob.shape, [8, 1]);
  assert.ok(Array.from(prob.values).every((v) => v >= 0 && v <= 1));
  const lock = p.read('pipeline.lock');
  assert.match(lock, /balanced_accuracy\.cnn_vector\.test\.test/);
  // the tune stage trained its trials for the same task
  const trials = JSON.parse(p.read('results/B/trials.json')) as { state: string; value: number }[];
  assert.equal(trials.length, 2);
  assert.ok(
    trials.every((tr) => tr.state === 'complete' && tr.value > 0),
    JSON.stringify(trials),
  );
  const table = p.run(['metrics']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^model\s+set\s+part\s+seen\s+n\s+accuracy\s+balanced_accuracy/);
  assert.match(table.stdout, /\nmajority\s+test\s+test\s+–\s+8\s/);
  // pipe plot: the monitored metric's curve, a confusion matrix per trained model, ROC and PR on the test set; all in the report
  const plot = p.runJson(['plot']).result;
  assert.equal(plot.code, 0, plot.stderr);
  const images: string[] = JSON.parse(plot.stdout.trim().split('\n').pop()!).images.map((f: string) => f.split('/').pop());
  for (const png of ['A-learning-curves.png', 'A-val_recall.png', 'D-confusion-cnn_vector-test.png', 'D-roc-test.png', 'D-pr-test.png']) {
    assert.ok(images.includes(png) && p.exists(`results/plots/${png}`), `${png} in ${images}`);
  }
  assert.ok(!images.some((f) => /confusion-(dummy|majority)/.test(f)), 'baselines are reference lines, not contenders');
  const report = p.read('results/report.html');
  for (const png of images) assert.match(report, new RegExp(`<figure id="${png.replace('.png', '')}">`), png);
  assert.match(report, /<h3>Stage D on test \/ test<\/h3><table><thead><tr><th class="l">model<\/th><th>n<\/th><th>accuracy<\/th><th>balanced_accuracy<\/th>/);
  assert.match(report, /<td class="l">majority<\/td><td>8<\/td>/);
});

test('per-cell multiclass classification: the classifier template with one logit per class and cell', async (t) => {
  const { x } = inputs();
  const y = new Float32Array(N * G * G);
  for (let c = 0; c < y.length; c++) y[c] = x[c * 2]! < -0.5 ? 0 : x[c * 2]! < 0.8 ? 1 : 2;
  const p = await project(study('{ kind: classification, type: multiclass, classes: 3, label_smoothing: 0.05 }', 'my_classifier'), y, [N, G, G], {
    'models/my_classifier.ts': template('_template-classifier.ts.example'),
  });
  t.after(() => p.cleanup());
  const m = runTwice(p);
  assert.equal(m.target, 'grid');
  const test = m.models.my_classifier.sets.test.test;
  assert.equal(test.n, 8 * G * G, 'every cell is scored');
  assert.equal(test.per_class.length, 3);
  assert.equal(test.confusion.length, 3);
  const prob = await readNpy(join(p.dir, 'results/D/predictions/my_classifier/test-test.npy'));
  assert.deepEqual(prob.shape, [8, G, G, 3]);
  const row = Array.from(prob.values.slice(0, 3) as Float32Array);
  assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax probabilities');
});

test('vector regression (the vector template): per-target MAE/RMSE in physical units, R² and Pearson r; the training mean as dummy', async (t) => {
  const { level, tilt } = inputs();
  const y = new Float32Array(N * 2);
  for (let n = 0; n < N; n++) [y[n * 2], y[n * 2 + 1]] = [100 + 50 * level[n]!, tilt[n]!];
  const p = await project(study('regression', 'my_vector_model'), y, [N, 2], { 'models/my_vector_model.ts': template('_template-vector.ts.example') });
  t.after(() => p.cleanup());
  const m = runTwice(p);
  assert.equal(m.target, 'vector');
  const test = m.models.my_vector_model.sets.test.test;
  assert.deepEqual(
    test.targets.map((x: { name: string }) => x.name),
    ['y0', 'y1'],
  );
  assert.ok(test.targets[0].mae > test.targets[1].mae, "errors are in each target's own units");
  assert.equal(typeof m.models.dummy.sets.test.test.mae, 'number');
  assert.match(p.read('results/D/metrics.csv'), /^model,from,set,part,seen,n,target,mae,rmse,r2,pearson/);
  // pipe plot: a parity chart per target on the test set (no RAE boxplot), listed in the report with the scores
  const plot = p.runJson(['plot']).result;
  assert.equal(plot.code, 0, plot.stderr);
  const images: string[] = JSON.parse(plot.stdout.trim().split('\n').pop()!).images.map((f: string) => f.split('/').pop());
  assert.deepEqual(
    images.filter((f) => f.startsWith('D-')),
    ['D-parity-test-y0.png', 'D-parity-test-y1.png'],
  );
  const report = p.read('results/report.html');
  for (const png of images) assert.match(report, new RegExp(`<figure id="${png.replace('.png', '')}">`), png);
  assert.match(report, /<h3>Stage D on test \/ test<\/h3><table><thead><tr><th class="l">model<\/th>.*<th[^>]*>target<\/th><th>mae<\/th>/);
  assert.match(report, /<td class="l">my_vector_model<\/td><td>8<\/td><td class="l">y1<\/td>/);
});

test('a map model is refused for a vector target, naming the model and the output it lacks', async (t) => {
  const p = await project(study('regression', 'plain_cnn'), new Float32Array(N * 2), [N, 2]);
  t.after(() => p.cleanup());
  const r = p.run(['run', '--no-plots']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /model 'plain_cnn' produces a map per sample \(outputs: \[grid\]\); this task needs a vector per sample/);
  // pipe models builds every model for the data's vector target
  const models = JSON.parse(p.run(['models', '--json']).stdout) as { models: { name: string; fits: boolean; why?: string }[] };
  assert.equal(models.models.find((m) => m.name === 'cnn_vector')!.fits, true);
  assert.match(models.models.find((m) => m.name === 'plain_cnn')!.why!, /this task needs a vector per sample/);
});

test('autoencoder: the target is the input; scored as map regression', async (t) => {
  const p = await project(study('autoencoder', 'plain_cnn'), new Float32Array(N * G * G), [N, G, G]);
  t.after(() => p.cleanup());
  const m = runTwice(p);
  const test = m.models.plain_cnn.sets.test.test;
  assert.equal(test.n, 8);
  assert.equal(typeof test.mae, 'number');
  const pred = await readNpy(join(p.dir, 'results/D/predictions/plain_cnn/test-test.npy'));
  assert.deepEqual(pred.shape, [8, G, G, 2], 'the reconstruction has the input channels');
});

test('a continuous target classified by range: quantile edges fitted on the training part, stored with the model, used to score', async (t) => {
  const { level } = inputs();
  const p = await project(
    study('{ kind: classification, type: multiclass, classes: 3, bins: quantile }', 'cnn_vector'),
    Float32Array.from(level, (v) => 10 + v),
    [N, 1],
  );
  t.after(() => p.cleanup());
  const m = runTwice(p);
  const task = JSON.parse(p.read('results/A/models/cnn_vector/task.json'));
  assert.equal(task.bins.rule, 'quantile');
  assert.equal(task.bins.edges.length, 2);
  assert.ok(task.bins.edges[0] > 8 && task.bins.edges[1] < 12, 'edges in the target units');
  assert.equal(
    task.trainCounts.reduce((a: number, b: number) => a + b, 0),
    10,
    'fitted on the 10 training samples',
  );
  assert.ok(Math.max(...task.trainCounts) - Math.min(...task.trainCounts) <= 1, `about equal classes on the training part: ${task.trainCounts}`);
  const labels = await readNpy(join(p.dir, 'results/D/targets/test-test.npy'));
  assert.deepEqual(labels.shape, [8, 1]);
  assert.ok(
    Array.from(labels.values).every((v) => v === 0 || v === 1 || v === 2),
    'the targets are the classes',
  );
  assert.equal(m.models.cnn_vector.sets.test.test.per_class.length, 3);
  assert.equal(m.models.dummy.sets.test.test.n, 8);
});
