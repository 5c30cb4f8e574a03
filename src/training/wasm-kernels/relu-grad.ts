// The gradient of Relu as one kernel ('PipeReluGrad': dx = dy · step(x) in one pass) instead of tfjs's Step,
// Cast and Multiply (three passes, two temporaries). Same float32 multiplication, same bits. Gradients are
// registered per kernel name for every backend, so this one hands back to tfjs's own gradient anywhere but
// wasm with pipe's SIMD kernels.
import { heapOffset, readableWithSlack, simdKernelsEnabled, simdKernelsFor } from './simd-module.js';
import { sizeOf, wasmKernel, withScope, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export const RELU_GRAD = 'PipeReluGrad';

/** Inputs dy and x (the Relu's input or output: both are > 0 at the same places), both float32. */
export function reluGradKernelConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend }: KernelArgs): TensorInfo => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const simd = simdKernelsFor(backend);
    if (!simd) throw new Error(`${RELU_GRAD} needs pipe's SIMD kernels`);
    if (!readableWithSlack(backend, [dy, x])) {
      // tfjs's own three kernels: the same arithmetic.
      return withScope(tf, backend, (s) => s.run('Multiply', { a: dy, b: s.run('Cast', { x: s.run('Step', { x }, { alpha: 0 }) }, { dtype: 'float32' }) }));
    }
    const dx = backend.makeOutput(dy.shape, 'float32');
    simd.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, dx), sizeOf(dy.shape));
    return dx;
  };
  return wasmKernel(RELU_GRAD, kernelFunc);
}

type Tensor = ReturnType<TF['tensor']>;

/** On wasm with the SIMD kernels: `dy · step(x)` as one kernel; undefined elsewhere. */
export function fusedReluGrad(tf: TF, dy: Tensor, x: Tensor): Tensor | undefined {
  if (tf.getBackend() !== 'wasm' || !simdKernelsEnabled() || dy.dtype !== 'float32' || x.dtype !== 'float32') return undefined;
  return tf.engine().runKernel(RELU_GRAD, { dy, x }) as Tensor;
}

/** Replaces Relu's registered gradient with one that uses the kernel above where it can. */
export function registerReluGradient(tf: TF): void {
  const original = tf.getGradient('Relu');
  if (original === undefined) return;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: Record<string, unknown>) => {
      const g = dy as Tensor;
      const [x] = saved;
      return { x: () => fusedReluGrad(tf, g, x) ?? original.gradFunc(g, saved, attrs as never).x() };
    },
  } as never);
}
