// wasm's Slice starts with backend.readSync(x), which copies the whole input tensor off the heap, for
// every slice; SplitV (the gradient of concatenate, i.e. of every U-Net skip connection) slices once per
// part. These versions read the input in place and copy only the slice, in contiguous runs.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { runFallback, sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo, type WasmBackend } from './wasm-context.js';

function sliceInPlace(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype as 'float32');
  // Views after the allocation: growing the heap detaches older views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * x.shape[d + 1];
  if (rank === 0 || dst.length === 0) {
    if (rank === 0) dst[0] = src[0];
    return out;
  }
  // Merge the innermost dimensions taken whole into one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) inner--;
  const run = sizeOf(size.slice(inner));
  const simd = simdKernelsFor(backend);
  if (simd && inner > 0) {
    // The runs along axis inner−1 are evenly spaced: one strided copy each (the own kernel) per index of
    // the axes before it.
    const bytes = src.BYTES_PER_ELEMENT;
    const [ps, pd] = [heapOffset(backend, x), heapOffset(backend, out)];
    const outer = inner - 1;
    const idx = new Array<number>(outer).fill(0);
    let to = 0;
    for (;;) {
      let from = begin[outer] * strides[outer] + begin[inner] * strides[inner];
      for (let d = 0; d < outer; d++) from += (begin[d] + idx[d]) * strides[d];
      simd.copyRuns(ps + from * bytes, strides[outer] * bytes, pd + to * bytes, run * bytes, run * bytes, size[outer]);
      to += run * size[outer];
      let d = outer - 1;
      while (d >= 0 && ++idx[d] === size[d]) idx[d--] = 0;
      if (d < 0) break;
    }
    return out;
  }
  const idx = new Array<number>(inner).fill(0);
  let to = 0;
  for (;;) {
    let from = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) from += (begin[d] + idx[d]) * strides[d];
    dst.set(src.subarray(from, from + run), to);
    to += run;
    let d = inner - 1;
    while (d >= 0 && ++idx[d] === size[d]) idx[d--] = 0;
    if (d < 0) break;
  }
  return out;
}

export function sliceConfigs(tf: TF, originalSlice: KernelConfig | undefined): KernelConfig[] {
  const slice = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x;
    if (x.dtype === 'string') {
      return runFallback(originalSlice, args);
    }
    const [begin, size] = tf.slice_util.parseSliceParams(x as never, attrs.begin as number[], attrs.size as number[]);
    return sliceInPlace(backend, x, begin, size);
  };
  const splitV = ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
    const x = inputs.x;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const part = sliceInPlace(backend, x, begin, size);
      begin[axis] += s;
      return part;
    });
  };
  return [
    wasmKernel('Slice', slice, originalSlice),
    wasmKernel('SplitV', splitV),
  ];
}
