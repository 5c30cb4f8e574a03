// Conv2DBackpropInput on the own SIMD forward kernel (assembly/conv.ts), any stride, dilation 1, NHWC.
// dx is a transposed convolution: with stride s, the input rows ih = py + s·i of one phase py (0 ≤ py < s)
// receive only the filter rows kh ≡ py + padTop (mod s), from dy rows i + q − t: a stride-1 convolution of dy
// with that phase's sub-filter (rows and columns flipped, in/out channels swapped), written straight into the
// phase's interleaved rows and columns of dx. The phases' sub-filters partition the filter's taps; stride 1
// is the one phase with the whole flipped filter. No zeros are inserted and no tap is multiplied by zero.
import { ownGeometry } from './direct-conv.js';
import { heapOffset, readableWithSlack, simdKernelsFor } from './simd-module.js';
import { convInfo, runFallback, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

/** One phase along one axis: its first output index p, taps k = r + s·(taps − 1 − t) for t < taps, and its padding. */
interface Phase {
  p: number;
  r: number;
  taps: number;
  pad: number;
  count: number;
}

/** The s phases of an axis of size n (dx), kernel k, forward padding pad (before), stride s. */
function phases(n: number, k: number, pad: number, s: number): Phase[] {
  const out: Phase[] = [];
  for (let p = 0; p < s; p++) {
    const r = (p + pad) % s;
    const q = Math.floor((p + pad) / s);
    const taps = r < k ? Math.ceil((k - r) / s) : 0;
    out.push({ p, r, taps, pad: taps - 1 - q, count: Math.max(0, Math.ceil((n - p) / s)) });
  }
  return out;
}

export function directConv2DBackpropInputConfig(tf: TF, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const mod = simdKernelsFor(args.backend);
    const info = convInfo(tf, args.attrs.inputShape as number[], filter.shape, args.attrs);
    const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co, strideHeight: sh, strideWidth: sw } = info;
    const { batchSize: n, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
    if (!mod || !ownGeometry(info) || dy.shape[1] !== ho || dy.shape[2] !== wo) return runFallback(fallback, args);
    const { backend } = args;
    const rows = phases(h, kh, info.padInfo.top, sh);
    const cols = phases(w, kw, info.padInfo.left, sw);
    // All phases' sub-filters [taps_h, taps_w, co, ci], one after the other.
    const sub = backend.makeOutput([kh * kw * co * ci], 'float32');
    try {
      const out = backend.makeOutput([n, h, w, ci], 'float32');
      if (!readableWithSlack(backend, [dy, sub])) {
        backend.disposeData(out.dataId);
        return runFallback(fallback, args);
      }
      // Views after the allocations: growing the heap detaches older views.
      const src = backend.typedArrayFromHeap(filter);
      const dst = backend.typedArrayFromHeap(sub);
      if (rows.some((r) => r.taps === 0 && r.count > 0) || cols.some((c) => c.taps === 0 && c.count > 0)) {
        backend.typedArrayFromHeap(out).fill(0); // phases no tap reaches (kernel smaller than the stride)
      }
      const pix = ci * 4;
      let at = 0;
      for (const ry of rows) {
        for (const rx of cols) {
          if (ry.taps === 0 || rx.taps === 0 || ry.count === 0 || rx.count === 0) continue;
          const start = at;
          for (let t = 0; t < ry.taps; t++) {
            for (let u = 0; u < rx.taps; u++) {
              const s0 = ((ry.r + sh * (ry.taps - 1 - t)) * kw + (rx.r + sw * (rx.taps - 1 - u))) * ci * co;
              for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) dst[at++] = src[s0 + i * co + o];
            }
          }
          const conv = [
            heapOffset(backend, dy),
            heapOffset(backend, sub) + start * 4,
            0,
            heapOffset(backend, out) + (ry.p * w + rx.p) * pix,
            n,
            ho,
            wo,
            co,
            ry.count,
            rx.count,
            ci,
            ry.taps,
            rx.taps,
            ry.pad,
            rx.pad,
            0,
          ] as const;
          if (sh === 1 && sw === 1) mod.conv2d(...conv);
          else mod.conv2dStrided(...conv, 1, 1, h * w * pix, sh * w * pix, sw * pix);
        }
      }
      return out;
    } finally {
      backend.disposeData(sub.dataId);
    }
  };
  return wasmKernel('Conv2DBackpropInput', kernelFunc, fallback);
}
