// A worker_thread holding its own tfjs-wasm instance and a copy of the model: given the current weights
// and one shard of a batch, it returns that shard's mean loss and gradients (see sharded-gradients.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from './tf.js';
import { lossFn, type LossName } from './losses.js';
import { asOutOfMemory, OutOfMemoryError } from './wasm-heap.js';

export interface GradWorkerInit {
  topology: unknown;
  loss: LossName;
  huberDelta?: number;
  xShape: [number, number, number];
  yShape: number[];
}

export interface GradRequest {
  weights: Float32Array[];
  x: Float32Array;
  y: Float32Array;
  b: number;
}

export type GradReply = { ok: true; loss: number; grads: Float32Array[] } | { ok: false; error: string; outOfMemory?: boolean };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('grad-worker must run as a worker_thread');
  const init = workerData as GradWorkerInit;
  await initBackend('wasm');
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as never);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = lossFn(init.loss, init.huberDelta);
  port.on('message', (req: GradRequest | null) => {
    if (req === null) {
      port.close();
      return;
    }
    try {
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(req.weights[i], v.shape))));
      const xb = tf.tensor4d(req.x, [req.b, ...init.xShape]);
      const yb = tf.tensor(req.y, [req.b, ...init.yShape]);
      const { value, grads } = tf.variableGrads(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor), vars);
      const out = vars.map((v) => (grads[v.name].dataSync() as Float32Array).slice());
      const l = value.dataSync()[0];
      tf.dispose([xb, yb, value, ...Object.values(grads)]);
      const reply: GradReply = { ok: true, loss: l, grads: out };
      port.postMessage(
        reply,
        out.map((g) => g.buffer),
      );
    } catch (caught) {
      const err = asOutOfMemory(caught, `gradient worker, ${req.b} samples`);
      const reply: GradReply = { ok: false, error: (err as Error).message, ...(err instanceof OutOfMemoryError ? { outOfMemory: true } : {}) };
      port.postMessage(reply);
    }
  });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ ok: false, error: `grad-worker failed to start: ${(err as Error).message}` } satisfies GradReply);
});
