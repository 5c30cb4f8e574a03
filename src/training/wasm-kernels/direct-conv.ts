// Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter on the project's own SIMD kernels
// (assembly/conv.ts, conv-filter-grad.ts) for the shapes they cover: NHWC, dilation 1, any stride, any padding,
// any channel counts. Everything else goes to the kernel registered before (XNNPACK, or this project's
// composite gradient kernels).
import { heapOffset, readableWithSlack, simdKernelsFor, type SimdKernels } from './simd-module.js';
import {
  convInfo,
  runFallback,
  sizeOf,
  wasmKernel,
  type Conv2DInfo,
  type KernelArgs,
  type KernelConfig,
  type TF,
  type TensorInfo,
  type WasmBackend,
} from './wasm-context.js';

/** NHWC, dilation 1: what the own kernels cover. */
export function ownGeometry(info: Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1 && info.strideHeight >= 1 && info.strideWidth >= 1;
}

export function unitStride(info: Conv2DInfo): boolean {
  return ownGeometry(info) && info.strideHeight === 1 && info.strideWidth === 1;
}

/** The forward convolution on the SIMD kernel; `act` as assembly/conv.ts's conv2d takes it. */
export function forward(
  mod: SimdKernels,
  backend: WasmBackend,
  info: Conv2DInfo,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  act: number,
): TensorInfo {
  const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  const args = [
    heapOffset(backend, x),
    heapOffset(backend, filter),
    bias ? heapOffset(backend, bias) : 0,
    heapOffset(backend, out),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.padInfo.top,
    info.padInfo.left,
    act,
  ] as const;
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    mod.conv2d(...args);
  } else {
    const pix = info.outChannels * 4;
    mod.conv2dStrided(...args, info.strideHeight, info.strideWidth, info.outHeight * info.outWidth * pix, info.outWidth * pix, pix);
  }
  return out;
}

export function directConv2DConfig(tf: TF, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const mod = simdKernelsFor(args.backend);
    const info = convInfo(tf, x.shape, filter.shape, args.attrs);
    if (!mod || !ownGeometry(info) || !readableWithSlack(args.backend, [x, filter])) return runFallback(fallback, args);
    return forward(mod, args.backend, info, x, filter, undefined, 0);
  };
  return wasmKernel('Conv2D', kernelFunc, fallback);
}

export function directFusedConv2DConfig(tf: TF, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x, filter, bias } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const activation = (args.attrs.activation as string | undefined) ?? 'linear';
    const act = activation === 'linear' ? 0 : activation === 'relu' ? 1 : -1;
    const mod = simdKernelsFor(args.backend);
    const info = convInfo(tf, x.shape, filter.shape, args.attrs);
    const biasOk = bias === undefined || (bias.dtype === 'float32' && sizeOf(bias.shape) === info.outChannels);
    if (!mod || act < 0 || !biasOk || !ownGeometry(info) || !readableWithSlack(args.backend, bias ? [x, filter, bias] : [x, filter])) {
      return runFallback(fallback, args);
    }
    return forward(mod, args.backend, info, x, filter, bias, act);
  };
  return wasmKernel('FusedConv2D', kernelFunc, fallback);
}

export function directConv2DBackpropFilterConfig(tf: TF, fallback: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const mod = simdKernelsFor(args.backend);
    const info = convInfo(tf, x.shape, args.attrs.filterShape as number[], args.attrs);
    const { inChannels: ci, outChannels: co } = info;
    if (!mod || !ownGeometry(info) || dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth) {
      return runFallback(fallback, args);
    }
    const { backend } = args;
    const out = backend.makeOutput([info.filterHeight, info.filterWidth, ci, co], 'float32');
    if (!readableWithSlack(backend, [x, dy, out])) {
      backend.disposeData(out.dataId);
      return runFallback(fallback, args);
    }
    const gradArgs = [
      heapOffset(backend, x),
      heapOffset(backend, dy),
      heapOffset(backend, out),
      info.batchSize,
      info.inHeight,
      info.inWidth,
      ci,
      info.outHeight,
      info.outWidth,
      co,
      info.filterHeight,
      info.filterWidth,
      info.padInfo.top,
      info.padInfo.left,
    ] as const;
    if (info.strideHeight === 1 && info.strideWidth === 1) mod.conv2dFilterGrad(...gradArgs);
    else mod.conv2dFilterGradStrided(...gradArgs, info.strideHeight, info.strideWidth);
    return out;
  };
  return wasmKernel('Conv2DBackpropFilter', kernelFunc, fallback);
}
