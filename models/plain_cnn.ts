/**
 * plain_cnn — a stack of same-resolution convolutions: no down-sampling, no skips, no attention. The
 * receptive field grows only with depth × (kernelSize − 1), so it is the local baseline: it sees how the
 * terrain around a cell looks, not the whole catchment. Works on any grid size.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 16, depth: 6, kernelSize: 3, batchNorm: false, bnMomentum: blocks.BATCH_NORM_MOMENTUM, dropout: 0, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('plain_cnn', {
  description: 'non-down-sampling CNN: depth × same-padding convs at full resolution, any grid size',
  defaults,
  docs: {
    filters: 'channels of every convolution',
    depth: 'number of convolutions (receptive field = 1 + depth × (kernelSize − 1) cells)',
    kernelSize: 'convolution kernel size',
    batchNorm: 'batch normalisation after each convolution',
    bnMomentum: 'batch-norm momentum (Keras convention: weight of the old moving statistics; PyTorch 0.1 = 0.9 here)',
    dropout: 'dropout rate before the output convolution',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [1, 64], kernelSize: [1, 15] }),
      blocks.checkRate(spec, 'dropout'),
      blocks.checkRate(spec, 'bnMomentum'),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const { input, x } = inputBlock(spec);
    const features = blocks.convStack(x, hp.filters, hp.depth, {
      kernelSize: hp.kernelSize,
      batchNorm: hp.batchNorm, batchNormMomentum: hp.bnMomentum,
      activation: hp.activation as blocks.Activation,
    });
    return blocks.finish('plain_cnn', input, blocks.outputHead(blocks.dropout(features, hp.dropout), spec.outputShape[2]));
  },
});
