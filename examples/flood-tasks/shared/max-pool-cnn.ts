/**
 * max_pool_cnn — a per-sample classifier for "does any cell exceed the threshold?": convolutions with 2×
 * max-pooling between levels, then global MAX pooling (an "any" over the grid is a maximum, where
 * cnn_vector's global average dilutes one wet corner among dry cells), a hidden dense layer and one logit
 * per class. Works on any grid that halves `depth` times.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, tf, type ModelDef } from 'pipe-ml/models';

const defaults = { filters: 8, depth: 2, hidden: 16, dropout: 0, ...INPUT_BLOCK_DEFAULTS };

/** Registered as `max_pool_cnn` by the studies' models/max_pool_cnn.ts (this folder is not a models folder: shared by warning and storm). */
export const maxPoolCnn: ModelDef = {
  description: 'conv encoder → global max pool → dense: logits per sample ("any cell" questions)',
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
    x = blocks.conv(x, hp.filters * 2 ** hp.depth);
    let v = tf.layers.globalMaxPooling2d({}).apply(x) as tf.SymbolicTensor;
    if (hp.hidden) v = tf.layers.dense({ units: hp.hidden, activation: 'relu' }).apply(v) as tf.SymbolicTensor;
    v = blocks.dropout(v, hp.dropout);
    const logits = tf.layers.dense({ units: spec.outputShape[2] }).apply(v) as tf.SymbolicTensor;
    return blocks.finish('max_pool_cnn', input, logits);
  },
};
