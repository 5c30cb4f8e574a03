/**
 * ML stage kinds at the edges: a stage reading only one data set, training that diverges (nothing cached,
 * a clear reason), a kill -9 during training resumed from the unit's checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Project, exitOf, waitFor } from './rig.js';

const DATA = `data:
  flood: { grid: 16, simulations: 8, steps: 40, samples_per_simulation: 2, horizon: 10 }
  split: { small: 3, test: 2 }
`;

test('a train stage that reads only the big set; its data is generated once for every set', (t) => {
  const p = new Project({
    'pipeline.yaml': `${DATA}train: { epochs: 2, batch_size: 4 }
stages:
  big_only:
    kind: train
    data: big
    models: [unet_lite]
`,
  });
  t.after(() => p.cleanup());
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  const ranking = JSON.parse(p.read('results/big_only/ranking.json'));
  assert.equal(ranking[0].model, 'unet_lite');
  assert.ok(ranking[0].bestVal > 0);
  for (const f of ['model.json', 'weights.bin', 'history.json', 'scaler.json', 'timing.json']) assert.ok(p.exists(`results/big_only/models/unet_lite/${f}`), f);
  assert.equal(readdirSync(join(p.dir, '.pipe/cache/data')).length, 3, 'small, big and test are materialised together');
  assert.match(p.read('pipeline.lock'), /backend: wasm/);
});

test('a diverging training fails the stage with reason diverged and caches nothing', (t) => {
  const p = new Project({
    'pipeline.yaml': `${DATA}train: { epochs: 3, batch_size: 4, lr: 10, optimizer: sgd, momentum: 0.99, loss: l2 }
stages:
  A:
    kind: train
    data: small
    models: [plain_cnn]
`,
  });
  t.after(() => p.cleanup());
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 1);
  assert.equal(r.stages.A!.status, 'failed');
  assert.match(r.result.stderr, /diverged in epoch \d+ .*(last finite epoch loss was [\d.e-]+|from the first epoch on)[^]*hint: .*train\.clip_norm/);
  assert.ok(!p.exists('results/A'));
  assert.deepEqual(p.exists('.pipe/cache/units') ? readdirSync(join(p.dir, '.pipe/cache/units')) : [], []);
});

test('kill -9 during training: the rerun resumes the unit from its epoch checkpoint', async (t) => {
  const p = new Project({
    'pipeline.yaml': `data:
  flood: { grid: 16, simulations: 10, steps: 40, samples_per_simulation: 4, horizon: 10 }
  split: { small: 5, test: 2 }
train: { epochs: 200, batch_size: 2 }
stages:
  A:
    kind: train
    data: big
    models: [unet]
`,
  });
  t.after(() => p.cleanup());
  const child = p.spawn(['run', '--jobs', '1', '--no-plots']);
  const checkpoint = () => {
    try {
      return readdirSync(join(p.dir, '.pipe/work')).some((k) => readdirSync(join(p.dir, '.pipe/work', k)).includes('checkpoint.bin'));
    } catch {
      return false;
    }
  };
  // Kill as soon as an epoch checkpoint exists (epochs are fast on a quiet machine: waiting for printed
  // epoch lines, which are throttled to one per 2 s, could let the training finish first).
  await waitFor(() => checkpoint(), 'an epoch checkpoint', 120_000);
  process.kill(-child.pid!, 'SIGKILL');
  await exitOf(child);
  const resumed = p.run(['run', '--jobs', '1', '--no-plots']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const firstEpoch = /A\/unet: epoch (\d+)\/200/.exec(resumed.stderr);
  assert.ok(firstEpoch && Number(firstEpoch[1]) > 1, `the rerun must start past epoch 1, it printed: ${resumed.stderr.slice(0, 400)}`);
  const h = JSON.parse(p.read('results/A/models/unet/history.json'));
  assert.equal(h.val.length, 200);
});

test('a training that cannot fit in memory even at one sample is refused before training: exit 7, the numbers, nothing cached', (t) => {
  const p = new Project({
    'pipeline.yaml': `${DATA}train: { epochs: 2, batch_size: 4 }
model_params:
  plain_cnn_attention: { heads: 6, keyDim: 32, kvPool: 1 }
stages:
  A:
    kind: train
    data: small
    models: [plain_cnn_attention]
`,
  });
  t.after(() => p.cleanup());
  const r = p.runJson(['run', '--no-plots'], { PIPE_WASM_HEAP_MB: '16' });
  assert.equal(r.result.code, 7, r.result.stderr);
  assert.equal(r.stages.A!.status, 'failed');
  // One sample passes the trial step, two fail inside the measurement (a real out-of-memory under the cap):
  // the plan refuses it with the one-sample size (or, on another tfjs, the trial step does).
  assert.match(
    r.result.stderr,
    new RegExp(
      /unit 'plain_cnn_attention': plain_cnn_attention(: | at 16×16, batch 4: )even one sample does not fit: .*/.source +
        '(' +
        /needs about [\d.]+ MiB of tensors; pipe plans to fill at most 70 % \(11\.2 MiB\) of the 16\.0 MiB/.source +
        '|' +
        /past its 16\.0 MiB cap \(PIPE_WASM_HEAP_MB\)/.source +
        ')',
    ),
  );
  assert.match(r.result.stderr, /hint: .*kvPool/);
  assert.doesNotMatch(r.result.stderr, /\n\s+at /, 'no stack');
  assert.doesNotMatch(r.result.stderr, /epoch 1\/2/, 'refused before the first epoch');
  assert.ok(!p.exists('results/A'));
  assert.deepEqual(p.exists('.pipe/cache/units') ? readdirSync(join(p.dir, '.pipe/cache/units')) : [], []);
});

test('a tune stage never returns a configuration worse than its starting one (a search space of only bad values)', (t) => {
  const p = new Project({
    'pipeline.yaml': `${DATA}train: { epochs: 2, batch_size: 4, lr: 0.002 }
stages:
  B:
    kind: tune
    data: small
    model: plain_cnn
    space:
      train.lr: { choice: [0.0000001] }
    sampler: { name: random }
    trials: 2
    batch_size: 2
`,
  });
  t.after(() => p.cleanup());
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.deepEqual(r.stages.B!.units, { ran: 3, reused: 0 }); // the start configuration and two trials
  const best = JSON.parse(p.read('results/B/best.json')) as { params: object; trial: number | null; value: number; start: { value: number } };
  const trials = JSON.parse(p.read('results/B/trials.json')) as { value: number }[];
  assert.equal(best.trial, null);
  assert.deepEqual(best.params, {});
  assert.equal(best.value, best.start.value);
  assert.ok(
    trials.every((tr) => tr.value > best.value),
    'a trial with lr 1e-7 should not beat lr 0.002 after 2 epochs',
  );
});
