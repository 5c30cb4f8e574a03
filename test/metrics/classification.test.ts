import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auroc, averagePrecision, binaryMetrics, classPrior, majorityClass, multiclassMetrics } from '../../src/metrics/classification.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('binary metrics of a hand-worked case (the scikit-learn documentation example)', () => {
  const prob = [0.1, 0.4, 0.35, 0.8];
  const label = [0, 0, 1, 1];
  const m = binaryMetrics(prob, label);
  // threshold 0.5 → predictions 0 0 0 1: tn 2, fp 0, fn 1, tp 1
  assert.deepEqual(m.confusion, [
    [2, 0],
    [1, 1],
  ]);
  close(m.accuracy, 0.75);
  close(m.precision, 1);
  close(m.recall, 0.5);
  close(m.f1, 2 / 3);
  close(m.balancedAccuracy, 0.75);
  close(m.auroc, 0.75); // 3 of the 4 positive/negative pairs are ordered right
  close(m.averagePrecision, 0.5 * 1 + 0.5 * (2 / 3));
  close(m.logLoss, -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4);
});

test('AUROC counts a tied positive/negative pair as one half; average precision treats ties as one threshold', () => {
  close(auroc([0.2, 0.6, 0.6, 0.9], [0, 0, 1, 1]), 3.5 / 4);
  close(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  // all tied: one threshold, recall 1 at precision 1/2
  close(averagePrecision([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  close(auroc([0.9, 0.8, 0.1], [0, 0, 1]), 0);
});

test('a part with one class only: AUROC and AP are undefined (NaN), precision/recall follow zero_division = 0', () => {
  const allNeg = binaryMetrics([0.2, 0.7, 0.1], [0, 0, 0]);
  assert.ok(Number.isNaN(allNeg.auroc) && Number.isNaN(allNeg.averagePrecision));
  assert.equal(allNeg.recall, 0); // no positives
  assert.equal(allNeg.precision, 0); // one false positive, no true positive
  close(allNeg.balancedAccuracy, 2 / 3); // the specificity alone: the only class present
  const allPos = binaryMetrics([0.2, 0.7], [1, 1]);
  assert.ok(Number.isNaN(allPos.auroc));
  close(allPos.recall, 0.5);
  close(allPos.precision, 1);
  const neverPredicted = binaryMetrics([0.1, 0.2], [0, 1]);
  assert.equal(neverPredicted.precision, 0);
  assert.equal(neverPredicted.f1, 0);
});

test('bad input is refused with the index named', () => {
  assert.throws(() => binaryMetrics([0.5], [2]), /label 0 is 2/);
  assert.throws(() => binaryMetrics([1.5], [1]), /probability 0 is 1.5/);
  assert.throws(() => binaryMetrics([], []), /no samples/);
  assert.throws(() => binaryMetrics([0.5, 0.5], [1]), /2 probabilities for 1 labels/);
});

test('multiclass metrics of a hand-worked case; a class absent from the labels leaves the macro averages', () => {
  const prob = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8];
  const label = [0, 1, 2, 2];
  const m = multiclassMetrics(prob, label, 3);
  assert.deepEqual(m.confusion, [
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 1],
  ]);
  close(m.accuracy, 0.75);
  close(m.precision, (1 + 0.5 + 1) / 3);
  close(m.recall, (1 + 1 + 0.5) / 3);
  close(m.f1, (1 + 2 / 3 + 2 / 3) / 3);
  close(m.balancedAccuracy, m.recall);
  close(m.logLoss, -(Math.log(0.7) + Math.log(0.4) + Math.log(0.3) + Math.log(0.8)) / 4);
  // class 0 one-vs-rest: scores 0.7 | 0.3 0.2 0.1 → perfectly ranked
  close(m.perClass[0]!.auroc, 1);

  const four = multiclassMetrics(prob.flatMap((p, i) => (i % 3 === 2 ? [p, 0] : [p])), label, 4);
  assert.equal(four.perClass[3]!.support, 0);
  assert.ok(Number.isNaN(four.perClass[3]!.auroc));
  close(four.f1, m.f1); // the absent class is left out, not counted as 0
});

test('the classification dummies: majority class (lowest index on ties) and the training prior', () => {
  assert.equal(majorityClass([2, 1, 2, 0, 1], 3), 1);
  assert.deepEqual(classPrior([0, 1, 1, 1], 2), [0.25, 0.75]);
});
