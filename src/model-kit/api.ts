/**
 * What model files import, as `import { registerModel, tf, blocks, layers } from 'pipe-ml/models'`.
 * package.json maps that specifier here (dist/src/model-kit/api.js), and the loader maps it to this very
 * module at run time, so a model file always registers into the runner's own registry and builds with the
 * runner's tfjs instance. Importing this module also registers the custom layers with tf.serialization, so
 * saved models that use them reload.
 */
export { tf } from '../training/tf.js';
export { registerModel, type ModelDef, type ModelSpec, type HpValue, type Shape3, type OutputKind } from './registry.js';
export * as blocks from './blocks.js';
export { inputBlock, checkInputBlock, INPUT_BLOCKS, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS } from './input-block.js';
import { CubicResample, cubicResample } from './cubic-resample-layer.js';
import { SpatialSelfAttention, selfAttention } from './self-attention-layer.js';

/** The project's custom layers (classes and functional-API factories). */
export const layers = { SpatialSelfAttention, selfAttention, CubicResample, cubicResample };
