// BatchMatMul on the own SIMD convolution kernels: A·B is a 1×1 convolution (A's rows are pixels, its
// columns input channels, B the filter) and Aᵀ·B is that convolution's filter gradient (A's rows are the
// pixels summed over). A·Bᵀ transposes B first (in the attention layer B is the small key/value matrix).
// wasm's own kernel loops over the batch with XNNPACK, repacking B for every matrix: on the attention layer
// it ran at about 3 GMAC/s. Aᵀ·Bᵀ, other dtypes and batch shapes that broadcast otherwise fall back.
import { heapOffset, readableWithSlack, simdKernelsFor } from './simd-module.js';
import { runFallback, sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

/** The largest divisor of k not above 64: Aᵀ·B's k rows as an h×w image, so the kernel can chunk them. */
function rowWidth(k: number): number {
  for (let w = Math.min(64, k); w > 1; w--) if (k % w === 0) return w;
  return 1;
}

export function batchMatMulConfig(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const ta = args.attrs.transposeA === true;
    const tb = args.attrs.transposeB === true;
    const { backend } = args;
    const simd = simdKernelsFor(backend);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const batchShapeA = a.shape.slice(0, -2);
    const batchShapeB = b.shape.slice(0, -2);
    const batchA = sizeOf(batchShapeA);
    const batchB = sizeOf(batchShapeB);
    const sameBatch = batchShapeA.length === batchShapeB.length && batchShapeA.every((d, i) => d === batchShapeB[i]);
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    const ok = simd && ra >= 2 && rb >= 2 && !(ta && tb) && a.dtype === 'float32' && b.dtype === 'float32' &&
      (sameBatch || batchA === 1 || batchB === 1) && k === (tb ? b.shape[rb - 1] : b.shape[rb - 2]) && m * n * k > 0;
    if (!ok) {
      return runFallback(fallback, args);
    }
    const batch = Math.max(batchA, batchB);
    const outShape = [...(batchA >= batchB ? batchShapeA : batchShapeB), m, n];
    const out = backend.makeOutput(outShape, 'float32');
    let bt: TensorInfo | undefined;
    try {
      if (tb) {
        // B is [.., n, k]: write it as [.., k, n].
        bt = backend.makeOutput([batchB, k, n], 'float32');
        const src = backend.typedArrayFromHeap(b);
        const dst = backend.typedArrayFromHeap(bt);
        for (let i = 0; i < batchB; i++) {
          const base = i * n * k;
          for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) dst[base + c * n + r] = src[base + r * k + c];
        }
      }
      const bm = bt ?? b;
      if (!readableWithSlack(backend, [a, bm, out])) {
        backend.disposeData(out.dataId);
        return runFallback(fallback, args);
      }
      const [pa, pb, pc] = [heapOffset(backend, a), heapOffset(backend, bm), heapOffset(backend, out)];
      const w = rowWidth(k);
      for (let i = 0; i < batch; i++) {
        const ai = pa + (batchA === 1 ? 0 : i * m * k * 4);
        const bi = pb + (batchB === 1 ? 0 : i * k * n * 4);
        const ci = pc + i * m * n * 4;
        if (ta) simd.conv2dFilterGrad(ai, bi, ci, 1, k / w, w, m, k / w, w, n, 1, 1, 0, 0);
        else simd.conv2d(ai, bi, 0, ci, 1, 1, m, k, 1, m, n, 1, 1, 0, 0, 0);
      }
      return out;
    } finally {
      if (bt) backend.disposeData(bt.dataId);
    }
  };
  return wasmKernel('BatchMatMul', kernelFunc, fallback);
}
