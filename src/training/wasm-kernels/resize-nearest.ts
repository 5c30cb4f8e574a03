// ResizeNearestNeighbor (UpSampling2D's forward pass) by whole factors without corner alignment: each
// output row is copies of input cells, then copies of that row — the own kernel. wasm's is a per-element loop.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { runFallback, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

export function resizeNearestNeighborConfig(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { images } = args.inputs as { images: TensorInfo };
    const [oh, ow] = args.attrs.size as [number, number];
    const [n, h, w, c] = images.shape;
    const rh = oh / h;
    const rw = ow / w;
    const simd = simdKernelsFor(args.backend);
    // Whole factors: floor(i / r) and floor((i + 0.5) / r) are the same source, so halfPixelCenters agrees.
    if (simd && images.dtype === 'float32' && args.attrs.alignCorners !== true && Number.isInteger(rh) && Number.isInteger(rw) && rh >= 1 && rw >= 1) {
      const out = args.backend.makeOutput([n, oh, ow, c], 'float32');
      simd.resizeNearestUp(heapOffset(args.backend, images), heapOffset(args.backend, out), n, h, w, c, rh, rw);
      return out;
    }
    return runFallback(fallback, args);
  };
  return wasmKernel('ResizeNearestNeighbor', kernelFunc, fallback);
}
