// DESIGN.md's reference workload: 64 samples, 64×64×2 → 64×64×1; conv3×3 16 relu, conv 16 relu, maxpool 2,
// conv 32 relu, upsample ×2 nearest, conv 1; Adam 1e-3, L1, batch 16. bench/torch_bench.py mirrors it.
import { tf } from '../src/training/tf.js';
import type { Arrays } from '../src/training/batches.js';
import type { TrainConfig } from '../src/training/train-model.js';

export function buildReferenceModel(size = 64): tf.LayersModel {
  const conv = (filters: number, activation: 'relu' | 'linear') =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [size, size, 2], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      conv(16, 'relu'),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(32, 'relu'),
      tf.layers.upSampling2d({ size: [2, 2] }),
      conv(1, 'linear'),
    ],
  });
}

/** Smooth deterministic fields so the loss falls and the numbers are comparable across runs. */
export function referenceData(n = 64, size = 64): Arrays {
  const x = new Float32Array(n * size * size * 2);
  const y = new Float32Array(n * size * size);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const k = (s * size + i) * size + j;
        const a = Math.sin((i + s) / 7) * Math.cos((j - s) / 5);
        const b = Math.cos((i * j) / 300 + s);
        x[2 * k] = a;
        x[2 * k + 1] = b;
        y[k] = 0.5 * a * b + 0.2 * a;
      }
    }
  }
  return { x, y, n, h: size, w: size, factor: 1, cin: 2, cout: 1 };
}

export const referenceConfig: TrainConfig = {
  epochs: 5, batchSize: 16, seed: 1, loss: 'l1',
  lr: 1e-3, optimizer: { name: 'adam' }, schedule: { name: 'constant' },
};
