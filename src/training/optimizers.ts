// Adam, AdamW (decoupled weight decay, as torch.optim.AdamW) and SGD with momentum, written out so that
// their state (moments, step count) is plain tensors a checkpoint can save and restore exactly.
import { fusedAdam, tf } from './tf.js';

/** The update rule; its learning rate comes from the schedule at every step (see apply). */
export interface OptimizerConfig {
  name: 'adam' | 'adamw' | 'sgd';
  weightDecay?: number;
  momentum?: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

export class Optimizer {
  step = 0;
  /** Per variable: [m, v] for Adam(W), [velocity] for SGD with momentum, [] for plain SGD. */
  slots: tf.Variable[][];

  constructor(
    private readonly config: OptimizerConfig,
    private readonly vars: tf.Variable[],
  ) {
    const count = config.name === 'sgd' ? ((config.momentum ?? 0) > 0 ? 1 : 0) : 2;
    this.slots = vars.map((v) => Array.from({ length: count }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
  }

  /** Applies one update with learning rate `lr`; `grads` are in the order of the variables. */
  apply(grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const c = this.config;
    tf.tidy(() => {
      if (c.name === 'sgd') {
        const mom = c.momentum ?? 0;
        const wd = c.weightDecay ?? 0;
        this.vars.forEach((w, i) => {
          // torch.optim.SGD: L2 decay added to the gradient, then momentum buffer b = μb + g.
          let g = wd > 0 ? tf.add(grads[i], tf.mul(w, wd)) : grads[i];
          if (mom > 0) {
            const buf = this.slots[i][0];
            const b = this.step === 1 ? g : tf.add(tf.mul(buf, mom), g);
            buf.assign(b);
            g = b;
          }
          w.assign(tf.sub(w, tf.mul(g, lr)));
        });
        return;
      }
      const bc1 = 1 - BETA1 ** this.step;
      const bc2 = 1 - BETA2 ** this.step;
      const stepSize = lr / bc1;
      const decay = c.name === 'adamw' ? 1 - lr * (c.weightDecay ?? 0.01) : 1;
      const l2 = c.name === 'adam' ? (c.weightDecay ?? 0) : 0;
      this.vars.forEach((w, i) => {
        const [m, v] = this.slots[i];
        const fused = fusedAdam(w, grads[i], m, v, { b1: BETA1, c1: 1 - BETA1, b2: BETA2, c2: 1 - BETA2, bc2, eps: EPS, stepSize, decay, l2 });
        if (fused) {
          m.assign(fused[1]);
          v.assign(fused[2]);
          w.assign(fused[0]);
          return;
        }
        const g = l2 > 0 ? tf.add(grads[i], tf.mul(w, l2)) : grads[i];
        const m1 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
        const v1 = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
        m.assign(m1);
        v.assign(v1);
        const denom = tf.add(tf.sqrt(tf.div(v1, bc2)), EPS);
        const base = decay === 1 ? w : tf.mul(w, decay);
        w.assign(tf.sub(base, tf.mul(tf.div(m1, denom), stepSize)));
      });
    });
  }

  dispose(): void {
    for (const s of this.slots) for (const v of s) v.dispose();
  }
}
