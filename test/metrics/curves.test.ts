import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auroc, averagePrecision } from '../../src/metrics/classification.js';
import { prArea, precisionRecallCurve, rocArea, rocCurve } from '../../src/metrics/curves.js';

// Two ties across the classes (0.8 and 0.4 each hold a positive and a negative).
const score = [0.9, 0.8, 0.8, 0.4, 0.4, 0.1];
const label = [1, 1, 0, 1, 0, 0];
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

test('ROC curve by hand: one point per distinct score, a tie is one diagonal step', () => {
  const roc = rocCurve(score, label)!;
  assert.deepEqual(
    roc.map((p) => p.threshold),
    [Infinity, 0.9, 0.8, 0.4, 0.1],
  );
  const expected = [
    [0, 0],
    [0, 1 / 3],
    [1 / 3, 2 / 3],
    [2 / 3, 1],
    [1, 1],
  ];
  roc.forEach((p, i) => {
    close(p.fpr, expected[i]![0]!);
    close(p.tpr, expected[i]![1]!);
  });
  // 1/6 + 5/18 + 1/3 by trapezoids; the Mann–Whitney count with ties one half is (3 + 2.5 + 1.5) / 9
  close(rocArea(roc), 7 / 9);
  close(auroc(score, label), 7 / 9);
});

test('precision–recall curve by hand, its step area is average precision', () => {
  const pr = precisionRecallCurve(score, label)!;
  const expected = [
    [0, 1],
    [1 / 3, 1],
    [2 / 3, 2 / 3],
    [1, 3 / 5],
    [1, 1 / 2],
  ];
  pr.forEach((p, i) => {
    close(p.recall, expected[i]![0]!);
    close(p.precision, expected[i]![1]!);
  });
  close(prArea(pr), 1 / 3 + 2 / 9 + 1 / 5);
  close(averagePrecision(score, label), 34 / 45);
});

test('curves agree with the metrics on random scores with many ties; the input order does not matter', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const s = Array.from({ length: 300 }, () => Math.round(next() * 10) / 10);
  const y = s.map((v) => (next() < v ? 1 : 0));
  close(rocArea(rocCurve(s, y)!), auroc(s, y));
  close(prArea(precisionRecallCurve(s, y)!), averagePrecision(s, y));
  const reversed = rocCurve([...s].reverse(), [...y].reverse())!;
  assert.deepEqual(reversed, rocCurve(s, y));
});

test('perfect, all-tied and one-class scores', () => {
  const perfect = rocCurve([0.2, 0.7], [0, 1])!;
  assert.deepEqual(
    perfect.map((p) => [p.fpr, p.tpr]),
    [
      [0, 0],
      [0, 1],
      [1, 1],
    ],
  );
  const tied = rocCurve([0.5, 0.5, 0.5], [0, 1, 1])!;
  assert.deepEqual(
    tied.map((p) => [p.fpr, p.tpr]),
    [
      [0, 0],
      [1, 1],
    ],
  );
  close(rocArea(tied), 0.5);
  assert.deepEqual(
    precisionRecallCurve([0.5, 0.5, 0.5], [0, 1, 1])!.map((p) => [p.recall, p.precision]),
    [
      [0, 1],
      [1, 2 / 3],
    ],
  );
  assert.equal(rocCurve([0.1, 0.9], [1, 1]), null, 'one class: undefined like auroc');
  assert.equal(precisionRecallCurve([0.1, 0.9], [0, 0]), null);
  assert.throws(() => rocCurve([0.1], [2]), /binary labels/);
  assert.throws(() => rocCurve([0.1, 0.2], [1]), /2 scores for 1 labels/);
});
