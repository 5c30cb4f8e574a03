// `npm run bench:zoo`: ms/epoch of each built-in architecture on the reference study's grid (64 samples of
// 32×32×3 → 32×32×1, batch 8, Huber, Adam), with pipe's SIMD kernels and without (PIPE_SIMD_KERNELS=off),
// each training in its own process. Prints a table; never asserts a time.
//   node dist/bench/zoo-bench.js [--epochs N] [model ...]
//   node dist/bench/zoo-bench.js --child MODEL EPOCHS   (one training, JSON on stdout)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/training/tf.js';
import { trainModel } from '../src/training/train-model.js';
import { loadModelFiles, packageRoot } from '../src/model-kit/loader.js';
import { buildModel, listModels } from '../src/model-kit/registry.js';
import { formatTable } from '../src/cli/table.js';

const here = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function child(name: string, epochs: number): Promise<void> {
  await initBackend('wasm');
  await loadModelFiles([packageRoot()]);
  const n = 64;
  const size = 32;
  const x = new Float32Array(n * size * size * 3).map((_, i) => Math.sin(i * 0.37));
  const y = new Float32Array(n * size * size).map((_, i) => Math.max(0, Math.cos(i * 0.11)));
  const data = { x, y, n, h: size, w: size, factor: 1, cin: 3, cout: 1 };
  const dir = mkdtempSync(join(tmpdir(), 'pipe-zoo-'));
  const ms: number[] = [];
  try {
    const { model } = await trainModel({
      build: () => buildModel(name, { inputShape: [size, size, 3], outputShape: [size, size, 1] }),
      train: data, val: { ...data, x: new Float32Array(0), y: new Float32Array(0), n: 0 },
      config: { epochs, batchSize: 8, seed: 1, loss: 'huber', lr: 1e-3, optimizer: { name: 'adam' }, schedule: { name: 'constant' } },
      checkpointDir: dir, onEpoch: (r) => ms.push(r.seconds * 1000),
    });
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(ms));
}

function run(model: string, epochs: number, simd: 'on' | 'off'): number {
  const out = execFileSync(process.execPath, [here, '--child', model, String(epochs)], {
    encoding: 'utf8', env: { ...process.env, PIPE_SIMD_KERNELS: simd }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return median((JSON.parse(out) as number[]).slice(1));
}

async function main(): Promise<void> {
  const c = args.indexOf('--child');
  if (c >= 0) return child(args[c + 1], Number(args[c + 2]));
  const e = args.indexOf('--epochs');
  const epochs = e >= 0 ? Number(args[e + 1]) : 4;
  const named = args.filter((a, i) => !a.startsWith('--') && (i === 0 || args[i - 1] !== '--epochs'));
  await loadModelFiles([packageRoot()]);
  const models = named.length > 0 ? named : listModels().map((m) => m.name);
  console.log(`64 samples 32x32x3 -> 32x32x1, batch 8, Huber, Adam; median ms/epoch of epochs 2..${epochs}, one process each`);
  const rows: string[][] = [];
  for (const model of models) {
    const on = run(model, epochs, 'on');
    const off = run(model, epochs, 'off');
    rows.push([model, on.toFixed(0), off.toFixed(0), `${(off / on).toFixed(1)}x`]);
  }
  process.stdout.write(formatTable([['model', 'ms/epoch', 'with PIPE_SIMD_KERNELS=off', 'speed-up'], ...rows], [1, 2, 3]));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
