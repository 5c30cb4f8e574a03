// wasm's MaxPoolGrad gives wrong gradients (0.75 relative error against finite differences). This one
// routes each dy to the first maximum of its window (TensorFlow's tie rule), reading x from the wasm heap.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function maxPoolGradConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize as [number, number],
      attrs.strides as [number, number],
      1,
      attrs.pad as 'same',
      attrs.dimRoundingMode as 'floor' | undefined,
    );
    const out = backend.makeOutput(input.shape, 'float32');
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    const { top, left } = info.padInfo;
    const twoByTwo = fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * ho <= h && 2 * wo <= w;
    const simd = simdKernelsFor(backend);
    if (twoByTwo && simd && c % 4 === 0) {
      simd.maxPool2x2Grad(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, out), n, h, w, c, ho, wo);
      return out;
    }
    // Views are taken after the allocation: growing the heap detaches older views.
    const xv = backend.typedArrayFromHeap(input);
    const dyv = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    if (twoByTwo) {
      maxPool2x2Grad(xv, dyv, dx, n, h, w, c, ho, wo);
      return out;
    }
    const rowStride = w * c;
    for (let b = 0; b < n; b++) {
      const xb = b * h * rowStride;
      for (let i = 0; i < ho; i++) {
        const r0 = i * sh - top;
        const rs = Math.max(0, r0);
        const re = Math.min(h, r0 + fh);
        for (let j = 0; j < wo; j++) {
          const c0 = j * sw - left;
          const cs = Math.max(0, c0);
          const ce = Math.min(w, c0 + fw);
          const dyBase = ((b * ho + i) * wo + j) * c;
          for (let ch = 0; ch < c; ch++) {
            let best = -Infinity;
            let at = -1;
            for (let r = rs; r < re; r++) {
              for (let q = cs; q < ce; q++) {
                const k = xb + r * rowStride + q * c + ch;
                if (xv[k] > best || at < 0) {
                  best = xv[k];
                  at = k;
                }
              }
            }
            if (at >= 0) dx[at] += dyv[dyBase + ch];
          }
        }
      }
    }
    return out;
  };
  return wasmKernel('MaxPoolGrad', kernelFunc);
}

// The 2×2/2 window of U-Net-style models: windows do not overlap, so each dx cell is written once.
function maxPool2x2Grad(
  xv: Float32Array, dyv: Float32Array, dx: Float32Array,
  n: number, h: number, w: number, c: number, ho: number, wo: number,
): void {
  const row = w * c;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      const base0 = (b * h + 2 * i) * row;
      let d = ((b * ho + i) * wo) * c;
      for (let j = 0; j < wo; j++) {
        const k00 = base0 + 2 * j * c;
        for (let ch = 0; ch < c; ch++, d++) {
          const a = k00 + ch;
          const bq = a + c;
          const cq = a + row;
          const dq = cq + c;
          let at = a;
          let best = xv[a];
          if (xv[bq] > best) { best = xv[bq]; at = bq; }
          if (xv[cq] > best) { best = xv[cq]; at = cq; }
          if (xv[dq] > best) { at = dq; }
          dx[at] = dyv[d];
        }
      }
    }
  }
}
