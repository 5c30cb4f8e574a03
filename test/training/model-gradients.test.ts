// One small model per layer type the model zoo uses: gradients of every trainable weight on wasm (with
// the project's kernels) against the pure-JS cpu backend, relative max-norm error ≤ 1e-4.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { SeededRandom } from '../../src/training/seeded-random.js';
import { relError, values } from './reference-ops.js';
import { upsample } from '../../src/model-kit/blocks.js';

const TOL = 1e-4;

before(async () => {
  await initBackend('wasm');
  tf.setBackend('cpu');
  // Silence the cpu backend's one-time "install tfjs-node" banner.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  tf.setBackend('wasm');
});

/** Gradients of Σ model(x) ⊙ r w.r.t. every trainable weight, on `backend`; dropout seeded identically. */
function weightGrads(backend: string, model: tf.LayersModel, x: Float64Array, xShape: number[], seed: number): Float64Array[] {
  tf.setBackend(backend);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new SeededRandom(seed);
  const gs = rng.asMathRandom(() =>
    tf.tidy(() => {
      const xt = tf.tensor(Float32Array.from(x), xShape);
      const { grads } = tf.variableGrads(() => {
        const y = model.apply(xt, { training: true }) as tf.Tensor;
        const r = tf.tensor(Float32Array.from(values(y.size, 99)), y.shape);
        return tf.sum(tf.mul(y, r));
      }, vars);
      return vars.map((v) => grads[v.name]);
    }),
  );
  const out = gs.map((g) => Float64Array.from(g.dataSync()));
  tf.dispose(gs);
  tf.setBackend('wasm');
  return out;
}

function checkModel(name: string, build: () => tf.LayersModel, xShape: number[]): void {
  test(`model gradients wasm vs cpu: ${name}`, () => {
    const model = new SeededRandom(5).asMathRandom(build);
    // Batch-norm moving statistics change in training mode: both backends must start from the same state.
    const saved = model.getWeights().map((w) => tf.clone(w));
    const x = values(xShape.reduce((a, b) => a * b, 1), 21);
    const before = tf.memory().numTensors;
    const wasm = weightGrads('wasm', model, x, xShape, 7);
    model.setWeights(saved);
    const cpu = weightGrads('cpu', model, x, xShape, 7);
    assert.equal(tf.memory().numTensors, before, 'gradient computation leaked tensors');
    assert.equal(wasm.length, model.trainableWeights.length);
    wasm.forEach((g, i) => {
      const err = relError(g, cpu[i]);
      assert.ok(err <= TOL, `${model.trainableWeights[i].name}: error ${err}`);
      assert.ok(cpu[i].some((v) => v !== 0), `${model.trainableWeights[i].name}: gradient is all zero`);
    });
    tf.dispose(saved);
    model.dispose();
  });
}

const L = tf.layers;

checkModel('conv2d stride 1/2, same/valid, fused linear', () => tf.sequential({ layers: [
  L.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
  L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', activation: 'tanh' }),
  L.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
] }), [2, 9, 9, 2]);

checkModel('conv2dTranspose stride 2 and 1', () => tf.sequential({ layers: [
  L.conv2dTranspose({ inputShape: [4, 4, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
  L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 1, padding: 'valid' }),
] }), [2, 4, 4, 3]);

checkModel('max and average pooling', () => tf.sequential({ layers: [
  L.conv2d({ inputShape: [12, 12, 2], filters: 3, kernelSize: 3, padding: 'same' }),
  L.maxPooling2d({ poolSize: 2 }),
  L.conv2d({ filters: 3, kernelSize: 1 }),
  L.averagePooling2d({ poolSize: 2 }),
  L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
] }), [2, 12, 12, 2]);

// cpu's ResizeNearestNeighborGrad is wrong for batch > 1 (DESIGN.md): batch 1 here; the kernel test
// checks batch 2 against finite differences.
checkModel('upsampling nearest', () => tf.sequential({ layers: [
  L.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same' }),
  L.upSampling2d({ size: [2, 2] }),
  L.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
] }), [1, 5, 5, 2]);

checkModel('upsampling bilinear', () => tf.sequential({ layers: [
  L.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same' }),
  L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
  L.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
] }), [2, 5, 5, 2]);

checkModel('bilinear up-sampling with half-pixel centres (model-kit blocks.upsample)', () => {
  const input = L.input({ shape: [5, 5, 2] });
  const a = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  const up = upsample(a, 2, 'bilinear');
  const out = L.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(up) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}, [2, 5, 5, 2]);

checkModel('concatenate and add (skip connections)', () => {
  const input = L.input({ shape: [8, 8, 2] });
  const a = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const b = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(a) as tf.SymbolicTensor;
  const sum = L.add().apply([a, b]) as tf.SymbolicTensor;
  const cat = L.concatenate().apply([sum, input]) as tf.SymbolicTensor;
  const out = L.conv2d({ filters: 1, kernelSize: 1 }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}, [2, 8, 8, 2]);

checkModel('batch normalisation (training mode)', () => tf.sequential({ layers: [
  // No bias before batch-norm: its exact gradient is 0, so both backends would compare rounding noise.
  L.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
  L.batchNormalization(),
  L.activation({ activation: 'relu' }),
  L.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
] }), [3, 6, 6, 2]);

checkModel('layer normalisation', () => tf.sequential({ layers: [
  L.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same' }),
  L.layerNormalization({ axis: -1 }),
  L.conv2d({ filters: 2, kernelSize: 1 }),
] }), [2, 6, 6, 2]);

checkModel('dense and dropout (seeded)', () => tf.sequential({ layers: [
  L.flatten({ inputShape: [4, 4, 2] }),
  L.dense({ units: 8, activation: 'relu' }),
  L.dropout({ rate: 0.3 }),
  L.dense({ units: 5 }),
] }), [3, 4, 4, 2]);

checkModel('depthwise and separable convolutions', () => tf.sequential({ layers: [
  L.depthwiseConv2d({ inputShape: [7, 7, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
  L.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' }),
] }), [2, 7, 7, 3]);

// Heads for classification and vector targets (issue 19): global pooling into dense logits.
checkModel('global average and max pooling heads', () => {
  const input = L.input({ shape: [6, 6, 2] });
  const f = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const avg = L.globalAveragePooling2d({}).apply(f) as tf.SymbolicTensor;
  const max = L.globalMaxPooling2d({}).apply(f) as tf.SymbolicTensor;
  const cat = L.concatenate().apply([avg, max]) as tf.SymbolicTensor;
  const out = L.dense({ units: 3 }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}, [3, 6, 6, 2]);

// The CNN-LSTM: a convolution per time step, then a recurrent layer over the time axis.
checkModel('time-distributed convolution into LSTM', () => tf.sequential({ layers: [
  L.timeDistributed({ inputShape: [4, 5, 5, 1], layer: L.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }) }),
  L.timeDistributed({ layer: L.flatten() }),
  L.lstm({ units: 6 }),
  L.dense({ units: 2 }),
] }), [2, 4, 5, 5, 1]);

checkModel('GRU returning sequences', () => tf.sequential({ layers: [
  L.gru({ inputShape: [5, 3], units: 4, returnSequences: true }),
  L.timeDistributed({ layer: L.dense({ units: 2 }) }),
] }), [2, 5, 3]);

test('multi-head self-attention from matMul/softmax/reshape/transpose: wasm vs cpu', () => {
  const [b, t, d, heads] = [2, 6, 8, 2];
  const dh = d / heads;
  const weights = [0, 1, 2, 3].map((k) => values(d * d, 30 + k).map((v) => v * 0.5));
  const x = values(b * t * d, 40);
  const grads = (backend: string): Float64Array[] => {
    tf.setBackend(backend);
    const gs = tf.tidy(() => {
      const xt = tf.tensor3d(Float32Array.from(x), [b, t, d]);
      const ws = weights.map((w) => tf.tensor2d(Float32Array.from(w), [d, d]));
      const r = tf.tensor3d(Float32Array.from(values(b * t * d, 41)), [b, t, d]);
      const split = (z: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(z, [b, t, heads, dh]), [0, 2, 1, 3]);
      const f = (wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, wo: tf.Tensor): tf.Scalar => {
        const proj = (w: tf.Tensor): tf.Tensor => tf.reshape(tf.matMul(tf.reshape(xt, [b * t, d]), w as tf.Tensor2D), [b, t, d]);
        const [q, k, v] = [proj(wq), proj(wk), proj(wv)].map(split);
        const att = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)));
        const ctx = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [b * t, d]);
        const out = tf.reshape(tf.matMul(ctx as tf.Tensor2D, wo as tf.Tensor2D), [b, t, d]);
        return tf.sum(tf.mul(out, r));
      };
      return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)(ws);
    });
    const out = gs.map((g) => Float64Array.from(g.dataSync()));
    tf.dispose(gs);
    tf.setBackend('wasm');
    return out;
  };
  const wasm = grads('wasm');
  const cpu = grads('cpu');
  wasm.forEach((g, i) => assert.ok(relError(g, cpu[i]) <= TOL, `weight ${i}: error ${relError(g, cpu[i])}`));
});
