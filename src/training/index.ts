// The training engine's public surface for stage code.
export { tf, initBackend, currentBackend, assertTrainingBackend } from './tf.js';
export { tfjsVersion } from './tfjs-version.js';
export type { BackendInfo, BackendName, BackendRequest } from './tf.js';
export { trainModel, DivergedError } from './train-model.js';
export type { TrainConfig, TrainOptions, TrainResult, EpochReport } from './train-model.js';
export type { Arrays, InputArrays } from './batches.js';
export { predict, xShape, yShape } from './batches.js';
export { saveModel, loadModel } from './model-io.js';
export { pointLoss } from './losses.js';
export { assertTrainableOnBackend, untrainableLayers } from './trainable.js';
export { THREADS_ENV, threadsFromEnv, shardingObstacle } from './sharded-gradients.js';
export { describePlan, HEAP_MARGIN } from './memory-plan.js';
export type { MemoryPlan, MicroBatchSetting } from './memory-plan.js';
export { OutOfMemoryError, WASM_HEAP_MAX } from './wasm-heap.js';
