import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/training/tf.js';
import { LrSchedule } from '../../src/training/schedules.js';
import { Optimizer } from '../../src/training/optimizers.js';
import { simdKernels, spyKernel } from './kernel-spy.js';

before(async () => {
  await initBackend('wasm');
});

const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('cosine goes from lr to minLr; one-cycle starts at max/25, peaks at pctStart, ends near 0', () => {
  const cos = new LrSchedule({ name: 'cosine', minLr: 1e-4 }, 1e-2, 100);
  assert.ok(close(cos.at(0), 1e-2));
  assert.ok(close(cos.at(50), (1e-2 + 1e-4) / 2));
  assert.ok(close(cos.at(100), 1e-4));
  const oc = new LrSchedule({ name: 'one_cycle', maxLr: 0.1, pctStart: 0.25 }, 1e-3, 100);
  assert.ok(close(oc.at(0), 0.1 / 25));
  assert.ok(close(oc.at(25), 0.1));
  assert.ok(oc.at(100) < 1e-6);
  assert.ok(oc.at(10) < oc.at(20) && oc.at(60) > oc.at(90));
});

test('reduce-on-plateau lowers lr after patience epochs without improvement, down to minLr', () => {
  const s = new LrSchedule({ name: 'plateau', factor: 0.5, patience: 1, minLr: 0.2 }, 1, 10);
  s.endEpoch(1.0); // best
  s.endEpoch(1.0); // bad 1
  assert.equal(s.at(0), 1);
  s.endEpoch(1.0); // bad 2 > patience → halve
  assert.equal(s.at(0), 0.5);
  s.endEpoch(0.5); // improvement
  for (let i = 0; i < 10; i++) s.endEpoch(0.9);
  assert.equal(s.at(0), 0.2);
  const restored = new LrSchedule({ name: 'plateau' }, 1, 10);
  restored.setState(s.getState());
  assert.equal(restored.at(0), 0.2);
});

/** One optimizer step on w = [1, -2] with gradient g = [0.5, 0.25]; returns the new w. */
function oneStep(config: ConstructorParameters<typeof Optimizer>[0], steps = 1): number[] {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const opt = new Optimizer(config, [w]);
  for (let i = 0; i < steps; i++) tf.tidy(() => opt.apply([tf.tensor1d([0.5, 0.25])], 0.1));
  const out = Array.from(w.dataSync());
  opt.dispose();
  w.dispose();
  return out;
}

test('Adam, AdamW and SGD with momentum follow the torch.optim update rules', () => {
  // Adam step 1: m̂ = g, v̂ = g², update = lr·g/(|g|+eps) ≈ lr·sign(g).
  const adam = oneStep({ name: 'adam' });
  assert.ok(close(adam[0], 1 - 0.1 * (0.5 / (0.5 + 1e-8)), 1e-6));
  assert.ok(close(adam[1], -2 - 0.1 * (0.25 / (0.25 + 1e-8)), 1e-6));
  // AdamW: decay first, w·(1 − lr·wd), then the Adam step.
  const adamw = oneStep({ name: 'adamw', weightDecay: 0.5 });
  assert.ok(close(adamw[0], 1 * (1 - 0.05) - 0.1, 1e-6));
  assert.ok(close(adamw[1], -2 * (1 - 0.05) - 0.1, 1e-6));
  // SGD momentum 0.9, two steps of the same gradient: b1 = g, b2 = 0.9g + g; w -= lr·(b1 + b2).
  const sgd = oneStep({ name: 'sgd', momentum: 0.9 }, 2);
  assert.ok(close(sgd[0], 1 - 0.1 * (0.5 + 1.9 * 0.5), 1e-6));
  assert.ok(close(sgd[1], -2 - 0.1 * (0.25 + 1.9 * 0.25), 1e-6));
});

test('the fused Adam(W) kernel gives the element-wise update bit for bit (and runs where it should)', () => {
  const run = (fused: boolean, config: ConstructorParameters<typeof Optimizer>[0]): Float32Array[] =>
    simdKernels(fused, () => {
      // 37 floats: a SIMD body and a scalar tail; values spanning several magnitudes.
      const w = tf.variable(tf.tensor1d(Array.from({ length: 37 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 5) - 2))));
      const opt = new Optimizer(config, [w]);
      for (let step = 0; step < 4; step++) {
        const g = tf.tensor1d(Array.from({ length: 37 }, (_, i) => Math.cos(i * 0.3 + step) * 10 ** ((i % 4) - 3)));
        opt.apply([g], 0.01 / (step + 1));
        g.dispose();
      }
      const out = [w, ...opt.slots[0]].map((t) => t.dataSync().slice() as Float32Array);
      w.dispose();
      opt.dispose();
      return out;
    });
  const spy = spyKernel('PipeAdam');
  try {
    for (const config of [
      { name: 'adam' },
      { name: 'adam', weightDecay: 0.1 },
      { name: 'adamw', weightDecay: 0.05 },
    ] as const) {
      const before = spy.calls;
      const fused = run(true, config);
      assert.equal(spy.calls - before, 4, `${config.name}: fused kernel once per step`);
      const plain = run(false, config);
      assert.equal(spy.calls - before, 4, `${config.name}: element-wise path when PIPE_SIMD_KERNELS=off`);
      fused.forEach((a, k) => assert.deepEqual(Array.from(a), Array.from(plain[k]), `${config.name} ${['w', 'm', 'v'][k]}`));
    }
  } finally {
    spy.restore();
  }
});
