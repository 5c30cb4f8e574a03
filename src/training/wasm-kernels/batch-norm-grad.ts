// The gradient of FusedBatchNorm on one pass over x and dy ('PipeBatchNormGrad': dx and the sums the four
// per-channel gradients need) instead of tfjs's fifteen element-wise ops, tile and reductions: about a third
// of the kernel calls of a batch-norm network's step. Gradients are registered per kernel name for every
// backend, so this one hands back to tfjs's own gradient anywhere but wasm with pipe's SIMD kernels.
import { heapOffset, simdKernelsEnabled, simdKernelsFor } from './simd-module.js';
import { sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export const FUSED_BATCH_NORM_GRAD = 'PipeBatchNormGrad';

const PARTS = ['x', 'mean', 'variance', 'scale', 'offset'] as const;
type Part = (typeof PARTS)[number];

interface Sums {
  x: object;
  mean: object;
  s1: Float32Array;
  s2: Float32Array;
}

// The engine calls each input's gradient in its own tidy scope, so the five results cannot be made together
// as tensors. The pass over x and dy (dx, Σ dy, Σ dy (x − mean)) runs once, for the first part asked; its sums
// are kept here, in plain arrays, keyed by dy (tensors are immutable; the entry goes with dy's data id).
const sums = new WeakMap<object, Sums>();

export function batchNormGradKernelConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x, dy, mean, variance, scale } = inputs as Record<string, TensorInfo | undefined> as {
      x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo;
    };
    const part = attrs.part as Part;
    const simd = simdKernelsFor(backend);
    if (!simd) throw new Error(`${FUSED_BATCH_NORM_GRAD} needs pipe's SIMD kernels`);
    const c = mean.shape[0];
    const rows = sizeOf(x.shape) / c;
    const eps = attrs.varianceEpsilon as number;
    const inv = new Float32Array(c);
    const s = new Float32Array(c);
    {
      const varV = backend.typedArrayFromHeap(variance);
      const scaleV = scale ? backend.typedArrayFromHeap(scale) : undefined;
      for (let i = 0; i < c; i++) {
        inv[i] = 1 / Math.sqrt(varV[i] + eps);
        s[i] = scaleV ? scaleV[i] : 1;
      }
    }
    let known = sums.get(dy.dataId);
    if (known && (known.x !== x.dataId || known.mean !== mean.dataId)) known = undefined;
    let dx: TensorInfo | undefined;
    if (part === 'x' || !known) {
      dx = backend.makeOutput(x.shape, 'float32');
      const [coef, s1, s2] = [0, 1, 2].map(() => backend.makeOutput([c], 'float32'));
      const coefV = backend.typedArrayFromHeap(coef);
      for (let i = 0; i < c; i++) coefV[i] = inv[i] * s[i];
      simd.batchNormGrad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, mean), heapOffset(backend, coef),
        heapOffset(backend, dx), heapOffset(backend, s1), heapOffset(backend, s2), rows, c);
      known = { x: x.dataId, mean: mean.dataId, s1: backend.typedArrayFromHeap(s1).slice(), s2: backend.typedArrayFromHeap(s2).slice() };
      sums.set(dy.dataId, known);
      for (const t of [coef, s1, s2]) backend.disposeData(t.dataId);
      if (part === 'x') return dx;
      backend.disposeData(dx.dataId);
    }
    const out = backend.makeOutput(mean.shape, 'float32');
    const o = backend.typedArrayFromHeap(out);
    const { s1, s2 } = known;
    for (let i = 0; i < c; i++) {
      o[i] = part === 'offset' ? s1[i]
        : part === 'mean' ? -inv[i] * s[i] * s1[i]
        : part === 'variance' ? -0.5 * inv[i] * inv[i] * inv[i] * s[i] * s2[i]
        : inv[i] * s2[i];
    }
    return out;
  };
  return wasmKernel(FUSED_BATCH_NORM_GRAD, kernelFunc);
}

type Tensor = ReturnType<TF['tensor']>;

/** Replaces FusedBatchNorm's registered gradient with one that uses the kernel above where it can. */
export function registerBatchNormGradient(tf: TF): void {
  const original = tf.getGradient('FusedBatchNorm');
  if (original === undefined) return;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: Record<string, unknown>) => {
      const g = dy as Tensor;
      const [x, mean, variance, scale] = saved;
      const fused = tf.getBackend() === 'wasm' && simdKernelsEnabled() && mean.rank === 1 && x.dtype === 'float32' &&
        x.shape[x.rank - 1] === mean.shape[0] && (scale == null || scale.rank === 1);
      if (!fused) return original.gradFunc(g, saved, attrs as never);
      const inputs: Record<string, Tensor> = { x, dy: g, mean, variance };
      if (scale != null) inputs.scale = scale;
      const part = (name: Part) => () =>
        tf.engine().runKernel(FUSED_BATCH_NORM_GRAD, inputs, { ...attrs, part: name } as never) as Tensor;
      return Object.fromEntries(PARTS.map((p) => [p, part(p)]));
    },
  } as never);
}
