// Test helpers for the wasm kernels: count calls of a registered kernel, and run code with pipe's SIMD
// kernels turned off (the fused paths check PIPE_SIMD_KERNELS on every call and fall back).
import { tf } from '../../src/training/tf.js';
import { simdKernelsFor, type SimdKernels } from '../../src/training/wasm-kernels/simd-module.js';

/** Counts calls of the wasm kernel `name` until `restore()`. */
export function spyKernel(name: string): { readonly calls: number; restore(): void } {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`no wasm kernel '${name}'`);
  const inner = kernel.kernelFunc;
  let calls = 0;
  kernel.kernelFunc = ((...a: Parameters<typeof inner>) => {
    calls++;
    return inner(...a);
  }) as typeof inner;
  return {
    get calls() {
      return calls;
    },
    restore: () => {
      kernel.kernelFunc = inner;
    },
  };
}

/** Runs `body` with PIPE_SIMD_KERNELS=off when `off`, restoring the variable afterwards. */
export function simdKernels<T>(on: boolean, body: () => T): T {
  const saved = process.env.PIPE_SIMD_KERNELS;
  if (!on) process.env.PIPE_SIMD_KERNELS = 'off';
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.PIPE_SIMD_KERNELS;
    else process.env.PIPE_SIMD_KERNELS = saved;
  }
}

/**
 * Counts calls into the SIMD module's exports for the current wasm backend (the cached instance every
 * kernel calls through), from now on; `calls[name]` per export.
 */
export function spySimdModule<K extends keyof SimdKernels>(names: readonly K[]): Record<K, number> {
  const mod = simdKernelsFor(tf.backend());
  if (!mod) throw new Error("pipe's SIMD kernels are not loaded (PIPE_SIMD_KERNELS=off?)");
  const calls = {} as Record<K, number>;
  for (const name of names) {
    const inner = mod[name] as (...a: number[]) => void;
    calls[name] = 0;
    (mod as unknown as Record<string, unknown>)[name] = (...a: number[]) => {
      calls[name]++;
      inner(...a);
    };
  }
  return calls;
}
