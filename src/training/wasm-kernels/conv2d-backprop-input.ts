// wasm's Conv2DBackpropInput is correct but a naive loop. With stride 1 the input gradient is a forward
// convolution of dy with the spatially flipped, in/out-swapped filter ("full" padding), which XNNPACK
// runs fast. Other strides keep wasm's own (correct) kernel.
import { explicitPad, withScope, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function conv2dBackpropInputConfig(tf: TF, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as [number, number],
      1,
      attrs.pad as 'same',
      attrs.dimRoundingMode as 'floor' | undefined,
      false,
      tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | undefined) ?? 'NHWC'),
    );
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h + kh - 1 - ho - top;
    const right = w + kw - 1 - wo - left;
    const fast =
      info.dataFormat === 'channelsLast' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      Math.min(top, left, bottom, right) >= 0;
    if (!fast) {
      if (original === undefined) throw new Error('wasm Conv2DBackpropInput: no kernel for strides > 1');
      return original.kernelFunc(args as never) as TensorInfo;
    }
    return withScope(tf, backend, (s) => {
      const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      return s.run(
        'Conv2D',
        { x: dy, filter: swapped },
        { strides: [1, 1], dilations: [1, 1], pad: explicitPad({ top, bottom, left, right }), dataFormat: 'NHWC' },
      );
    });
  };
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'],
  };
}
