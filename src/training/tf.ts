// The one module of the project that imports tfjs. Everything else gets `tf` from here, so the backend
// choice and the project's own wasm kernels are in force wherever a tensor is made.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './wasm-kernels/register.js';
import { simdKernelsEnabled } from './wasm-kernels/simd-module.js';
import { FUSED_ADAM, type FusedAdamAttrs } from './wasm-kernels/adam.js';
import { tfjsVersion } from './tfjs-version.js';
import { PipeError } from '../failure/pipe-error.js';
import { guardWasmMalloc } from './wasm-heap.js';

export { tf };
// Also importable alone from './tfjs-version.js', which does not load tfjs (what `pipe status` needs).
export { tfjsVersion };

export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export interface BackendInfo {
  name: BackendName;
  detail: string;
}

let current: BackendInfo | undefined;

/** The backend chosen by the last `initBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

// Native TensorFlow bindings register the 'tensorflow' backend as a side effect of being imported.
// They are optional dependencies whose install fails without network access to libtensorflow, so they
// are imported by a computed name (no static type dependency) and any failure means "not available".
async function tryNative(): Promise<{ ok: true; detail: string } | { ok: false; why: string }> {
  const reasons: string[] = [];
  for (const mod of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const name: string = mod;
      await import(name);
      if (tf.findBackend('tensorflow') === null && tf.findBackendFactory('tensorflow') === null) {
        reasons.push(`${mod} loaded but registered no 'tensorflow' backend (duplicate @tensorflow/tfjs-core?)`);
        continue;
      }
      if (await tf.setBackend('tensorflow')) return { ok: true, detail: `${mod} (native TensorFlow)` };
      reasons.push(`${mod} loaded but the 'tensorflow' backend failed to initialise`);
    } catch (err) {
      reasons.push(`${mod}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { ok: false, why: reasons.join('; ') };
}

async function useWasm(): Promise<BackendInfo> {
  registerWasmKernels(tf);
  if (!(await tf.setBackend('wasm'))) {
    throw new PipeError('backend-unavailable', 'the tfjs wasm backend failed to initialise', { hint: 'reinstall @tensorflow/tfjs-backend-wasm (npm install)' });
  }
  await tf.ready();
  guardWasmMalloc(tf.backend());
  const kernels = simdKernelsEnabled() ? "pipe's SIMD kernels + XNNPACK" : 'XNNPACK only (PIPE_SIMD_KERNELS=off)';
  return { name: 'wasm', detail: `@tensorflow/tfjs-backend-wasm ${tfjsVersion()} (${kernels}, 1 thread)` };
}

/**
 * Selects and initialises the tfjs backend. `auto` prefers native TensorFlow (GPU, then CPU) and falls back
 * to wasm. A forced backend that cannot be used throws an error that says why and how to fix it.
 */
export async function initBackend(request: BackendRequest): Promise<BackendInfo> {
  switch (request) {
    case 'auto': {
      const native = await tryNative();
      current = native.ok ? { name: 'tensorflow', detail: native.detail } : await useWasm();
      break;
    }
    case 'tensorflow': {
      const native = await tryNative();
      if (!native.ok) {
        throw new PipeError('backend-unavailable', `backend 'tensorflow' is not available (${native.why})`, {
          hint: "install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node where libtensorflow can be downloaded, or use backend 'auto' or 'wasm'",
        });
      }
      current = { name: 'tensorflow', detail: native.detail };
      break;
    }
    case 'wasm':
      current = await useWasm();
      break;
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new PipeError('backend-unavailable', 'the tfjs cpu backend failed to initialise');
      current = { name: 'cpu', detail: 'tfjs pure-JS cpu backend (inference and tests only, not for training)' };
      break;
  }
  return current;
}

/**
 * One Adam(W) step as one kernel (w', m', v'), where the backend has it (wasm with pipe's SIMD kernels);
 * undefined elsewhere, and the caller uses element-wise ops. Same float32 operations, same results.
 */
export function fusedAdam(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: FusedAdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  if (tf.getBackend() !== 'wasm' || !simdKernelsEnabled() || w.dtype !== 'float32') return undefined;
  return tf.engine().runKernel(FUSED_ADAM, { w, g, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** Refuses training on the pure-JS cpu backend, which is both far too slow and wrong for some gradients. */
export function assertTrainingBackend(): void {
  if (tf.getBackend() === 'cpu') {
    throw new PipeError(
      'backend-unavailable',
      "backend 'cpu' cannot train models: the pure-JS tfjs backend is about 600x slower than PyTorch and its ResizeNearestNeighborGrad is wrong for batch > 1",
      { hint: "use backend 'auto' or 'wasm'" },
    );
  }
}
