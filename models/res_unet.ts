/**
 * res_unet — a U-Net built from ResNet basic blocks (ResUNet, Zhang et al. 2018): every level is a
 * residual block whose first convolution has stride 2 (down-sampling by learned strided convolution, not
 * pooling), identity or 1×1-projection shortcuts, and residual blocks again on the way up after the
 * encoder features are concatenated back in.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, registerModel } from 'pipe-ml/models';

const defaults = { filters: 6, depth: 3, kernelSize: 3, batchNorm: true, bnMomentum: blocks.BATCH_NORM_MOMENTUM, dropout: 0, activation: 'relu', ...INPUT_BLOCK_DEFAULTS };

registerModel('res_unet', {
  description: 'U-Net of ResNet blocks: strided residual blocks down, residual blocks up, concatenated skips',
  defaults,
  docs: {
    filters: 'channels at the finest level; doubled at every level down',
    depth: 'number of 2× down-samplings (the grid must be divisible by 2^depth)',
    kernelSize: 'convolution kernel size',
    batchNorm: 'batch normalisation inside the residual blocks',
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
    let x = blocks.residualBlock(start, hp.filters, opts);
    const skips: blocks.Sym[] = [];
    for (let level = 1; level <= hp.depth; level++) {
      skips.push(x);
      x = blocks.residualBlock(x, hp.filters * 2 ** level, { ...opts, strides: 2 });
    }
    x = blocks.dropout(x, hp.dropout);
    for (let level = hp.depth - 1; level >= 0; level--) {
      const up = blocks.upsample(x, 2, 'nearest');
      x = blocks.residualBlock(blocks.concat([skips[level]!, up]), hp.filters * 2 ** level, opts);
    }
    return blocks.finish('res_unet', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
