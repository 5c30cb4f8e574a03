/**
 * flatten_cnn — an inverse model that keeps WHERE things are: convolutions with 2× max-pooling between
 * levels, then the feature map flattened into a dense head (cnn_vector's global average pooling forgets
 * positions, so it cannot tell a storm in the north-west from one in the south-east). One value per
 * target. Works on any grid that halves `depth` times; the head's size grows with the grid.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, tf, type ModelDef } from 'pipe-ml/models';

const defaults = { filters: 8, depth: 3, hidden: 32, dropout: 0, ...INPUT_BLOCK_DEFAULTS };

/** Registered as `flatten_cnn` by the studies' models/flatten_cnn.ts (this folder is not a models folder: shared by warning and storm). */
export const flattenCnn: ModelDef = {
  description: 'conv encoder → flatten → dense: a vector per sample that can depend on positions',
  defaults,
  outputs: ['vector'],
  docs: {
    filters: 'channels at the finest level (doubled per level)',
    depth: 'number of 2× down-samplings',
    hidden: 'units of the hidden dense layer (0: none)',
    dropout: 'dropout rate before the output layer',
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 256], depth: [0, 5], hidden: [0, 1024] }),
      blocks.checkRate(spec, 'dropout'),
      blocks.checkDivisible(spec, spec.hp.depth as number),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const { input, x: start } = inputBlock(spec);
    let x = start;
    for (let level = 0; level < hp.depth; level++) x = blocks.maxPool(blocks.conv(x, hp.filters * 2 ** level));
    // a 1×1 convolution keeps the flattened head small: 4 channels per remaining cell
    x = blocks.conv(x, 4, { kernelSize: 1 });
    let v = tf.layers.flatten({}).apply(x) as tf.SymbolicTensor;
    if (hp.hidden) v = tf.layers.dense({ units: hp.hidden, activation: 'relu' }).apply(v) as tf.SymbolicTensor;
    v = blocks.dropout(v, hp.dropout);
    const out = tf.layers.dense({ units: spec.outputShape[2] }).apply(v) as tf.SymbolicTensor;
    return blocks.finish('flatten_cnn', input, out);
  },
};
