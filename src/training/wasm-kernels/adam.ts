// 'PipeAdam': one Adam(W) step for one variable as one kernel on the own SIMD module — three outputs
// (w', m', v') instead of a dozen element-wise kernels, each of which costs the engine more than its
// arithmetic on small tensors. Registered for wasm only; optimizers.ts reaches it through `fusedAdam()` in tf.ts.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

export const FUSED_ADAM = 'PipeAdam';

export interface FusedAdamAttrs {
  b1: number;
  c1: number;
  b2: number;
  c2: number;
  bc2: number;
  eps: number;
  stepSize: number;
  decay: number;
  l2: number;
}

export function fusedAdamConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
    const { w, g, m, v } = inputs as { w: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
    const simd = simdKernelsFor(backend);
    if (!simd) throw new Error(`${FUSED_ADAM} needs pipe's SIMD kernels (PIPE_SIMD_KERNELS=off turns them off)`);
    const a = attrs as unknown as FusedAdamAttrs;
    const outs = [backend.makeOutput(w.shape, 'float32'), backend.makeOutput(w.shape, 'float32'), backend.makeOutput(w.shape, 'float32')];
    const n = sizeOf(w.shape);
    const [wo, mo, vo] = outs.map((t) => heapOffset(backend, t));
    simd.adamUpdate(heapOffset(backend, w), heapOffset(backend, g), heapOffset(backend, m), heapOffset(backend, v), wo, mo, vo, n,
      a.b1, a.c1, a.b2, a.c2, a.bc2, a.eps, a.stepSize, a.decay, a.l2);
    return outs;
  };
  return wasmKernel(FUSED_ADAM, kernelFunc);
}
