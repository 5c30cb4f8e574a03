import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyBins, fitBins } from '../../src/data/binning.js';

test('quantile bins are fitted on the training values only and split them evenly', () => {
  const train = [0, 1, 2, 3, 4, 5, 6, 7];
  const bins = fitBins(train, 4, 'quantile');
  // numpy.quantile(train, [.25, .5, .75]) = 1.75, 3.5, 5.25
  assert.deepEqual(bins.edges, [1.75, 3.5, 5.25]);
  assert.deepEqual([...applyBins(bins, train)], [0, 0, 1, 1, 2, 2, 3, 3]);
  // values outside the training range go to the end classes; an edge value goes up (digitize, right=False)
  assert.deepEqual([...applyBins(bins, [-100, 1.75, 3.5, 100])], [0, 1, 2, 3]);
  // a test part with other values does not move the edges
  assert.deepEqual(fitBins([...train], 4, 'quantile'), bins);
});

test('uniform bins split the training range in equal widths', () => {
  assert.deepEqual(fitBins([0, 10, 3], 5, 'uniform').edges, [2, 4, 6, 8]);
});

test('too many ties for the classes asked is a data error with a hint', () => {
  assert.throws(
    () => fitBins([1, 1, 1, 1, 1, 2], 3, 'quantile'),
    (e: Error & { reason?: string; hint?: string }) => e.reason === 'data-invalid' && /coincide/.test(e.message) && /fewer classes/.test(e.hint ?? ''),
  );
  assert.throws(() => fitBins([1], 2, 'uniform'), /cannot fit 2 uniform bins on 1 finite training value$/);
  assert.throws(() => fitBins([1, 2, 3], 1, 'uniform'), /at least 2 classes/);
});
