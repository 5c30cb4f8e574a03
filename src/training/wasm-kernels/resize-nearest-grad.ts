// wasm's ResizeNearestNeighborGrad is correct but a slow loop. For an integer upscale (UpSampling2D) each
// input cell receives the sum of an r×r block of dy: the own SIMD kernel, or AvgPool(r×r, stride r) × r².
// Other geometries scatter-add with the forward kernel's own source-index rule.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { withScope, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function resizeNearestNeighborGradConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
    const alignCorners = attrs.alignCorners === true;
    const halfPixel = attrs.halfPixelCenters === true;
    const [n, h, w, c] = images.shape;
    const [, oh, ow] = dy.shape;
    const rh = oh / h;
    const rw = ow / w;
    // With integer ratios floor(dst/r) and floor((dst+0.5)/r) pick the same source: blocks.
    if (!alignCorners && Number.isInteger(rh) && Number.isInteger(rw)) {
      if (rh === 1 && rw === 1) return withScope(tf, backend, (s) => s.run('Identity', { x: dy }));
      const simd = simdKernelsFor(backend);
      if (simd) {
        const out = backend.makeOutput(images.shape, 'float32');
        simd.resizeNearestUpGrad(heapOffset(backend, dy), heapOffset(backend, out), n, h, w, c, rh, rw);
        return out;
      }
      const out = withScope(tf, backend, (s) =>
        s.run('AvgPool', { x: dy }, { filterSize: [rh, rw], strides: [rh, rw], pad: 'valid' }),
      );
      const v = backend.typedArrayFromHeap(out);
      const scale = rh * rw;
      for (let i = 0; i < v.length; i++) v[i] *= scale;
      return out;
    }
    const rowSrc = sourceIndex(h, oh, alignCorners, halfPixel);
    const colSrc = sourceIndex(w, ow, alignCorners, halfPixel);
    const out = backend.makeOutput(images.shape, 'float32');
    const dyv = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const srcRow = (b * h + rowSrc[i]) * w;
        for (let j = 0; j < ow; j++) {
          const d = ((b * oh + i) * ow + j) * c;
          const t = (srcRow + colSrc[j]) * c;
          for (let ch = 0; ch < c; ch++) dx[t + ch] += dyv[d + ch];
        }
      }
    }
    return out;
  };
  return wasmKernel('ResizeNearestNeighborGrad', kernelFunc);
}

// Same rule as tfjs's ResizeNearestNeighbor forward kernels.
function sourceIndex(inSize: number, outSize: number, alignCorners: boolean, halfPixel: boolean): Int32Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const src = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const frac = halfPixel ? ratio * (i + 0.5) : ratio * i;
    let k = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixel) k = Math.max(0, k);
    src[i] = k;
  }
  return src;
}
