// UnsortedSegmentSum is the gradient of GatherV2 (Embedding layers, gathers in custom layers) and is not
// registered by tfjs-backend-wasm 4.22. Rows of x are added into their segment; ids outside
// [0, numSegments) are dropped, as in TensorFlow.
import { sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

export function unsortedSegmentSumConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = attrs.numSegments as number;
    const idCount = sizeOf(segmentIds.shape);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const rowSize = sizeOf(rowShape);
    if (x.dtype !== 'float32') throw new Error(`wasm UnsortedSegmentSum supports float32 only, got ${x.dtype}`);
    const out = backend.makeOutput([numSegments, ...rowShape], 'float32');
    const xv = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds) as unknown as Int32Array;
    const ov = backend.typedArrayFromHeap(out);
    ov.fill(0);
    for (let r = 0; r < idCount; r++) {
      const seg = ids[r];
      if (seg < 0 || seg >= numSegments) continue;
      const src = r * rowSize;
      const dst = seg * rowSize;
      for (let k = 0; k < rowSize; k++) ov[dst + k] += xv[src + k];
    }
    return out;
  };
  return wasmKernel('UnsortedSegmentSum', kernelFunc);
}
