// Concat along any axis as one strided copy per input (the own kernel): each input's rows land every
// (sum of the inputs' row lengths) elements. wasm's copies one subarray per row and input, which for the
// U-Nets' channel-axis skip concatenations is one tiny copy per pixel.
import { heapOffset, simdKernelsFor } from './simd-module.js';
import { runFallback, sizeOf, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function concatConfig(tf: TF, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const simd = simdKernelsFor(args.backend);
    const nonEmpty = inputs.filter((t) => sizeOf(t.shape) > 0);
    if (!simd || inputs[0].dtype === 'string' || nonEmpty.length < 2) {
      return runFallback(fallback, args);
    }
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, inputs[0].shape)[0];
    tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
    const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
    const out = args.backend.makeOutput(outShape, inputs[0].dtype as 'float32');
    const bytes = args.backend.typedArrayFromHeap(out).BYTES_PER_ELEMENT;
    const rows = sizeOf(nonEmpty[0].shape.slice(0, axis));
    const inner = nonEmpty.map((t) => sizeOf(t.shape.slice(axis)));
    const outRow = inner.reduce((a, b) => a + b, 0) * bytes;
    let at = heapOffset(args.backend, out);
    nonEmpty.forEach((t, i) => {
      simd.copyRuns(heapOffset(args.backend, t), inner[i] * bytes, at, outRow, inner[i] * bytes, rows);
      at += inner[i] * bytes;
    });
    return out;
  };
  return wasmKernel('Concat', kernelFunc, fallback);
}
