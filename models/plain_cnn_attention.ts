/**
 * plain_cnn_attention — plain_cnn with multi-head self-attention at full resolution between its
 * convolution stages: the convolutions stay local, the attention lets every cell look at the whole domain
 * (keys and values average-pooled by kvPool to keep the attention matrix small). No down-sampling.
 */
import { blocks, checkInputBlock, inputBlock, INPUT_BLOCK_DEFAULTS, INPUT_BLOCK_DOCS, layers, registerModel } from 'pipe-ml/models';

const defaults = {
  filters: 16,
  depth: 4,
  kernelSize: 3,
  attentionLayers: 1,
  heads: 2,
  keyDim: 8,
  kvPool: 4,
  activation: 'relu',
  ...INPUT_BLOCK_DEFAULTS,
};

registerModel('plain_cnn_attention', {
  description: 'non-down-sampling CNN with full-resolution multi-head self-attention between conv stages',
  defaults,
  docs: {
    filters: 'channels of every convolution',
    depth: 'number of convolutions, split evenly around the attention layers',
    kernelSize: 'convolution kernel size',
    attentionLayers: 'self-attention layers, each followed by its share of the convolutions',
    heads: 'attention heads',
    keyDim: 'query/key/value width per head',
    kvPool: 'keys and values are average-pooled by this factor (must divide the grid); 1 = full attention',
    activation: blocks.ACTIVATIONS.join(' | '),
    ...INPUT_BLOCK_DOCS,
  },
  check(spec) {
    const kvPool = spec.hp.kvPool as number;
    const [h, w] = spec.outputShape;
    return blocks.firstRefusal(
      checkInputBlock(spec),
      blocks.checkInts(spec, { filters: [1, 512], depth: [2, 64], kernelSize: [1, 15], attentionLayers: [1, 8], heads: [1, 16], keyDim: [1, 128], kvPool: [1, 64] }),
      blocks.checkChoice(spec, 'activation', blocks.ACTIVATIONS),
      h % kvPool === 0 && w % kvPool === 0
        ? undefined
        : `kvPool ${kvPool} must divide the ${h}×${w} grid: use a kvPool that divides both (e.g. 1${[2, 4, 8].filter((p) => h % p === 0 && w % p === 0).map((p) => `, ${p}`).join('')})`,
    );
  },
  build(spec) {
    const hp = spec.hp as typeof defaults;
    const opts = { kernelSize: hp.kernelSize, activation: hp.activation as blocks.Activation };
    const { input, x: start } = inputBlock(spec);
    const stages = hp.attentionLayers + 1;
    let x = start;
    for (let stage = 0; stage < stages; stage++) {
      // Spread depth convolutions over the stages, earlier stages taking the remainder.
      const count = Math.floor(hp.depth / stages) + (stage < hp.depth % stages ? 1 : 0);
      x = blocks.convStack(x, hp.filters, Math.max(1, count), opts);
      if (stage < hp.attentionLayers) {
        x = layers.selfAttention({ heads: hp.heads, keyDim: hp.keyDim, kvPool: hp.kvPool }).apply(x) as blocks.Sym;
      }
    }
    return blocks.finish('plain_cnn_attention', input, blocks.outputHead(x, spec.outputShape[2]));
  },
});
