// Per-kernel self time on the wasm backend: wraps every registered wasm kernel function. Own kernels
// call other kernels, so each call's time excludes the kernels it called (self time, not inclusive).
import { tf } from '../src/training/tf.js';

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/** byShape: one entry per kernel and input shapes (`Conv2D 16x64x64x2 3x3x2x16`), to find the slow geometries. */
export function profileWasmKernels(opts: { byShape?: boolean } = {}): { stop: () => KernelTime[] } {
  const totals = new Map<string, KernelTime>();
  const childMs: number[] = [];
  const restore: (() => void)[] = [];
  for (const config of tf.getKernelsForBackend('wasm')) {
    const original = config.kernelFunc;
    config.kernelFunc = ((args: Parameters<typeof original>[0]) => {
      const name = opts.byShape
        ? `${config.kernelName} ${Object.values(args.inputs).map((t) => (t ? t.shape.join('x') || 'scalar' : '-')).join(' ')}`
        : config.kernelName;
      childMs.push(0);
      const t0 = performance.now();
      try {
        return original(args);
      } finally {
        const total = performance.now() - t0;
        const self = total - (childMs.pop() ?? 0);
        if (childMs.length > 0) childMs[childMs.length - 1] += total;
        const t = totals.get(name) ?? { kernel: name, ms: 0, calls: 0 };
        t.ms += self;
        t.calls += 1;
        totals.set(name, t);
      }
    }) as typeof original;
    restore.push(() => {
      config.kernelFunc = original;
    });
  }
  return {
    stop: () => {
      for (const r of restore) r();
      return [...totals.values()].sort((a, b) => b.ms - a.ms);
    },
  };
}
