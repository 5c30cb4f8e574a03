// Sum and Mean over leading axes (the gradient of a broadcast bias add: dy summed over N, H, W; batch
// normalisation's moments) as one pass of column sums — the own kernel. wasm's transposes the reduced axes
// to the end first.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { runFallback, sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

export function sumConfig(fallback: KernelConfig | undefined): KernelConfig {
  return reduceConfig('Sum', false, fallback);
}

export function meanConfig(fallback: KernelConfig | undefined): KernelConfig {
  return reduceConfig('Mean', true, fallback);
}

function reduceConfig(kernelName: 'Sum' | 'Mean', mean: boolean, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    const rank = x.shape.length;
    const raw = args.attrs.axis as number | number[];
    const axes = [...new Set((Array.isArray(raw) ? raw : [raw]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const simd = simdKernelsFor(args.backend);
    if (simd && leading && x.dtype === 'float32') {
      const kept = x.shape.slice(axes.length);
      const shape = args.attrs.keepDims === true ? [...axes.map(() => 1), ...kept] : kept;
      const out = args.backend.makeOutput(shape, 'float32');
      const cols = sizeOf(kept);
      const rows = sizeOf(x.shape.slice(0, axes.length));
      simd.sumRows(heapOffset(args.backend, x), heapOffset(args.backend, out), rows, cols);
      if (mean) {
        const v = args.backend.typedArrayFromHeap(out);
        for (let i = 0; i < cols; i++) v[i] /= rows;
      }
      return out;
    }
    return runFallback(fallback, args);
  };
  return wasmKernel(kernelName, kernelFunc, fallback);
}
