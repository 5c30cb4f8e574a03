// Shared checks run for every architecture (one test file each, so the suite spreads them over cores):
// it builds for a tiny grid, refuses a bad one with a useful message, has wasm gradients equal to the
// pure-JS cpu backend's, trains with decreasing loss, and a saved copy reloads in a fresh process with
// bit-identical predictions.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '../../src/training/tf.js';
import { trainModel } from '../../src/training/train-model.js';
import { saveModel } from '../../src/training/model-io.js';
import { predict, type Arrays } from '../../src/training/batches.js';
import { SeededRandom } from '../../src/training/seeded-random.js';
import { loadModelFiles, packageRoot } from '../../src/model-kit/loader.js';
import { buildModel, checkModel, type Shape3 } from '../../src/model-kit/registry.js';

export interface ArchitectureCase {
  name: string;
  /** a grid the model refuses, and what the refusal must say */
  refuses: { inputShape: Shape3; outputShape: Shape3; hp?: Record<string, unknown>; says: RegExp };
  /** hyperparameters for the tiny test model (defaults otherwise) */
  hp?: Record<string, unknown>;
}

const H = 16;
const W = 16;
const CIN = 3;
const shapes = { inputShape: [H, W, CIN] as Shape3, outputShape: [H, W, 1] as Shape3 };

/** Smooth synthetic "terrain, rain, noise → depth" samples: learnable, deterministic. */
export function syntheticArrays(n: number, seed: number): Arrays {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(n * H * W * CIN);
  const y = new Float32Array(n * H * W);
  for (let s = 0; s < n; s++) {
    const [a, b, rain] = [rng.next() * 3, rng.next() * 3, rng.next()];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const cell = (s * H + i) * W + j;
        const elevation = Math.sin(i / 3 + a) * Math.cos(j / 4 + b);
        x[cell * CIN] = elevation;
        x[cell * CIN + 1] = rain;
        x[cell * CIN + 2] = rng.next() - 0.5;
        y[cell] = rain * Math.max(0, 0.3 - elevation);
      }
    }
  }
  return { x, y, n, h: H, w: W, factor: 1, cin: CIN, cout: 1 };
}

/** ‖a − b‖₂ / ‖b‖₂ over all gradients together: robust to the odd ReLU/max-pool kink the backends resolve differently. */
export function relError(a: Float32Array[], b: Float32Array[]): number {
  let diff = 0;
  let norm = 0;
  a.forEach((ai, k) =>
    ai.forEach((v, i) => {
      diff += (v - b[k]![i]!) ** 2;
      norm += b[k]![i]! ** 2;
    }),
  );
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

export function gradsOn(backend: string, model: tf.LayersModel, x: tf.Tensor): Float32Array[] {
  tf.setBackend(backend);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const grads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => {
      const y = model.apply(tf.clone(x), { training: true }) as tf.Tensor;
      const r = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
      return tf.sum(tf.mul(y, r));
    }, vars);
    return vars.map((v) => g[v.name]!);
  });
  const out = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose(grads);
  return out;
}

function childExecArgv(): string[] {
  // Keep only loader flags (tsx when running from source), not the test runner's own flags.
  const out: string[] = [];
  process.execArgv.forEach((a, i) => {
    if (a === '--import' || a === '--loader') out.push(a, process.execArgv[i + 1]!);
    else if (a.startsWith('--import=') || a.startsWith('--loader=')) out.push(a);
  });
  return out;
}

export function testArchitecture(c: ArchitectureCase): void {
  let model: tf.LayersModel | undefined;
  const dir = mkdtempSync(join(tmpdir(), `pipe-models-${c.name}-`));

  before(async () => {
    await initBackend('wasm');
    tf.setBackend('cpu');
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false; // the cpu backend's banner
    tf.setBackend('wasm');
    await loadModelFiles([packageRoot()]);
  });

  test(`${c.name}: builds for a ${H}×${W}×${CIN} → ${H}×${W}×1 grid without leaking tensors`, () => {
    const m = buildModel(c.name, shapes, c.hp);
    assert.deepEqual(m.outputs[0]!.shape, [null, H, W, 1]);
    assert.ok(m.countParams() > 500 && m.countParams() < 200_000, `params ${m.countParams()}`);
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, H, W, CIN]);
    const y = m.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [2, H, W, 1]);
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, before);
    m.dispose();
  });

  test(`${c.name}: refuses a grid it cannot handle, saying what works`, () => {
    const { says, hp, ...bad } = c.refuses;
    const refusal = checkModel(c.name, bad, { ...c.hp, ...hp });
    assert.ok(refusal, 'expected a refusal');
    assert.match(refusal, says);
    assert.throws(() => buildModel(c.name, bad, { ...c.hp, ...hp }), (e: Error) => e.message.includes(c.name) && says.test(e.message));
  });

  test(`${c.name}: gradients on wasm equal the cpu backend's`, () => {
    const m = new SeededRandom(11).asMathRandom(() => buildModel(c.name, shapes, c.hp));
    const x = tf.tensor4d(syntheticArrays(1, 7).x, [1, H, W, CIN]);
    const saved = m.getWeights().map((w) => tf.clone(w));
    const wasm = gradsOn('wasm', m, x);
    m.setWeights(saved); // training-mode batch norm moved its statistics
    const cpu = gradsOn('cpu', m, x);
    tf.setBackend('wasm');
    tf.dispose([x, ...saved]);
    m.dispose();
    const err = relError(wasm, cpu);
    assert.ok(err < 1e-4, `relative gradient error ${err}`);
  });

  test(`${c.name}: trains on wasm with decreasing loss`, async () => {
    const train = syntheticArrays(16, 1);
    const val = syntheticArrays(8, 2);
    const out = await trainModel({
      build: () => buildModel(c.name, shapes, c.hp),
      train,
      val,
      checkpointDir: join(dir, 'ckpt'),
      config: { epochs: 4, batchSize: 8, seed: 3, loss: 'l1', lr: 3e-3, optimizer: { name: 'adam' }, schedule: { name: 'constant' } },
    });
    model = out.model;
    const losses = out.result.history.train;
    assert.equal(losses.length, 4);
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses[3]! < losses[0]! * 0.9, `train loss ${losses.join(' → ')} did not decrease`);
  });

  test(`${c.name}: a saved model reloads in a fresh process with identical predictions`, async (t) => {
    if (!model) return t.skip('training failed');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const data = syntheticArrays(4, 5);
    await saveModel(model, dir);
    writeFileSync(join(dir, 'x.bin'), new Uint8Array(data.x.buffer));
    const expected = await predict(model, data, 4);
    const ext = fileURLToPath(import.meta.url).endsWith('.ts') ? '.ts' : '.js';
    const child = fileURLToPath(new URL(`./reload-child${ext}`, import.meta.url));
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    execFileSync(process.execPath, [...childExecArgv(), child, dir, JSON.stringify([data.n, H, W, CIN])], { env, stdio: 'pipe' });
    const got = readFileSync(join(dir, 'reloaded.bin'));
    assert.ok(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength).equals(got), 'reloaded predictions differ');
    model.dispose();
  });
}
