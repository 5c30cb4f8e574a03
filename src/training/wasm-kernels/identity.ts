// wasm's Identity copies the tensor; the engine calls it to keep every tensor a gradient needs (one full
// copy per saved activation per step). Tensors are immutable, so sharing the buffer with a reference
// count, as tfjs's cpu backend does, gives the same values without the copy.
import { runFallback, wasmKernel, type KernelArgs, type KernelConfig, type TensorInfo } from './wasm-context.js';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

export function identityConfig(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const x = args.inputs.x;
    if (x.dtype === 'string') {
      return runFallback(original, args);
    }
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return wasmKernel('Identity', kernelFunc, original);
}

/**
 * Cast to the dtype a tensor already has (tfjs's Multiply gradient casts both factors to float32 on every
 * step; wasm's Cast copies them): the buffer shared the same way. Real conversions run wasm's Cast.
 */
export function castConfig(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const x = args.inputs.x;
    if (x.dtype === 'string' || args.attrs.dtype !== x.dtype) return runFallback(original, args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return wasmKernel('Cast', kernelFunc, original);
}
