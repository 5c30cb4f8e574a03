// `npm run bench`: the DESIGN.md reference workload on wasm, against PyTorch CPU when /usr/bin/python3 has
// torch (Debian: apt-get install python3-torch). Every contender trains in its own process, the contenders
// interleaved (A B …, then … B A) over --rounds rounds; each prints the median ms/epoch over rounds and every
// ratio is the median of per-round ratios with its range, or "machine too noisy" when the range is wider
// than --max-spread. Also: a kernel profile of one epoch, peak RSS, the trainable parameter counts of both
// sides, N threads in one process (TrainOptions.threads) and two trainings in two processes.
//   node dist/bench/train-bench.js [--epochs N] [--rounds N] [--threads N (default 2; 1 skips)] [--max-spread F]
//                                  [--no-torch] [--no-pair] [--no-baseline] [--shapes (profile per input shape)]
//                                  [--backend wasm|tensorflow (pipe's side; tensorflow needs @tensorflow/tfjs-node)]
//   node dist/bench/train-bench.js --child EPOCHS THREADS [--profile] [--shapes]   (one training, JSON on stdout)
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendRequest } from '../src/training/tf.js';
import { trainModel } from '../src/training/train-model.js';
import { buildReferenceModel, referenceConfig, referenceData } from './reference-workload.js';
import { profileWasmKernels, type KernelTime } from './kernel-profile.js';
import { describeRatio, describeTimes, interleaved, roundRatio, steadyMs, type Contender, type Sample, torchAvailable } from './interleave.js';

const here = fileURLToPath(import.meta.url);
// Run from the sources (tsx) or from dist/bench after tsc; the python script is not compiled.
const torchScript = here.endsWith('.ts') ? join(here, '..', 'torch-bench.py') : join(here, '..', '..', '..', 'bench', 'torch-bench.py');
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const opt = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const backendArg = args.includes('--backend') ? (args[args.indexOf('--backend') + 1] as BackendRequest) : 'wasm';

interface ChildResult {
  msPerEpoch: number[];
  peakRssMiB: number;
  lastLoss: number;
  params: number;
  kernels?: KernelTime[];
}

async function trainOnce(epochs: number, threads: number, profile: boolean, shapes: boolean): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-bench-'));
  const data = referenceData();
  const empty = { ...data, x: new Float32Array(0), y: new Float32Array(0), n: 0 };
  const ms: number[] = [];
  // The last epoch is profiled (the wrappers cost a little), so its time is left out of the median.
  let profiler: ReturnType<typeof profileWasmKernels> | undefined;
  try {
    let params = 0;
    const { model, result } = await trainModel({
      build: () => {
        const m = buildReferenceModel();
        params = m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
        return m;
      },
      train: data, val: empty, config: { ...referenceConfig, epochs }, checkpointDir: dir, threads,
      onEpoch: (r) => {
        ms.push(r.seconds * 1000);
        if (profile && r.epoch + 1 === epochs - 1) profiler = profileWasmKernels({ byShape: shapes });
      },
    });
    model.dispose();
    const kernels = profiler?.stop();
    return {
      msPerEpoch: profile ? ms.slice(0, -1) : ms, peakRssMiB: process.resourceUsage().maxRSS / 1024,
      lastLoss: result.history.train.at(-1)!, params, kernels,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


function torchRun(threads: number, epochs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [torchScript, String(threads), String(epochs)], { encoding: 'utf8' }, (err, out) =>
      err ? reject(err) : resolve(JSON.parse(out) as ChildResult));
  });
}

function childRun(epochs: number, threads: number, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const argv = [...process.execArgv, here, '--child', String(epochs), String(threads), '--backend', backendArg, ...extra];
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`bench child exited ${code}`))));
  });
}

const sample = (r: ChildResult): Sample => ({ ms: steadyMs(r.msPerEpoch), peakRssMiB: r.peakRssMiB });

async function main(): Promise<void> {
  const backend = await initBackend(backendArg);
  const c = args.indexOf('--child');
  if (c >= 0) {
    process.stdout.write(JSON.stringify(await trainOnce(Number(args[c + 1]), Number(args[c + 2]), flag('--profile'), flag('--shapes'))));
    return;
  }
  const epochs = opt('--epochs', 6);
  const rounds = opt('--rounds', 5);
  const maxSpread = opt('--max-spread', 0.2);
  const threads = opt('--threads', 2);
  console.log(`backend: ${backend.detail}`);
  console.log('workload: 64 samples 64x64x2 -> 64x64x1, conv16-conv16-maxpool-conv32-up2-conv1, Adam 1e-3, L1, batch 16');
  console.log(`each contender in its own process, ${epochs} epochs (median of epochs 2..${epochs}), ${rounds} interleaved rounds`);

  const prof = await childRun(epochs + 1, 1, ['--profile', ...(flag('--shapes') ? ['--shapes'] : [])]);
  const kernels = prof.kernels ?? [];
  const profTotal = kernels.reduce((s, k) => s + k.ms, 0);
  const lastMs = prof.msPerEpoch.at(-1)!.toFixed(0);
  console.log(`\nkernel self time in one epoch (profiled, ${profTotal.toFixed(0)} ms in kernels; the epoch before it, unprofiled: ${lastMs} ms):`);
  for (const k of kernels.slice(0, flag('--shapes') ? 24 : 14)) {
    console.log(`  ${k.kernel.padEnd(flag('--shapes') ? 60 : 28)} ${k.ms.toFixed(1).padStart(7)} ms  ${k.calls.toString().padStart(5)} calls`);
  }

  const torch = !flag('--no-torch') && torchAvailable();
  const contenders: Contender[] = [{ name: 'wasm', run: async () => sample(await childRun(epochs, 1)) }];
  if (torch) contenders.push({ name: 'torch1', run: async () => sample(await torchRun(1, epochs)) });
  if (threads > 1) contenders.push({ name: 'wasmN', run: async () => sample(await childRun(epochs, threads)) });
  if (torch) contenders.push({ name: 'torch2', run: async () => sample(await torchRun(2, epochs)) });
  if (!flag('--no-baseline') && backend.name === 'wasm') {
    contenders.push({ name: 'off', run: async () => sample(await childRun(epochs, 1, [], { ...process.env, PIPE_SIMD_KERNELS: 'off' })) });
  }
  if (!flag('--no-pair')) {
    contenders.push({
      name: 'pair',
      run: async () => {
        const [a, b] = await Promise.all([childRun(epochs, 1), childRun(epochs, 1)]);
        return { ms: (steadyMs(a.msPerEpoch) + steadyMs(b.msPerEpoch)) / 2, peakRssMiB: a.peakRssMiB + b.peakRssMiB };
      },
    });
  }
  const s = await interleaved(contenders, rounds, (name, round) => process.stderr.write(`  round ${round + 1}: ${name}\n`));
  const rss = (xs: Sample[]) => `peak RSS ${Math.max(...xs.map((x) => x.peakRssMiB ?? 0)).toFixed(0)} MiB`;
  const ratio = (a: Sample[], b: Sample[]) => describeRatio(roundRatio(a, b, maxSpread), maxSpread);
  const twice = (xs: Sample[]) => xs.map((x) => ({ ms: 2 * x.ms }));
  console.log(`\n${backend.name}, 1 process, 1 thread: ${describeTimes(s.get('wasm')!)}, ${rss(s.get('wasm')!)}, final loss ${prof.lastLoss.toFixed(4)}`);
  if (s.has('off')) {
    console.log(`without pipe's SIMD kernels (PIPE_SIMD_KERNELS=off): ${describeTimes(s.get('off')!)} -> off/wasm ${ratio(s.get('off')!, s.get('wasm')!)}`);
  }
  if (s.has('wasmN')) console.log(`${backend.name}, 1 process, ${threads} threads: ${describeTimes(s.get('wasmN')!)}, ${rss(s.get('wasmN')!)}`);
  if (s.has('pair')) console.log(`2 trainings in 2 processes (1 thread each): ${describeTimes(s.get('pair')!)} each, ${rss(s.get('pair')!)} together`);

  if (!torch) {
    console.log('\nPyTorch: skipped (/usr/bin/python3 -c "import torch" failed, or --no-torch): no ratios. Debian: apt-get install python3-torch');
    console.log(`trainable parameters: pipe ${prof.params}`);
    return;
  }
  const tp = await torchRun(1, 1);
  console.log(`\ntrainable parameters: pipe ${prof.params}, PyTorch ${tp.params} -> ${prof.params === tp.params ? 'match' : 'MISMATCH: the twins differ'}`);
  console.log(`PyTorch CPU 1 thread: ${describeTimes(s.get('torch1')!)}, ${rss(s.get('torch1')!)}`);
  console.log(`PyTorch CPU 2 threads: ${describeTimes(s.get('torch2')!)}`);
  console.log(`wasm 1 thread / PyTorch 1 thread:  ${ratio(s.get('wasm')!, s.get('torch1')!)}  (goal <= 0.85)`);
  console.log(`wasm 1 thread / PyTorch 2 threads: ${ratio(s.get('wasm')!, s.get('torch2')!)}`);
  if (s.has('wasmN')) console.log(`wasm ${threads} threads / PyTorch 2 threads: ${ratio(s.get('wasmN')!, s.get('torch2')!)}  (goal <= 0.85)`);
  if (s.has('pair')) {
    console.log(`2 processes / PyTorch 2 threads training the two in turn: ${ratio(s.get('pair')!, twice(s.get('torch2')!))}`);
    console.log(`2 processes / PyTorch 1 thread training the two in turn: ${ratio(s.get('pair')!, twice(s.get('torch1')!))}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
