// wasm's Identity copies the tensor; the engine calls it to keep every tensor a gradient needs (one full
// copy per saved activation per step). Tensors are immutable, so sharing the buffer with a reference
// count, as tfjs's cpu backend does, gives the same values without the copy.
import type { KernelArgs, KernelConfig, TensorInfo } from './wasm-context.js';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

export function identityConfig(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const x = args.inputs.x;
    if (x.dtype === 'string') {
      if (original === undefined) throw new Error('wasm Identity: string tensors unsupported');
      return original.kernelFunc(args as never) as TensorInfo;
    }
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'] };
}
