import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '../../src/training/tf.js';
import { DivergedError, trainModel, type TrainConfig } from '../../src/training/train-model.js';
import { readCheckpoint } from '../../src/training/checkpoint.js';
import { saveModel } from '../../src/training/model-io.js';
import { predict } from '../../src/training/batches.js';
import { buildTiny, tinyConfig, tinyData, weightsDigest } from './fixtures/tiny-task.js';
import { tempDirs } from './fixtures/temp-dirs.js';

before(async () => {
  await initBackend('wasm');
});

const tmp = tempDirs('pipe-train-');
const train = tinyData(12, 8, 0);
const val = tinyData(4, 8, 5);

async function run(config: TrainConfig, dir = tmp(), extra: Partial<Parameters<typeof trainModel>[0]> = {}) {
  return trainModel({ build: () => buildTiny(), train, val, config, checkpointDir: dir, ...extra });
}

// Runs the child under tsx from the sources, or with plain node from dist/ after tsc.
function child(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<number | null> {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const script = join(here, '..', 'fixtures', ts ? 'train-child.ts' : 'train-child.js');
  const p = spawn(process.execPath, [...(ts ? ['--import', 'tsx'] : []), script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      onLine?.(line, () => p.kill('SIGKILL'));
    }
  });
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

test('same seed gives identical per-epoch losses and weights; another seed does not', async () => {
  const a = await run(tinyConfig);
  const b = await run(tinyConfig);
  const c = await run({ ...tinyConfig, seed: 4 });
  assert.deepEqual(a.result.history.train, b.result.history.train);
  assert.deepEqual(a.result.history.val, b.result.history.val);
  assert.deepEqual(weightsDigest(a.model), weightsDigest(b.model));
  assert.notDeepEqual(a.result.history.train, c.result.history.train);
  assert.equal(a.result.status, 'complete');
  assert.equal(a.result.history.train.length, tinyConfig.epochs);
  assert.ok(a.result.history.val.at(-1)! < a.result.history.dummy.val, 'model does not beat the mean predictor');
  for (const m of [a, b, c]) m.model.dispose();
});

test('no tensor leaks: tensor count is flat across epochs and back to start after dispose', async () => {
  const start = tf.memory().numTensors;
  const counts: number[] = [];
  const { model } = await run({ ...tinyConfig, epochs: 3 }, tmp(), { onEpoch: () => counts.push(tf.memory().numTensors) });
  assert.equal(new Set(counts).size, 1, `tensor count changed between epochs: ${counts.join(', ')}`);
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('dummy baseline is the loss of the training mean per channel', async () => {
  const { model, result } = await run({ ...tinyConfig, epochs: 1 });
  const mean = train.y.reduce((s, v) => s + v, 0) / train.y.length;
  const l1 = (y: Float32Array): number => y.reduce((s, v) => s + Math.abs(v - mean), 0) / y.length;
  assert.ok(Math.abs(result.history.dummy.train - l1(train.y)) < 1e-9);
  assert.ok(Math.abs(result.history.dummy.val - l1(val.y)) < 1e-9);
  model.dispose();
});

test('early stopping stops, reports the best epoch and restores its weights', async () => {
  // minDelta so large that nothing after the first epoch counts as an improvement.
  const es = { ...tinyConfig, earlyStopping: { patience: 2, minDelta: 1e9, restoreBest: true } };
  const { model, result } = await run(es);
  assert.equal(result.status, 'stopped');
  assert.equal(result.history.stoppedEpoch, 2);
  assert.equal(result.history.bestEpoch, 0);
  // The restored weights must reproduce epoch 0's validation loss, not epoch 2's.
  assert.equal(result.history.val.length, 3);
  assert.notEqual(result.history.val[2], result.history.val[0]);
  const firstEpochVal = result.history.val[0];
  const yPred = await predict(model, val, 4);
  const l1 = yPred.reduce((s, v, i) => s + Math.abs(v - val.y[i]), 0) / yPred.length;
  assert.ok(Math.abs(l1 - firstEpochVal) < 1e-5, `restored weights give val ${l1}, best epoch had ${firstEpochVal}`);
  model.dispose();
});

test('pruner stops the training with status pruned', async () => {
  const { model, result } = await run(tinyConfig, tmp(), { shouldStop: (epoch) => epoch >= 1 });
  assert.equal(result.status, 'pruned');
  assert.equal(result.history.val.length, 2);
  model.dispose();
});

test('NaN loss throws DivergedError', async () => {
  const bad = { ...train, x: train.x.map((v, i) => (i === 5 ? NaN : v)) };
  await assert.rejects(
    trainModel({ build: () => buildTiny(), train: bad, val, config: tinyConfig, checkpointDir: tmp() }),
    (err: unknown) => err instanceof DivergedError && err.epoch === 0 && /diverged/.test(err.message),
  );
});

test('SGD with momentum, AdamW, L2 and Huber, plateau and one-cycle schedules all train', async () => {
  const configs: TrainConfig[] = [
    { ...tinyConfig, loss: 'l2', lr: 0.05, optimizer: { name: 'sgd', momentum: 0.9 }, schedule: { name: 'plateau', patience: 0, factor: 0.5 } },
    { ...tinyConfig, loss: 'huber', huberDelta: 0.5, lr: 3e-3, optimizer: { name: 'adamw', weightDecay: 0.01 }, schedule: { name: 'one_cycle' } },
  ];
  for (const config of configs) {
    const { model, result } = await run(config);
    assert.ok(result.history.train.at(-1)! < result.history.train[0], `${config.optimizer.name}: loss did not fall`);
    model.dispose();
  }
});

test('training on the cpu backend is refused with the reason', async () => {
  await initBackend('cpu');
  try {
    await assert.rejects(run(tinyConfig), /cpu.*600x slower.*ResizeNearestNeighborGrad/s);
  } finally {
    await initBackend('wasm');
  }
});

test('SIGKILL after an epoch checkpoint, rerun: same losses and weights as an uninterrupted run', async () => {
  const fullDir = tmp();
  assert.equal(await child(['train', fullDir, join(fullDir, 'out.json')]), 0);
  const full = JSON.parse(readFileSync(join(fullDir, 'out.json'), 'utf8'));

  const dir = tmp();
  const killedAt: number[] = [];
  const code = await child(['train', dir, join(dir, 'out.json'), '2000'], (line, kill) => {
    if (line === 'epoch 2') {
      killedAt.push(2);
      kill();
    }
  });
  assert.equal(code, null, 'child was not killed');
  assert.deepEqual(killedAt, [2]);
  assert.ok(!existsSync(join(dir, 'out.json')));
  const ckpt = await readCheckpoint(dir, (await readCheckpointKey(fullDir)) ?? '');
  assert.equal(ckpt?.state.epochsDone, 3, 'checkpoint of epoch 2 missing');

  const resumedLines: string[] = [];
  assert.equal(await child(['train', dir, join(dir, 'out.json')], (line) => resumedLines.push(line)), 0);
  assert.deepEqual(resumedLines, ['epoch 3', 'epoch 4', 'epoch 5'], 'resume did not continue after epoch 2');
  const resumed = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  assert.deepEqual(resumed.result.history.train, full.result.history.train);
  assert.deepEqual(resumed.result.history.val, full.result.history.val);
  assert.deepEqual(resumed.weights, full.weights);
});

test('saved model reloads in a fresh process with identical predictions', async () => {
  const { model } = await run({ ...tinyConfig, epochs: 2 });
  const dir = tmp();
  await saveModel(model, dir);
  const here = await predict(model, val, 3);
  assert.equal(await child(['load', dir, join(dir, 'pred.json')]), 0);
  const there = JSON.parse(readFileSync(join(dir, 'pred.json'), 'utf8')) as number[];
  assert.deepEqual(there, Array.from(here));
  model.dispose();
});

async function readCheckpointKey(dir: string): Promise<string | null> {
  const bytes = readFileSync(join(dir, 'checkpoint.bin'));
  const text = bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8');
  return (JSON.parse(text.slice(text.indexOf('\n') + 1)) as { state: { key: string } }).state.key;
}

test('a dilated convolution is refused before training, naming the layer', async () => {
  const build = (): tf.LayersModel => tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2, name: 'dilated' }),
    tf.layers.conv2d({ filters: 1, kernelSize: 1 }),
  ] });
  await assert.rejects(
    trainModel({ build, train, val, config: tinyConfig, checkpointDir: tmp() }),
    /layer 'dilated' \(Conv2D, dilationRate \[2,2\]\): tfjs has no gradient for dilated convolutions/,
  );
});

test('checkpoint round trip keeps non-finite numbers; a truncated file is discarded with a warning', async () => {
  const { writeCheckpoint } = await import('../../src/training/checkpoint.js');
  const { writeFileSync } = await import('node:fs');
  const dir = tmp();
  const state = {
    key: 'k', epochsDone: 1, rng: 7, optimizerStep: 3, history: { train: [1], val: [2], lr: [0.1] },
    plateau: { lr: 0.1, best: Infinity, bad: 0 }, early: { best: 2, bestEpoch: 0, wait: 0 }, seconds: 1, finished: null,
  };
  await writeCheckpoint(dir, { state, weights: [Float32Array.of(1, 2)], slots: [Float32Array.of(3)], best: [] });
  const back = await readCheckpoint(dir, 'k');
  assert.equal(back?.state.plateau.best, Infinity);
  assert.deepEqual(Array.from(back!.weights[0]), [1, 2]);
  assert.equal(await readCheckpoint(dir, 'other-config'), null);
  const whole = readFileSync(join(dir, 'checkpoint.bin'));
  for (const [cut, why] of [[60, 'truncated header'], [whole.length - 2, 'truncated data']] as const) {
    writeFileSync(join(dir, 'checkpoint.bin'), whole.subarray(0, cut));
    const warnings: string[] = [];
    assert.equal(await readCheckpoint(dir, 'k', (m) => warnings.push(m)), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`not a valid pipe training checkpoint \\(${why}\\); discarded, the training restarts from its first epoch`));
    assert.ok(!existsSync(join(dir, 'checkpoint.bin')), 'the damaged file is removed');
  }
});

test('a training whose checkpoint was truncated (a full disk) restarts from epoch 0 and gives the uninterrupted result', async () => {
  const { writeFileSync } = await import('node:fs');
  const clean = await run(tinyConfig);
  const dir = tmp();
  writeFileSync(join(dir, 'checkpoint.bin'), Buffer.concat([Buffer.from([20, 0, 0, 0]), Buffer.from('PIPE-CKPT-1\n{"sta')]));
  const warnings: string[] = [];
  const again = await run(tinyConfig, dir, { onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1, 'one warning');
  assert.match(warnings[0]!, /checkpoint\.bin is not a valid pipe training checkpoint/);
  assert.deepEqual(again.result.history.train, clean.result.history.train);
  again.model.dispose();
  clean.model.dispose();
});
