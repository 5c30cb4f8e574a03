/**
 * unet_lite — a simplified, lightweight U-Net: one convolution per level, the same channel count at every
 * level (no doubling), average-pooling down, bilinear up-sampling, and skips that are added rather than
 * concatenated. A few thousand parameters: the cheap baseline among the down-sampling models.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 12, depth: 2, kernelSize: 3, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('unet_lite', {
  description: 'lightweight U-Net: one conv per level, constant width, avg-pool down, bilinear up, added skips',
  defaults,
  docs: {
    filters: 'channels at every level',
    depth: 'number of 2× down-samplings (the grid must be divisible by 2^depth)',
    kernelSize: 'convolution kernel size',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [1, 6], kernelSize: [1, 15] }),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
      blocks.checkDivisible(spec, spec.hp.depth as number),
    ),
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const opts = { kernelSize: hp.kernelSize, activation: hp.activation as blocks.Activation };
    const { input, x: start } = inputBlock(spec);
    let x = blocks.conv(start, hp.filters, opts);
    const skips: blocks.Sym[] = [];
    for (let level = 0; level < hp.depth; level++) {
      skips.push(x);
      x = blocks.conv(blocks.avgPool(x), hp.filters, opts);
    }
    for (let level = hp.depth - 1; level >= 0; level--) {
      x = blocks.conv(blocks.add([blocks.upsample(x, 2, 'bilinear'), skips[level]!]), hp.filters, opts);
    }
    return blocks.finish('unet_lite', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
