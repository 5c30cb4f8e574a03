import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeNpy } from '../../src/data/npy.js';

// A tiny results tree that follows docs/internals.md "Result files", written by hand so plot tests need
// no training. Deterministic (seeded), small (16×16 maps, 20 samples per part).

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2));
}

export const STAGES = [
  { name: 'data', kind: 'shell' as const },
  { name: 'A', kind: 'train' as const },
  { name: 'B', kind: 'tune' as const },
  { name: 'C', kind: 'train' as const },
  { name: 'D', kind: 'evaluate' as const },
  { name: 'E', kind: 'evaluate' as const }, // never ran: must be skipped and named
];

export const MAP = { n: 6, h: 16, w: 16 };

async function trainStage(dir: string, models: string[], random: () => number): Promise<void> {
  const ranking = [];
  for (const [k, model] of models.entries()) {
    const epochs = 10 + k * 3;
    const rate = 0.15 + 0.1 * k;
    const train = Array.from({ length: epochs }, (_, e) => 0.9 * Math.exp(-rate * e) + 0.02 + 0.01 * random());
    const val = train.map((v, e) => v * 1.1 + 0.004 * e * (k === 0 ? 1 : 0.3) + 0.01 * random());
    const bestEpoch = val.indexOf(Math.min(...val));
    await writeJson(path.join(dir, 'models', model, 'history.json'), {
      train, val, lr: train.map(() => 1e-3), dummy: { train: 0.8, val: 0.85 },
      bestEpoch, stoppedEpoch: epochs - 1, seconds: 3 + k, loss: 'l1',
    });
    ranking.push({ model, bestVal: val[bestEpoch], bestEpoch, seconds: 3 + k, params: 1000 * 4 ** k });
  }
  ranking.sort((a, b) => a.bestVal! - b.bestVal!);
  await writeJson(path.join(dir, 'ranking.json'), ranking);
}

export const TRIAL_STATES = ['complete', 'complete', 'pruned', 'complete', 'failed', 'pruned', 'complete', 'complete', 'pruned', 'complete'] as const;

async function tuneStage(dir: string, random: () => number): Promise<void> {
  const trials = TRIAL_STATES.map((state, number) => {
    const intermediate = [0.5, 0.3, 0.2].map((v) => v + 0.1 * random());
    return {
      number, state, params: { lr: 10 ** (-4 + 2 * random()), filters: 8 * (1 + (number % 3)) },
      value: state === 'failed' ? null : state === 'pruned' ? intermediate[0] : 0.05 + 0.1 * random(),
      epochs: state === 'pruned' ? 1 : 3, seconds: 1 + random(),
      intermediate: state === 'failed' ? [] : state === 'pruned' ? intermediate.slice(0, 1) : intermediate,
    };
  });
  await writeJson(path.join(dir, 'trials.json'), trials);
  const best = trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!)[0]!;
  await writeJson(path.join(dir, 'best.json'), { model: 'unet', params: best.params, value: best.value, trial: best.number });
}

export const EVAL_MODELS = ['unet', 'resnet', 'dummy'];
export const PARTS: [string, string][] = [['small', 'train'], ['small', 'val'], ['big', 'train'], ['big', 'val'], ['test', 'test']];

async function evaluateStage(dir: string, random: () => number): Promise<void> {
  const models: Record<string, unknown> = {};
  const { n, h, w } = MAP;
  const target = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const r = Math.hypot(x - w / 2 - i, y - h / 3);
      target[(i * h + y) * w + x] = Math.max(0, 0.4 * (i + 1) / n - 0.03 * r) + 0.01 * random();
    }
  }
  await writeNpy(path.join(dir, 'targets', 'test-test.npy'), target, [n, h, w, 1]);
  const mean = target.reduce((a, b) => a + b, 0) / target.length;
  for (const [k, model] of EVAL_MODELS.entries()) {
    const level = model === 'dummy' ? 1 : 0.2 + 0.15 * k;
    const sets: Record<string, Record<string, unknown>> = {};
    for (const [set, part] of PARTS) {
      const rae = Array.from({ length: 20 }, () => level * (0.6 + 0.8 * random()) * (random() < 0.1 ? 2.5 : 1));
      if (set === 'test') rae.push(null as unknown as number); // an all-dry sample: RAE undefined
      (sets[set] ??= {})[part] = { n: rae.length, rae, raeUndefined: set === 'test' ? 1 : 0, mae: 0.01 * level, rmse: 0.02 * level, r2: 1 - level };
    }
    models[model] = {
      from: model === 'dummy' ? 'D' : 'C', params: model === 'dummy' ? 0 : 1000 * 8 ** (k + 1), bytes: 4000 * 8 ** k,
      trainSeconds: model === 'dummy' ? 0 : 10 + k, inferenceMsPerSample: model === 'dummy' ? 0.01 : 0.5 + 2 * k, sets,
    };
    const pred = target.map((v) => (model === 'dummy' ? mean : v + level * 0.1 * (random() - 0.5)));
    await writeNpy(path.join(dir, 'predictions', model, 'test-test.npy'), pred, [n, h, w, 1]);
  }
  await writeJson(path.join(dir, 'metrics.json'), { unit: 'm', models });
}

/** Writes the synthetic results tree of stages data…E (E left empty) under `resultsDir`. */
export async function writeSyntheticResults(resultsDir: string): Promise<void> {
  const random = rng(42);
  await trainStage(path.join(resultsDir, 'A'), ['cnn', 'resnet', 'unet'], random);
  await tuneStage(path.join(resultsDir, 'B'), random);
  await trainStage(path.join(resultsDir, 'C'), ['resnet', 'unet'], random);
  await evaluateStage(path.join(resultsDir, 'D'), random);
}
