// tfjs-backend-wasm 4.22 registers no depthwise-convolution gradients (SeparableConv2D / DepthwiseConv2D
// cannot train). These loops over the wasm heap follow TensorFlow's definition directly: correct for
// every stride, dilation and padding, and fast enough for the small channel counts such layers have.
import { wasmKernel, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

type Shape4 = [number, number, number, number];

function depthwiseInfo(tf: TF, xShape: Shape4, filterShape: Shape4, attrs: KernelArgs['attrs']) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    true,
  );
}

/** Visits every (x index, filter index, dy index) triple of a depthwise convolution. */
function forEachTap(
  info: ReturnType<TF['backend_util']['computeConv2DInfo']>,
  visit: (xi: number, fi: number, di: number) => void,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const m = info.outChannels / c;
  const { top, left } = info.padInfo;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let a = 0; a < kh; a++) {
        const y = i * sh + a * dh - top;
        if (y < 0 || y >= h) continue;
        for (let j = 0; j < wo; j++) {
          const di0 = ((b * ho + i) * wo + j) * c * m;
          for (let q = 0; q < kw; q++) {
            const x = j * sw + q * dw - left;
            if (x < 0 || x >= w) continue;
            const xi0 = ((b * h + y) * w + x) * c;
            const fi0 = (a * kw + q) * c * m;
            for (let ch = 0; ch < c; ch++) {
              for (let k = 0; k < m; k++) visit(xi0 + ch, fi0 + ch * m + k, di0 + ch * m + k);
            }
          }
        }
      }
    }
  }
}

export function depthwiseBackpropFilterConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const filterShape = attrs.filterShape as Shape4;
    const info = depthwiseInfo(tf, x.shape as Shape4, filterShape, attrs);
    const out = backend.makeOutput(filterShape, 'float32');
    const xv = backend.typedArrayFromHeap(x);
    const dyv = backend.typedArrayFromHeap(dy);
    const dw = backend.typedArrayFromHeap(out);
    dw.fill(0);
    forEachTap(info, (xi, fi, di) => {
      dw[fi] += xv[xi] * dyv[di];
    });
    return out;
  };
  return wasmKernel('DepthwiseConv2dNativeBackpropFilter', kernelFunc);
}

export function depthwiseBackpropInputConfig(tf: TF): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const inputShape = attrs.inputShape as Shape4;
    const info = depthwiseInfo(tf, inputShape, filter.shape as Shape4, attrs);
    const out = backend.makeOutput(inputShape, 'float32');
    const fv = backend.typedArrayFromHeap(filter);
    const dyv = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    forEachTap(info, (xi, fi, di) => {
      dx[xi] += fv[fi] * dyv[di];
    });
    return out;
  };
  return wasmKernel('DepthwiseConv2dNativeBackpropInput', kernelFunc);
}
