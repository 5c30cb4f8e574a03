// Training-time path of a linear convolution layer (no activation, or one in a separate layer, with or without
// bias): 'PipeConv2DBias' runs the same FusedConv2D kernel tfjs-layers' call would, but its gradient computes
// each input's part only where the engine asks for it. tfjs-core records a linear fused conv2d through
// customGrad, whose gradient computes dx, dw and db eagerly, so the first layer of every model computed the
// gradient of its input image (the data, which nothing needs): 5 % of large_kernel_ed's kernel time, for
// instance. The kernels and their order are tfjs's, so values and gradients are bit-identical.
import { wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export const CONV_BIAS = 'PipeConv2DBias';

export function convBiasKernelConfig(tf: TF): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const fused = tf.getKernel('FusedConv2D', 'wasm');
    if (!fused) throw new Error('wasm has no FusedConv2D kernel');
    const attrs = { ...args.attrs, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
    return fused.kernelFunc({ ...args, attrs } as never) as TensorInfo;
  };
  return wasmKernel(CONV_BIAS, kernelFunc);
}

type Tensor = ReturnType<TF['tensor']>;

/** conv2d(x, w) + b as FusedConv2D computes it (the bias starts each sum), recorded with the gradient below. */
export function convBias(tf: TF, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: { strides: [number, number]; pad: 'same' | 'valid' }): Tensor {
  const inputs: Record<string, Tensor> = b === undefined ? { x, filter: w } : { x, filter: w, bias: b };
  return tf.engine().runKernel(CONV_BIAS, inputs, { ...attrs, dataFormat: 'NHWC', dilations: [1, 1] } as never) as Tensor;
}

/** The gradient of fused conv2d with a linear activation (tfjs-core's), each part on demand. */
export function registerConvBiasGradient(tf: TF): void {
  tf.registerGradient({
    kernelName: CONV_BIAS,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: Record<string, unknown>) => {
      const [x, w] = saved;
      const g = dy as Tensor;
      const engine = tf.engine();
      const conv = { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC' };
      return {
        x: () => engine.runKernel('Conv2DBackpropInput', { dy: g, filter: w }, { ...conv, inputShape: x.shape } as never) as Tensor,
        filter: () => engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...conv, filterShape: w.shape } as never) as Tensor,
        bias: () => tf.reshape(tf.sum(g, [0, 1, 2]), [w.shape[3] as number]),
      };
    },
  } as never);
}
