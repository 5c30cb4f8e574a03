import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trialsCsv } from '../../src/tuning/trials-table.js';

test('trialsCsv flattens params into columns, sorted by trial number', () => {
  const csv = trialsCsv([
    { number: 1, params: { 'train.lr': 0.001, 'model.act': 'relu,elu' }, state: 'pruned', value: 0.5, intermediate: [0.6, 0.5], epochs: 2, seconds: 1.5 },
    { number: 0, params: { 'train.lr': 0.01, 'model.act': 'say "hi"' }, state: 'failed', value: null, intermediate: [], epochs: 0, seconds: 0.1 },
  ]);
  assert.equal(
    csv,
    'number,params.train.lr,params.model.act,value,state,epochs,seconds\n' +
      '0,0.01,"say ""hi""",,failed,0,0.1\n' +
      '1,0.001,"relu,elu",0.5,pruned,2,1.5\n',
  );
});

test('trialsCsv of no trials is just the header', () => {
  assert.equal(trialsCsv([]), 'number,value,state,epochs,seconds\n');
});
