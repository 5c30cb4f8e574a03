// Strided copies on tfjs-backend-wasm's heap (see conv.ts): the runs of concatenation, split and slice
// along an inner axis, which JavaScript copies one subarray at a time.

/** Copies `count` runs of `runBytes` bytes, the i-th from src + i * srcStride to dst + i * dstStride. */
export function copyRuns(src: usize, srcStride: usize, dst: usize, dstStride: usize, runBytes: usize, count: i32): void {
  if ((runBytes & 15) == 0 && runBytes <= 256) {
    for (let i = 0; i < count; i++) {
      for (let b: usize = 0; b < runBytes; b += 16) v128.store(dst + b, v128.load(src + b));
      src += srcStride;
      dst += dstStride;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    memory.copy(dst, src, runBytes);
    src += srcStride;
    dst += dstStride;
  }
}
