// `npm run bench:zoo`: ms/epoch of each built-in architecture on the reference study's grid (64 samples of
// 32×32×3 → 32×32×1, batch 8, Huber, Adam), against its PyTorch twin (bench/torch-zoo.py, 1 thread) when
// /usr/bin/python3 has torch, and optionally without pipe's SIMD kernels (--simd-off). Every training runs
// in its own process; the contenders are interleaved (pipe, PyTorch, then PyTorch, pipe, …) over --rounds
// rounds; ratios are medians of per-round ratios with their range, or "too noisy". Prints a table with
// trainable parameter counts of both sides (they must match); never asserts a time.
//   node dist/bench/zoo-bench.js [--epochs N] [--rounds N] [--max-spread F] [--simd-off] [--no-torch]
//                                [--backend wasm|tensorflow (pipe's side)] [model ...]
//   node dist/bench/zoo-bench.js --child MODEL EPOCHS [--profile [--top N]]   (one training, JSON on stdout; --profile: the
//     last epoch's kernel self times per input shape on stderr, the N (30) largest)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { initBackend, type BackendRequest } from '../src/training/tf.js';
import { trainModel } from '../src/training/train-model.js';
import { loadModelFiles, packageRoot } from '../src/model-kit/loader.js';
import { buildModel, listModels, modelOutputs } from '../src/model-kit/registry.js';
import { formatTable } from '../src/cli/table.js';
import { profileWasmKernels } from './kernel-profile.js';
import { interleaved, roundRatio, steadyMs, type Contender, type Sample, torchAvailable } from './interleave.js';

const here = fileURLToPath(import.meta.url);
const torchScript = here.endsWith('.ts') ? join(here, '..', 'torch-zoo.py') : join(here, '..', '..', '..', 'bench', 'torch-zoo.py');
const args = process.argv.slice(2);
const backendArg = args.includes('--backend') ? (args[args.indexOf('--backend') + 1] as BackendRequest) : 'wasm';
const opt = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

interface RunResult {
  msPerEpoch: number[];
  params: number;
  peakRssMiB: number;
}

async function child(name: string, epochs: number): Promise<void> {
  await initBackend(backendArg);
  await loadModelFiles([packageRoot()]);
  const n = 64;
  const size = 32;
  const x = new Float32Array(n * size * size * 3).map((_, i) => Math.sin(i * 0.37));
  const y = new Float32Array(n * size * size).map((_, i) => Math.max(0, Math.cos(i * 0.11)));
  const data = { x, y, n, h: size, w: size, factor: 1, cin: 3, cout: 1 };
  const dir = mkdtempSync(join(tmpdir(), 'pipe-zoo-'));
  const ms: number[] = [];
  let params = 0;
  const profile = args.includes('--profile');
  let profiler: ReturnType<typeof profileWasmKernels> | undefined;
  try {
    const { model } = await trainModel({
      build: () => {
        const m = buildModel(name, { inputShape: [size, size, 3], outputShape: [size, size, 1] });
        params = m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
        return m;
      },
      train: data,
      val: { ...data, x: new Float32Array(0), y: new Float32Array(0), n: 0 },
      config: { epochs, batchSize: 8, seed: 1, loss: 'huber', lr: 1e-3, optimizer: { name: 'adam' }, schedule: { name: 'constant' } },
      checkpointDir: dir,
      onEpoch: (r) => {
        ms.push(r.seconds * 1000);
        if (profile && r.epoch + 1 === epochs - 1) profiler = profileWasmKernels({ byShape: true });
      },
    });
    model.dispose();
    const kernels = profiler?.stop() ?? [];
    for (const k of kernels.slice(0, opt('--top', 30)))
      process.stderr.write(`  ${k.kernel.padEnd(64)} ${k.ms.toFixed(1).padStart(7)} ms  ${String(k.calls).padStart(5)} calls\n`);
    if (profile) {
      const total = kernels.reduce((a, k) => a + k.ms, 0).toFixed(0);
      process.stderr.write(`  ${kernels.length} kernel/shape pairs, ${total} ms in kernels, ${kernels.reduce((a, k) => a + k.calls, 0)} calls\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result: RunResult = { msPerEpoch: ms, params, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function run(file: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: 'utf8', env, maxBuffer: 1 << 24 }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out) as RunResult)));
  });
}

const pipeRun = (model: string, epochs: number, simd: 'on' | 'off') =>
  run(process.execPath, [here, '--child', model, String(epochs), '--backend', backendArg], { ...process.env, PIPE_SIMD_KERNELS: simd });
const torchRun = (model: string, epochs: number) => run('/usr/bin/python3', [torchScript, model, String(epochs), '1']);

async function main(): Promise<void> {
  const c = args.indexOf('--child');
  if (c >= 0) return child(args[c + 1], Number(args[c + 2]));
  const epochs = opt('--epochs', 4);
  const rounds = opt('--rounds', 3);
  const maxSpread = opt('--max-spread', 0.2);
  const valued = new Set(['--epochs', '--rounds', '--max-spread', '--backend']);
  const named = args.filter((a, i) => !a.startsWith('--') && (i === 0 || !valued.has(args[i - 1])));
  await loadModelFiles([packageRoot()]);
  // the map-to-map architectures (the workload is a 32×32 map regression; vector models such as cnn_vector have no twin)
  const models =
    named.length > 0
      ? named
      : listModels()
          .filter((m) => modelOutputs(m.def).includes('grid'))
          .map((m) => m.name);
  const torch = !args.includes('--no-torch') && torchAvailable();
  const simdOff = args.includes('--simd-off');
  console.log(
    `64 samples 32x32x3 -> 32x32x1, batch 8, Huber, Adam; median ms/epoch of epochs 2..${epochs}, one process each, ` +
      `${rounds} interleaved rounds; ratio = median of per-round pipe/PyTorch (range), PyTorch on 1 thread`,
  );
  if (!torch) console.log('PyTorch: skipped (/usr/bin/python3 -c "import torch" failed, or --no-torch): no ratios. Debian: apt-get install python3-torch');

  const params = new Map<string, { pipe: number; torch?: number; pipeRss: number; torchRss?: number }>();
  const keep = (model: string, side: 'pipe' | 'torch', r: RunResult): Sample => {
    const p = params.get(model) ?? { pipe: 0, pipeRss: 0 };
    if (side === 'pipe') {
      p.pipe = r.params;
      p.pipeRss = Math.max(p.pipeRss, r.peakRssMiB);
    } else {
      p.torch = r.params;
      p.torchRss = Math.max(p.torchRss ?? 0, r.peakRssMiB);
    }
    params.set(model, p);
    return { ms: steadyMs(r.msPerEpoch), peakRssMiB: r.peakRssMiB };
  };
  const contenders: Contender[] = models.flatMap((model) => [
    { name: `${model}:pipe`, run: async () => keep(model, 'pipe', await pipeRun(model, epochs, 'on')) },
    ...(torch ? [{ name: `${model}:torch`, run: async () => keep(model, 'torch', await torchRun(model, epochs)) }] : []),
    ...(simdOff ? [{ name: `${model}:off`, run: async () => ({ ms: steadyMs((await pipeRun(model, epochs, 'off')).msPerEpoch) }) }] : []),
  ]);
  const s = await interleaved(contenders, rounds, (name, round) => process.stderr.write(`  round ${round + 1}: ${name}\n`));

  const head = ['model', 'params pipe/PyTorch', 'pipe ms/epoch', 'peak RSS MiB'];
  if (torch) head.push('PyTorch ms/epoch', 'PyTorch RSS MiB', 'pipe/PyTorch');
  if (simdOff) head.push('SIMD off ms/epoch');
  const rows: string[][] = [];
  const goodRatios: number[] = [];
  let noisy = 0;
  for (const model of models) {
    const p = params.get(model)!;
    const ms = (k: string) => median(s.get(`${model}:${k}`)!.map((x) => x.ms)).toFixed(0);
    const row = [model, torch ? `${p.pipe}/${p.torch}${p.pipe === p.torch ? '' : ' MISMATCH'}` : String(p.pipe), ms('pipe'), p.pipeRss.toFixed(0)];
    if (torch) {
      const r = roundRatio(s.get(`${model}:pipe`)!, s.get(`${model}:torch`)!, maxSpread);
      if (r.noisy) noisy++;
      else goodRatios.push(r.median);
      const range = `(${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
      row.push(ms('torch'), p.torchRss!.toFixed(0), r.noisy ? `too noisy ${range}` : `${r.median.toFixed(2)} ${range}`);
    }
    if (simdOff) row.push(ms('off'));
    rows.push(row);
  }
  process.stdout.write(formatTable([head, ...rows], [2, 3, 4, 5]));
  if (torch) {
    console.log(
      noisy > 0
        ? `median pipe/PyTorch over the architectures: machine too noisy (${noisy} of ${models.length} ratios spread more than ` +
            `${(100 * maxSpread).toFixed(0)}%)`
        : `median pipe/PyTorch over the ${models.length} architectures: ${median(goodRatios).toFixed(2)} (goal <= 0.85)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
