import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decideTuned, resolveSelection } from '../../stages/selection.js';

const tuned = (value: number | null, data = 'small') => ({ model: 'res_unet', params: { 'train.lr': 0.003 }, value, trial: 5, data });

test('tuned: B replaces the model only when its best validation loss beats the untuned one', () => {
  assert.equal(decideTuned(tuned(0.007), { model: 'res_unet', bestVal: 0.008 }, 'small').applied, true);
  const worse = decideTuned(tuned(0.00823), { model: 'res_unet', bestVal: 0.00773 }, 'small');
  assert.equal(worse.applied, false);
  assert.deepEqual([worse.tunedLoss, worse.untunedLoss], [0.00823, 0.00773]);
  assert.equal(decideTuned(tuned(0.008), { model: 'res_unet', bestVal: 0.008 }, 'small').applied, false, 'a tie keeps the untuned model');
  assert.equal(decideTuned(tuned(null), { model: 'res_unet', bestVal: 0.008 }, 'small').applied, false);
  assert.match(decideTuned(tuned(0.009, 'big'), { model: 'res_unet', bestVal: 0.008 }, 'small').reason, /not compared/);
});

test('resolveSelection reads both stages and hands on the tuned configuration only when it is better', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tuned-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  for (const d of [a, b]) mkdirSync(d);
  writeFileSync(join(a, 'ranking.json'), JSON.stringify([{ model: 'res_unet', bestVal: 0.00773 }, { model: 'unet', bestVal: 0.009 }]));
  writeFileSync(join(a, 'config.json'), JSON.stringify({ res_unet: { data: 'small' }, unet: { data: 'small' } }));
  writeFileSync(join(b, 'best.json'), JSON.stringify(tuned(0.00823)));
  const resultsOf = (s: string) => join(dir, s);
  const r = resolveSelection({ top: 2, of: 'A', tuned: 'B' }, resultsOf);
  assert.deepEqual(r.models, ['res_unet', 'unet']);
  assert.equal(r.tuned, undefined);
  assert.equal(r.tunedDecision?.applied, false);
  writeFileSync(join(b, 'best.json'), JSON.stringify(tuned(0.007)));
  assert.equal(resolveSelection({ top: 2, of: 'A', tuned: 'B' }, resultsOf).tuned?.value, 0.007);
});
