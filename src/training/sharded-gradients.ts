// Opt-in data parallelism inside one training process (DESIGN.md, "Training engine": tfjs-wasm runs one
// thread per instance). Each batch is cut into `shards` contiguous parts of fixed sizes; the main thread
// computes part 0 and worker_threads (each with its own tfjs-wasm instance) the others, from the same
// weights. The batch gradient is the size-weighted sum of the parts' gradients, added in shard order, so a
// run is bit-identical across runs and machines for a given shard count (but not equal to a 1-shard run:
// float sums associate differently). Off unless asked for, because the runner already fills the cores
// with one training process per core.
import { Worker } from 'node:worker_threads';
import { tf } from './tf.js';
import type { GradReply, GradRequest, GradWorkerInit } from './grad-worker.js';
import type { LossName } from './losses.js';
import { OutOfMemoryError } from './wasm-heap.js';

export { THREADS_ENV, threadsFromEnv } from './env.js';

// Layers that hold no state besides trainable weights and draw no random numbers in training mode, so a
// copy rebuilt from the topology computes exactly what the main model computes.
const STATELESS = new Set([
  'InputLayer', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Dense',
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D',
  'AveragePooling2D', 'UpSampling2D', 'Concatenate', 'Add', 'Multiply', 'Subtract', 'Average', 'Maximum',
  'Minimum', 'Flatten', 'Reshape', 'Permute', 'ZeroPadding2D', 'Cropping2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'Sequential', 'Functional', 'Model',
]);

/** Why `model` cannot be sharded on this backend, or null when it can. */
export function shardingObstacle(model: tf.LayersModel): string | null {
  if (tf.getBackend() !== 'wasm') return `backend is '${tf.getBackend()}', not wasm`;
  if (model.nonTrainableWeights.length > 0) return 'the model has non-trainable weights (state a worker copy would not share)';
  const visit = (layers: tf.layers.Layer[]): string | null => {
    for (const layer of layers) {
      const cls = layer.getClassName();
      if (!STATELESS.has(cls)) return `layer '${layer.name}' (${cls}) is not known to be stateless and deterministic`;
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) {
        const inner = visit(nested);
        if (inner !== null) return inner;
      }
    }
    return null;
  };
  return visit(model.layers);
}

/** Sample counts of the shards of a batch of `b`: fixed by (b, shards) alone; empty shards are dropped. */
export function shardSizes(b: number, shards: number): number[] {
  const per = Math.ceil(b / shards);
  const sizes: number[] = [];
  for (let start = 0; start < b; start += per) sizes.push(Math.min(per, b - start));
  return sizes;
}

interface Pending {
  resolve: (r: GradReply) => void;
  reject: (e: Error) => void;
}

class GradWorker {
  private readonly worker: Worker;
  private pending: Pending | null = null;
  private failure: Error | null = null;

  constructor(init: GradWorkerInit) {
    const here = import.meta.url;
    // Sources run through tsx (tests, bench) resolve the .ts file; the compiled build the .js one.
    const fromSource = here.endsWith('.ts');
    const file = new URL(fromSource ? './grad-worker.ts' : './grad-worker.js', here);
    // A worker does not get the main thread's module hooks: from source it registers tsx's, then loads.
    const tsx = fromSource ? import.meta.resolve('tsx/esm/api') : '';
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
    this.worker = fromSource ? new Worker(boot, { eval: true, workerData: init }) : new Worker(file, { workerData: init });
    this.worker.on('message', (r: GradReply) => {
      const p = this.pending;
      this.pending = null;
      p?.resolve(r);
    });
    const fail = (e: Error): void => {
      this.failure = e;
      const p = this.pending;
      this.pending = null;
      p?.reject(e);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (this.pending !== null) fail(new Error(`gradient worker exited with code ${code}`));
    });
  }

  request(req: GradRequest): Promise<GradReply> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(req, [req.x.buffer as ArrayBuffer, req.y.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export interface ShardedStep {
  /** Mean loss and gradients (one per trainable variable, in order) of the batch `x`/`y` of `b` samples. */
  compute(x: Float32Array, y: Float32Array, b: number): Promise<{ loss: number; grads: tf.Tensor[] }>;
  close(): Promise<void>;
}

export function startShards(opts: {
  model: tf.LayersModel;
  shards: number;
  loss: (t: tf.Tensor, p: tf.Tensor) => tf.Scalar;
  lossName: LossName;
  huberDelta?: number;
  xShape: [number, number, number];
  yShape: number[];
}): ShardedStep {
  const { model, shards, loss, xShape, yShape } = opts;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const topology = model.toJSON(undefined, false);
  const init: GradWorkerInit = { topology, loss: opts.lossName, huberDelta: opts.huberDelta, xShape, yShape };
  const workers = Array.from({ length: shards - 1 }, () => new GradWorker(init));
  const xSize = xShape[0] * xShape[1] * xShape[2];
  const ySize = yShape.reduce((p, d) => p * d, 1);

  const local = (x: Float32Array, y: Float32Array, b: number): { loss: number; grads: tf.Tensor[] } =>
    tf.tidy(() => {
      const xb = tf.tensor4d(x, [b, ...xShape]);
      const yb = tf.tensor(y, [b, ...yShape]);
      const { value, grads } = tf.variableGrads(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor), vars);
      const gs = vars.map((v) => grads[v.name]);
      return { loss: value.dataSync()[0], grads: gs.map((g) => tf.keep(g)) };
    });

  return {
    async compute(x, y, b) {
      const sizes = shardSizes(b, shards);
      if (sizes.length === 1) return local(x, y, b);
      const weights = vars.map((v) => v.dataSync() as Float32Array);
      const replies: Promise<GradReply>[] = [];
      let start = sizes[0];
      for (let k = 1; k < sizes.length; k++) {
        const end = start + sizes[k];
        replies.push(workers[k - 1].request({
          weights: weights.map((w) => w.slice()),
          x: x.slice(start * xSize, end * xSize),
          y: y.slice(start * ySize, end * ySize),
          b: sizes[k],
        }));
        start = end;
      }
      // Part 0 runs here while the workers run theirs.
      const first = local(x.subarray(0, sizes[0] * xSize), y.subarray(0, sizes[0] * ySize), sizes[0]);
      let others: GradReply[];
      try {
        others = await Promise.all(replies);
      } catch (err) {
        tf.dispose(first.grads);
        throw err;
      }
      const failed = others.find((r) => !r.ok);
      if (failed !== undefined && !failed.ok) {
        tf.dispose(first.grads);
        throw failed.outOfMemory ? new OutOfMemoryError(failed.error) : new Error(`gradient worker failed: ${failed.error}`);
      }
      let lossSum = (first.loss * sizes[0]) / b;
      const grads = tf.tidy(() => {
        let acc = first.grads.map((g) => tf.mul(g, sizes[0] / b));
        others.forEach((r, k) => {
          if (!r.ok) return;
          const wk = sizes[k + 1] / b;
          lossSum += r.loss * wk;
          acc = acc.map((a, i) => tf.add(a, tf.mul(tf.tensor(r.grads[i], vars[i].shape), wk)));
        });
        return acc;
      });
      tf.dispose(first.grads);
      return { loss: lossSum, grads };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
