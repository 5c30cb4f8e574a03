// AvgPoolGrad for windows that tile the input (stride = window, no padding: every down-sampling average
// pool of the model zoo) on the own SIMD kernel; wasm's is a per-element loop. Others fall back.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { runFallback, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function avgPoolGradConfig(tf: TF, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      args.attrs.filterSize as [number, number],
      args.attrs.strides as [number, number],
      1,
      args.attrs.pad as 'same',
      args.attrs.dimRoundingMode as 'floor' | undefined,
    );
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo } = info;
    const simd = simdKernelsFor(args.backend);
    const tiles = kh === sh && kw === sw && info.padInfo.top === 0 && info.padInfo.left === 0 &&
      kh * ho <= info.inHeight && kw * wo <= info.inWidth;
    if (!simd || !tiles || dy.dtype !== 'float32') {
      return runFallback(fallback, args);
    }
    const out = args.backend.makeOutput(input.shape, 'float32');
    simd.avgPoolGradBlocks(heapOffset(args.backend, dy), heapOffset(args.backend, out), info.batchSize, info.inHeight,
      info.inWidth, info.inChannels, ho, wo, kh, kw, 1 / (kh * kw));
    return out;
  };
  return wasmKernel('AvgPoolGrad', kernelFunc, fallback);
}
