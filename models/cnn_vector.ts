/**
 * cnn_vector — a small convolutional encoder with a vector head: same-padding convolutions with 2×
 * max-pooling between levels, global average pooling, a hidden dense layer and one output per target (or
 * one logit per class). For tasks that predict values per sample rather than a map: an inverse model
 * (storm intensity and position from a depth map), a per-sample classifier. Works on any grid that
 * halves `depth` times.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 8, depth: 2, kernelSize: 3, hidden: 32, dropout: 0, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('cnn_vector', {
  description: 'conv encoder (max-pool per level) → global average pool → dense: a vector (values or class logits) per sample',
  defaults,
  outputs: ['vector'],
  docs: {
    filters: 'channels at the finest level (doubled per level)',
    depth: 'number of 2× down-samplings',
    kernelSize: 'convolution kernel size',
    hidden: 'units of the hidden dense layer (0: none)',
    dropout: 'dropout rate before the output layer',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [0, 6], kernelSize: [1, 15], hidden: [0, 4096] }),
      blocks.checkRate(spec, 'dropout'),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
      blocks.checkDivisible(spec, spec.hp.depth as number),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const { input, x: start } = inputBlock(spec);
    const activation = hp.activation as blocks.Activation;
    let x = start;
    for (let level = 0; level < hp.depth; level++) {
      x = blocks.conv(x, hp.filters * 2 ** level, { kernelSize: hp.kernelSize, activation });
      x = blocks.maxPool(x);
    }
    x = blocks.conv(x, hp.filters * 2 ** hp.depth, { kernelSize: hp.kernelSize, activation });
    const head = blocks.vectorHead(x, spec.outputShape[2], { hidden: hp.hidden, dropout: hp.dropout, activation });
    return blocks.finish('cnn_vector', input, head);
  },
});
