/** A tiny study with a train, a tune and an evaluate stage (≈ 15 s on a busy 2-core machine). */
export function tinyStudy(epochs = 4): string {
  return `data:
  flood: { grid: 16, simulations: 8, steps: 40, samples_per_simulation: 2, horizon: 10 }
  split: { small: 3, test: 2 }
train: { epochs: ${epochs}, batch_size: 4, lr: 0.002, early_stopping: null }
stages:
  A: { kind: train, data: small, models: [unet_lite] }
  B: { kind: tune, needs: [A], data: small, model: { best: A }, space: { train.lr: { log_uniform: [0.0005, 0.005] } }, \
sampler: { name: random }, pruner: { name: none }, trials: 2, batch_size: 2, train: { epochs: 2 } }
  D: { kind: evaluate, needs: [A], models: { from: A }, sets: [test] }
`;
}
