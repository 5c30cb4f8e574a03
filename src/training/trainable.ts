// Refuses, before any epoch runs, models that this tfjs build cannot train, naming the layers and why.
import { OutOfMemoryError, SHRINK_MODEL_HINT } from './wasm-heap.js';
import { tf } from './tf.js';
import { assertTrainingBackend } from './tf.js';

const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv2DTranspose', 'Conv3D', 'DepthwiseConv2D', 'SeparableConv2D']);

/** Layers of `model` (nested models flattened) that no tfjs backend can differentiate, with the reason. */
export function untrainableLayers(model: tf.LayersModel): string[] {
  const problems: string[] = [];
  const visit = (layers: tf.layers.Layer[]): void => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
      const cls = layer.getClassName();
      if (!CONV_CLASSES.has(cls)) continue;
      const rate = (layer.getConfig() as { dilationRate?: number | number[] }).dilationRate;
      const rates = rate === undefined ? [] : Array.isArray(rate) ? rate : [rate];
      if (rates.some((r) => r !== 1)) {
        problems.push(
          `layer '${layer.name}' (${cls}, dilationRate ${JSON.stringify(rate)}): tfjs has no gradient for dilated ` +
            'convolutions; use dilationRate 1 or emulate the dilation with spaceToBatchND/batchToSpaceND',
        );
      }
    }
  };
  visit(model.layers);
  return problems;
}

/**
 * Throws a clear error when `model` cannot be trained on the current backend: the static checks above,
 * then one tiny forward/backward pass so that a kernel missing on this backend is reported now, by name,
 * rather than as an engine error in the middle of the first epoch.
 */
export function assertTrainableOnBackend(model: tf.LayersModel): void {
  assertTrainingBackend();
  const problems = untrainableLayers(model);
  if (problems.length > 0) {
    throw new Error(`model '${model.name}' cannot be trained:\n  - ${problems.join('\n  - ')}`);
  }
  const inputs = model.inputs.map((i) => i.shape.map((d) => d ?? 1));
  // Training-mode layers update state (batch-norm moving statistics): put every weight back afterwards.
  const saved = model.weights.map((w) => tf.clone(w.read()));
  try {
    tf.tidy(() => {
      const xs = inputs.map((s) => tf.zeros(s));
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const out = model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor | tf.Tensor[];
        return tf.addN((Array.isArray(out) ? out : [out]).map((o) => tf.sum(o))) as tf.Scalar;
      }, vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
  } catch (err) {
    if (err instanceof OutOfMemoryError) {
      throw new OutOfMemoryError(`${model.name}: even one sample does not fit: a trial training step on one sample failed: ${err.message}`, SHRINK_MODEL_HINT);
    }
    const msg = (err as Error).message;
    const missing = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg);
    if (missing) {
      throw new Error(
        `model '${model.name}' cannot be trained on backend '${missing[2]}': kernel '${missing[1]}' (needed by a ` +
          `layer's gradient) is not available there. Use backend 'tensorflow' (install @tensorflow/tfjs-node) ` +
          'or change the layer.',
      );
    }
    throw new Error(`model '${model.name}' failed a trial training step on backend '${tf.getBackend()}': ${msg}`);
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
  }
}
