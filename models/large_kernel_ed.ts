/**
 * large_kernel_ed — an encoder–decoder without skip connections whose convolutions use large kernels
 * (7×7 by default): the receptive field comes from kernel size rather than from depth or attention, and
 * everything the decoder knows has passed through the coarse bottleneck. Average-pooling down, bilinear
 * up-sampling.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 12, depth: 2, kernelSize: 7, batchNorm: false, bnMomentum: blocks.BATCH_NORM_MOMENTUM, dropout: 0, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('large_kernel_ed', {
  description: 'encoder–decoder without skips, large (7×7) kernels, avg-pool down, bilinear up',
  defaults,
  docs: {
    filters: 'channels of every convolution',
    depth: 'number of 2× down-samplings (the grid must be divisible by 2^depth)',
    kernelSize: 'convolution kernel size (odd, large)',
    batchNorm: 'batch normalisation after each convolution',
    bnMomentum: 'batch-norm momentum (Keras convention: weight of the old moving statistics; PyTorch 0.1 = 0.9 here)',
    dropout: 'dropout rate at the bottleneck',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [1, 6], kernelSize: [1, 31] }),
      blocks.checkRate(spec, 'dropout'),
      blocks.checkRate(spec, 'bnMomentum'),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
      blocks.checkDivisible(spec, spec.hp.depth as number),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const opts = { kernelSize: hp.kernelSize, batchNorm: hp.batchNorm, batchNormMomentum: hp.bnMomentum, activation: hp.activation as blocks.Activation };
    const { input, x: start } = inputBlock(spec);
    let x = blocks.conv(start, hp.filters, opts);
    for (let level = 0; level < hp.depth; level++) x = blocks.conv(blocks.avgPool(x), hp.filters, opts);
    x = blocks.dropout(x, hp.dropout);
    for (let level = 0; level < hp.depth; level++) x = blocks.conv(blocks.upsample(x, 2, 'bilinear'), hp.filters, opts);
    return blocks.finish('large_kernel_ed', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
