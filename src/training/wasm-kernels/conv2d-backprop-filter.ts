// Conv2DBackpropFilter is not registered by tfjs-backend-wasm 4.22, so training any conv net throws.
// The weight gradient is itself a convolution: with x seen as [C,H,W,N] ("batch" = input channel) and
// dy as a [Ho,Wo,N,Co] filter, one forward XNNPACK Conv2D whose stride is the forward dilation and whose
// dilation is the forward stride yields dW as [C,kh,kw,Co].
import { convInfo, explicitPad, withScope, wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export function conv2dBackpropFilterConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const filterShape = attrs.filterShape as [number, number, number, number];
    const info = convInfo(tf, x.shape, filterShape, attrs);
    if (info.dataFormat !== 'channelsLast') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const { dilationHeight: dh, dilationWidth: dw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
    const { top, left } = info.padInfo;
    // Pad bottom/right only as far as the last tap reaches; a taller result (rows the forward pass never
    // read, e.g. VALID with stride 2 on an odd size) is cropped afterwards.
    const bottom = Math.max(0, (kh - 1) * dh + (ho - 1) * sh + 1 - h - top);
    const right = Math.max(0, (kw - 1) * dw + (wo - 1) * sw + 1 - w - left);
    const c = x.shape[3];
    const co = filterShape[3];
    if (sh === 1 && sw === 1 && dh === 1 && dw === 1 && c <= co) {
      // XNNPACK repacks the filter operand on every call, so let the smaller of x and dy be the filter:
      // with x as a [H,W,N,C] filter over dy seen as [Co,Ho,Wo,N], the result comes out spatially flipped.
      return withScope(tf, backend, (s) => {
        const dyt = s.run('Transpose', { x: dy }, { perm: [3, 1, 2, 0] });
        const xt = s.run('Transpose', { x }, { perm: [1, 2, 0, 3] });
        const pad = { top: kh - 1 - top, bottom: h - ho + top, left: kw - 1 - left, right: w - wo + left };
        const out = s.run('Conv2D', { x: dyt, filter: xt }, { strides: [1, 1], dilations: [1, 1], pad: explicitPad(pad), dataFormat: 'NHWC' });
        const unflipped = s.run('Reverse', { x: out }, { dims: [1, 2] });
        return s.run('Transpose', { x: unflipped }, { perm: [1, 2, 3, 0] });
      });
    }
    return withScope(tf, backend, (s) => {
      const xt = s.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      let out = s.run(
        'Conv2D',
        { x: xt, filter: dyt },
        { strides: [dh, dw], dilations: [sh, sw], pad: explicitPad({ top, bottom, left, right }), dataFormat: 'NHWC' },
      );
      const [c, oh, ow, co] = out.shape;
      if (oh !== kh || ow !== kw) {
        out = s.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [c, kh, kw, co] });
      }
      return s.run('Transpose', { x: out }, { perm: [1, 2, 0, 3] });
    });
  };
  return wasmKernel('Conv2DBackpropFilter', kernelFunc);
}
