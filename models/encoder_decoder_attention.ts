/**
 * encoder_decoder_attention — an encoder–decoder whose attention works at two places: multi-head
 * self-attention over the whole bottleneck grid (global context: where the water comes from), and
 * attention gates (Attention U-Net, Oktay et al. 2018) that let the decoder choose, cell by cell, which
 * encoder features pass through the skip connections.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, layers, registerModel } from 'pipe-ml/models';

const defaults = {
  filters: 8,
  depth: 2,
  kernelSize: 3,
  batchNorm: true, bnMomentum: blocks.BATCH_NORM_MOMENTUM,
  attentionLayers: 1,
  heads: 2,
  keyDim: 8,
  gates: true,
  dropout: 0,
  activation: 'relu',
  ...INPUT_BLOCK_DEFAULTS,
};

registerModel('encoder_decoder_attention', {
  description: 'encoder–decoder with bottleneck self-attention and attention-gated skip connections',
  defaults,
  docs: {
    filters: 'channels at the finest level; doubled at every level down',
    depth: 'number of 2× down-samplings (the grid must be divisible by 2^depth)',
    kernelSize: 'convolution kernel size',
    batchNorm: 'batch normalisation after each convolution',
    bnMomentum: 'batch-norm momentum (Keras convention: weight of the old moving statistics; PyTorch 0.1 = 0.9 here)',
    attentionLayers: 'self-attention layers at the bottleneck (0 = none)',
    heads: 'attention heads',
    keyDim: 'query/key/value width per head',
    gates: 'attention gates on the skip connections',
    dropout: 'dropout rate at the bottleneck',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check: (spec) =>
    blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [1, 6], kernelSize: [1, 15], attentionLayers: [0, 8], heads: [1, 16], keyDim: [1, 128] }),
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
    x = blocks.conv(x, hp.filters * 2 ** hp.depth, opts);
    for (let i = 0; i < hp.attentionLayers; i++) {
      x = layers.selfAttention({ heads: hp.heads, keyDim: hp.keyDim }).apply(x) as blocks.Sym;
    }
    x = blocks.dropout(x, hp.dropout);
    for (let level = hp.depth - 1; level >= 0; level--) {
      const f = hp.filters * 2 ** level;
      x = blocks.conv(blocks.upsample(x, 2, 'nearest'), f, opts);
      const skip = hp.gates ? blocks.attentionGate(skips[level]!, x, Math.max(1, f >> 1)) : skips[level]!;
      x = blocks.conv(blocks.concat([skip, x]), f, opts);
    }
    return blocks.finish('encoder_decoder_attention', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
