/**
 * unet — the classic U-Net (Ronneberger et al. 2015), scaled down: per level two k×k convolutions
 * (batch norm, activation), 2×2 max-pooling down; on the way up nearest-neighbour up-sampling and a
 * convolution (instead of a transposed convolution), the encoder's features concatenated back in.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 6, depth: 3, kernelSize: 3, batchNorm: true, bnMomentum: blocks.BATCH_NORM_MOMENTUM, dropout: 0, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('unet', {
  description: 'classic U-Net: two convs per level, max-pool down, up-sample + conv up, concatenated skips',
  defaults,
  docs: {
    filters: 'channels at the finest level; doubled at every level down',
    depth: 'number of 2× down-samplings (the grid must be divisible by 2^depth)',
    kernelSize: 'convolution kernel size',
    batchNorm: 'batch normalisation after each convolution',
    bnMomentum: 'batch-norm momentum (Keras convention: weight of the old moving statistics; PyTorch 0.1 = 0.9 here)',
    dropout: 'dropout rate at the bottleneck',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [1, 6], kernelSize: [1, 15] }),
      blocks.checkRate(spec, 'dropout'),
      blocks.checkRate(spec, 'bnMomentum'),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
      blocks.checkDivisible(spec, spec.hp.depth as number),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const opts = { kernelSize: hp.kernelSize, batchNorm: hp.batchNorm, batchNormMomentum: hp.bnMomentum, activation: hp.activation as blocks.Activation };
    const { input, x: start } = inputBlock(spec);
    let x = start;
    const skips: blocks.Sym[] = [];
    for (let level = 0; level < hp.depth; level++) {
      x = blocks.convStack(x, hp.filters * 2 ** level, 2, opts);
      skips.push(x);
      x = blocks.maxPool(x);
    }
    x = blocks.dropout(blocks.convStack(x, hp.filters * 2 ** hp.depth, 2, opts), hp.dropout);
    for (let level = hp.depth - 1; level >= 0; level--) {
      const f = hp.filters * 2 ** level;
      x = blocks.conv(blocks.upsample(x, 2, 'nearest'), f, opts);
      x = blocks.convStack(blocks.concat([skips[level]!, x]), f, 2, opts);
    }
    return blocks.finish('unet', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
