// Replaces the wasm kernels that are missing, wrong or slow in tfjs-backend-wasm 4.22 (see DESIGN.md,
// "Training engine"), Slice/SplitV, which copy the whole input for every slice, and Identity, which
// copies where sharing suffices, as does Cast to a tensor's own dtype. Where the project's own SIMD kernels
// (assembly/, simd-module.ts) cover a geometry they run; anything else goes to the kernel registered before (XNNPACK or a composite one).
// Must run before the wasm backend is first used; repeated calls are no-ops.
import { fusedAdamConfig } from './adam.js';
import { avgPoolGradConfig } from './avg-pool-grad.js';
import { batchMatMulConfig } from './batch-matmul.js';
import { batchNormGradKernelConfig, registerBatchNormGradient } from './batch-norm-grad.js';
import { concatConfig } from './concat.js';
import { convBiasKernelConfig } from './conv-bias.js';
import { convBiasReluKernelConfig, registerFusedConvLayers } from './conv-bias-relu.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { directConv2DBackpropFilterConfig, directConv2DConfig, directFusedConv2DConfig } from './direct-conv.js';
import { directConv2DBackpropInputConfig } from './direct-conv-input-grad.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-grads.js';
import { castConfig, identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { registerReluGradient, reluGradKernelConfig } from './relu-grad.js';
import { resizeNearestNeighborConfig } from './resize-nearest.js';
import { resizeNearestNeighborGradConfig } from './resize-nearest-grad.js';
import { sliceConfigs } from './slice.js';
import { meanConfig, sumConfig } from './sum.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import type { KernelConfig, TF } from './wasm-context.js';

let registered = false;

/** Names of the kernels this project registers for wasm (tests iterate over them). */
export const OWN_WASM_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'ResizeNearestNeighbor',
  'ResizeNearestNeighborGrad',
  'Sum',
  'Mean',
  'Tile',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Concat',
  'Slice',
  'SplitV',
  'Identity',
  'Cast',
  'PipeAdam',
  'PipeBatchNormGrad',
  'PipeReluGrad',
  'PipeConv2DBiasRelu',
  'PipeConv2DBias',
] as const;

export function registerWasmKernels(tf: TF): void {
  if (registered) return;
  const original = (name: string): KernelConfig | undefined => tf.getKernel(name, 'wasm');
  const configs: KernelConfig[] = [
    // Own SIMD convolutions where they apply; the rest falls back to XNNPACK or the composite kernels.
    directConv2DConfig(tf, original('Conv2D')),
    directFusedConv2DConfig(tf, original('FusedConv2D')),
    directConv2DBackpropFilterConfig(tf, conv2dBackpropFilterConfig(tf)),
    directConv2DBackpropInputConfig(tf, conv2dBackpropInputConfig(tf, original('Conv2DBackpropInput'))),
    batchMatMulConfig(original('BatchMatMul')),
    maxPoolGradConfig(tf),
    avgPoolGradConfig(tf, original('AvgPoolGrad')),
    resizeNearestNeighborConfig(original('ResizeNearestNeighbor')),
    resizeNearestNeighborGradConfig(tf),
    sumConfig(original('Sum')),
    meanConfig(original('Mean')),
    tileConfig(original('Tile')),
    depthwiseBackpropFilterConfig(tf),
    depthwiseBackpropInputConfig(tf),
    unsortedSegmentSumConfig(),
    concatConfig(tf, original('Concat')),
    ...sliceConfigs(tf, original('Slice')),
    identityConfig(original('Identity')),
    castConfig(original('Cast')),
    fusedAdamConfig(),
    batchNormGradKernelConfig(),
    reluGradKernelConfig(tf),
    convBiasReluKernelConfig(tf),
    convBiasKernelConfig(tf),
  ];
  for (const config of configs) {
    if (original(config.kernelName) !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  registerBatchNormGradient(tf);
  registerReluGradient(tf);
  registerFusedConvLayers(tf);
  registered = true;
}
