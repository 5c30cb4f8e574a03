// wasm's Tile is a per-element loop; batch normalisation's gradient tiles a [1,1,1,C] vector to the whole
// activation shape on every step (a third of the kernel time of the U-Nets). This one copies whole
// contiguous runs on the heap: the innermost axis once per repeat, then each finished block as a whole.
import { runFallback, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

type Heap = Float32Array | Int32Array | Uint8Array;

export function tileConfig(fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    const reps = args.attrs.reps as number[];
    if (x.dtype === 'string' || reps.length !== x.shape.length || x.shape.length === 0) {
      return runFallback(fallback, args);
    }
    const shape = x.shape.map((d, i) => d * reps[i]);
    const out = args.backend.makeOutput(shape, x.dtype as 'float32');
    // Views after the allocation: growing the heap detaches older views.
    const src = args.backend.typedArrayFromHeap(x) as Heap;
    const dst = args.backend.typedArrayFromHeap(out) as Heap;
    if (dst.length > 0) tileInto(src, 0, dst, 0, 0, x.shape, reps, shape);
    return out;
  };
  return wasmKernel('Tile', kernelFunc, fallback);
}

function tileInto(src: Heap, from: number, dst: Heap, to: number, dim: number, inShape: number[], reps: number[], outShape: number[]): void {
  const d = inShape[dim];
  if (dim === inShape.length - 1) {
    if (d === 1) {
      dst.fill(src[from], to, to + reps[dim]);
    } else {
      const row = src.subarray(from, from + d);
      for (let r = 0; r < reps[dim]; r++) dst.set(row, to + r * d);
    }
    return;
  }
  let srcInner = 1;
  let dstInner = 1;
  for (let k = dim + 1; k < inShape.length; k++) {
    srcInner *= inShape[k];
    dstInner *= outShape[k];
  }
  for (let i = 0; i < d; i++) tileInto(src, from + i * srcInner, dst, to + i * dstInner, dim + 1, inShape, reps, outShape);
  // Repeat the block written so far, doubling: log2(reps) copies.
  const block = d * dstInner;
  let filled = 1;
  while (filled < reps[dim]) {
    const n = Math.min(filled, reps[dim] - filled);
    dst.copyWithin(to + filled * block, to, to + n * block);
    filled += n;
  }
}
