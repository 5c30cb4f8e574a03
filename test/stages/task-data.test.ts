/** What a task makes of a data set and of a model's outputs (stages/ml/task-data.ts, class-scores.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArraySet } from '../../src/data/array-set.js';
import { checkLabels, modelOutput, resolveClassification, taskSet } from '../../stages/ml/task-data.js';
import { classScores, monitoredMetric, probabilities, sampleLogLoss } from '../../stages/ml/class-scores.js';

function set(over: Partial<ArraySet>): ArraySet {
  return {
    x: new Float32Array(2 * 4 * 4 * 1).map((_, i) => i),
    y: Float32Array.of(0, 1),
    n: 2,
    h: 4,
    w: 4,
    factor: 1,
    cin: 1,
    cout: 1,
    simulation: Int32Array.of(0, 1),
    xChannels: ['a'],
    yChannels: ['label'],
    target: 'vector',
    ...over,
  };
}

test('an autoencoder target is x on its own grid, a map even when the data had a vector', () => {
  const s = set({ h: 2, w: 2, factor: 2 });
  const a = taskSet(s, { kind: 'autoencoder' });
  assert.deepEqual([a.h, a.w, a.factor, a.cout, a.target], [4, 4, 1, 1, undefined]);
  assert.deepEqual(Array.from(a.y), Array.from(s.x));
  assert.notEqual(a.y, s.x, 'a copy');
  assert.equal(taskSet(s, undefined), s, 'regression leaves the set alone');
});

test('labels are checked against the task, naming the sample', () => {
  const binary = resolveClassification({ kind: 'classification' }, { cout: 1 });
  assert.deepEqual(binary, { type: 'binary', classes: 2, threshold: 0.5 });
  checkLabels(set({}), binary);
  assert.throws(() => checkLabels(set({ y: Float32Array.of(0, 2) }), binary), /label 2 at sample 1: a binary task takes 0 or 1/);
  const multi = resolveClassification({ kind: 'classification', type: 'multiclass', classes: 3 }, { cout: 1 });
  checkLabels(set({ y: Float32Array.of(2, 0) }), multi);
  assert.throws(() => checkLabels(set({ y: Float32Array.of(0.5, 0) }), multi), /label 0.5 at sample 0: a multiclass task takes class indices 0..2/);
  const labels = resolveClassification({ kind: 'classification', type: 'multilabel' }, { cout: 2 });
  assert.equal(labels.classes, 2, 'multilabel: the labels are the target channels');
  assert.throws(() => checkLabels(set({}), labels), /a multilabel task needs 2 label channels \(one per label\), the target has 1/);
});

test('the model output a task needs: logits per class, on the grid or per sample', () => {
  assert.deepEqual(modelOutput(set({}), { kind: 'classification' }), { output: 'vector', channels: 1 });
  assert.deepEqual(modelOutput(set({ target: undefined, y: new Float32Array(32) }), { kind: 'classification', type: 'multiclass', classes: 4 }), {
    output: 'grid',
    channels: 4,
  });
  assert.deepEqual(modelOutput(set({ cout: 3, y: new Float32Array(6), yChannels: ['a', 'b', 'c'] }), undefined), { output: 'vector', channels: 3 });
});

test('probabilities, scores and per-sample log-loss from logits', () => {
  const multi = { type: 'multiclass' as const, classes: 3, threshold: 0.5 };
  const p = probabilities(Float32Array.of(0, 0, 0, Math.log(2), 0, 0), multi);
  assert.ok(Math.abs(p[0]! - 1 / 3) < 1e-6 && Math.abs(p[3]! - 0.5) < 1e-6 && Math.abs(p[4]! - 0.25) < 1e-6);
  const labels = Float32Array.of(1, 0);
  const s = classScores(p, labels, multi);
  // sample 0: ties → class 0 (wrong); sample 1: class 0 (right)
  assert.equal(s.accuracy, 0.5);
  assert.deepEqual(s.confusion, [
    [1, 0, 0],
    [1, 0, 0],
    [0, 0, 0],
  ]);
  assert.deepEqual(
    sampleLogLoss(p, labels, 2, multi).map((v) => Number(v.toFixed(6))),
    [Number((-Math.log(1 / 3)).toFixed(6)), Number((-Math.log(0.5)).toFixed(6))],
  );
  const binary = { type: 'binary' as const, classes: 2, threshold: 0.5 };
  const logits = Float32Array.of(2, -1, 0.5, -3);
  const y = Float32Array.of(1, 1, 0, 0);
  assert.equal(monitoredMetric('val_recall', logits, y, binary), 0.5);
  assert.equal(monitoredMetric('val_accuracy', logits, y, binary), 0.5);
  assert.equal(monitoredMetric('val_auroc', logits, y, binary), 0.75);
  const ml = classScores(probabilities(Float32Array.of(3, -3, 3, 3), { type: 'multilabel', classes: 2, threshold: 0.5 }), Float32Array.of(1, 0, 1, 0), {
    type: 'multilabel',
    classes: 2,
    threshold: 0.5,
  });
  // label 0 always right; label 1: one false positive of two → accuracy 0.5, precision 0, recall 0 (no positives)
  assert.equal(ml.accuracy, 0.75);
  assert.equal(ml.per_class!.length, 2);
  assert.equal(ml.auroc, null, 'label 1 has one class only, label 0 also: AUROC undefined for both');
});
