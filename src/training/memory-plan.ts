// How many samples one step can hold in memory, decided before training starts. The footprint is measured:
// tf.profile() over one forward + backward pass at 1 and at 2 samples gives the peak bytes of live
// tensors, base + b·perSample. Tensor bytes depend only on the model, the input shape, the backend and its
// kernels — never on the machine or its free memory — so `auto` picks the same micro-batch everywhere and
// needs no place in the fingerprint (everything it depends on is there already).
import { tf } from './tf.js';
import { SeededRandom } from './seeded-random.js';
import { formatBytes, OutOfMemoryError, SHRINK_MODEL_HINT, wasmHeapLimit } from './wasm-heap.js';

/**
 * Peak bytes of live tensors of one step on b samples (per tfjs instance): about base + b·perSample;
 * `one` is the measured peak at one sample, null where even that did not fit in the heap.
 */
export interface Footprint {
  base: number;
  perSample: number;
  one: number | null;
}

/**
 * Share of the heap `auto` plans to fill. The rest absorbs what tensor bytes do not count: allocator
 * fragmentation (the heap never shrinks, and freed blocks do not always fit the next tensor) and scratch
 * buffers inside kernels.
 */
export const HEAP_MARGIN = 0.7;

export type MicroBatchSetting = number | 'auto';

export interface MemoryPlan {
  /** samples per micro-batch (= batch when the whole batch fits) */
  micro: number;
  batch: number;
  /** micro-batches per full batch */
  steps: number;
  /** bytes of tensors a step of `micro` samples is estimated to hold per tfjs instance, or null when not measured */
  estimate: number | null;
  /** what the backend can address, or null where pipe knows no limit (native TensorFlow) */
  limit: number | null;
  footprint: Footprint | null;
}

/** Bytes the current backend can address, or null where pipe knows no fixed limit. */
export function addressableBytes(): number | null {
  return tf.getBackend() === 'wasm' ? wasmHeapLimit() : null;
}

/**
 * The footprint of a training step (forward, loss and gradients; `training` false: a forward pass in
 * inference mode). Leaves the model as it was: batch-norm statistics are restored and random draws
 * (dropout) come from a throw-away generator, so measuring never changes a result.
 */
export async function measureFootprint(
  model: tf.LayersModel,
  xs: [number, number, number],
  ys: readonly number[],
  loss: ((t: tf.Tensor, p: tf.Tensor) => tf.Scalar) | null,
): Promise<Footprint> {
  const state = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
  const saved = state.map((v) => (v.dataSync() as Float32Array).slice());
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const peak = async (b: number): Promise<number> => {
    const info = await profiled(() => {
      new SeededRandom(b).asMathRandom(() =>
        tf.tidy(() => {
          const xb = tf.zeros([b, ...xs]);
          if (loss === null) {
            model.apply(xb);
            return;
          }
          const yb = tf.zeros([b, ...ys]);
          tf.variableGrads(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor), vars);
        }),
      );
    });
    return info.peakBytes;
  };
  const before = tf.memory().numBytes;
  try {
    let one: number;
    try {
      one = await peak(1);
    } catch (err) {
      // Not even one sample fits: what it needs is more than the heap holds.
      if (!(err instanceof OutOfMemoryError)) throw err;
      return { base: 0, perSample: Infinity, one: null };
    }
    try {
      const perSample = Math.max(0, (await peak(2)) - one);
      return { base: one - perSample, perSample, one };
    } catch (err) {
      // One sample fits, two do not: count every byte above what was live before as per-sample.
      if (!(err instanceof OutOfMemoryError)) throw err;
      return { base: before, perSample: Math.max(0, one - before), one };
    }
  } finally {
    tf.tidy(() => state.forEach((v, i) => v.assign(tf.tensor(saved[i], v.shape))));
  }
}

/**
 * tf.profile, such that an allocation failing inside it reaches the caller: profiling times each kernel
 * with the backend's async `time()`, which would turn the throw into an unhandled rejection (and the
 * kernel's result into undefined), so a synchronous timer stands in while it runs. Profiling is left off
 * when the measured function throws (tfjs would leave it on).
 */
async function profiled(fn: () => void): Promise<{ peakBytes: number }> {
  const backend = tf.backend() as unknown as { time: (f: () => void) => Promise<unknown> };
  const time = backend.time;
  backend.time = (f) => {
    const t0 = performance.now();
    f();
    return Promise.resolve({ kernelMs: performance.now() - t0 });
  };
  try {
    return await tf.profile(fn);
  } catch (err) {
    (tf.engine() as unknown as { state: { profiling: boolean } }).state.profiling = false;
    throw err;
  } finally {
    backend.time = time;
  }
}

/**
 * The micro-batch for a batch of `batch` samples split over `shards` tfjs instances: the whole batch when
 * it fits (so a study whose batches fit trains exactly as without micro-batching), else the largest that
 * fits; an explicit setting is used as given unless it cannot fit at all. Throws OutOfMemoryError, with
 * the numbers, when nothing fits.
 */
export function planMicroBatch(opts: {
  setting: MicroBatchSetting | undefined;
  batch: number;
  shards: number;
  footprint: Footprint | null;
  limit: number | null;
  /** what is trained, for messages: "plain_cnn_attention at 64×64" */
  what: string;
  /** bytes the step holds besides the measured pass (accumulated gradients, optimizer temporaries) */
  extra?: number;
}): MemoryPlan {
  const { batch, shards, footprint, limit, what } = opts;
  const wanted = opts.setting === undefined || opts.setting === 'auto' ? batch : Math.min(opts.setting, batch);
  const plan = (micro: number): MemoryPlan => ({
    micro,
    batch,
    steps: Math.ceil(batch / micro),
    limit,
    footprint,
    estimate: footprint === null ? null : bytesFor(micro),
  });
  if (footprint === null || limit === null) return plan(wanted);
  const extra = opts.extra ?? 0;
  function bytesFor(m: number): number {
    return footprint!.base + extra + Math.ceil(m / shards) * footprint!.perSample;
  }
  const budget = limit * HEAP_MARGIN;
  const largest = footprint.perSample > 0 ? Math.floor((budget - footprint.base - extra) / footprint.perSample) * shards : batch;
  const numbers =
    `a step on ${wanted} sample${wanted === 1 ? '' : 's'} needs about ${formatBytes(bytesFor(wanted))} of tensors ` +
    `(${formatBytes(footprint.perSample)} per sample${shards > 1 ? ` on each of ${shards} threads` : ''}, plus ${formatBytes(footprint.base + extra)} ` +
      `for weights, optimizer state and gradients); ` +
    `the ${tf.getBackend()} backend can address ${formatBytes(limit)}, of which pipe plans to fill ${Math.round(HEAP_MARGIN * 100)} %`;
  if (footprint.one === null || largest < 1 || footprint.one + extra > budget) {
    const needs =
      footprint.one === null
        ? `does not fit in the ${formatBytes(limit)} the ${tf.getBackend()} backend can address`
        : `needs about ${formatBytes(footprint.one + extra)} of tensors; pipe plans to fill at most ${Math.round(HEAP_MARGIN * 100)} % ` +
          `(${formatBytes(budget)}) of the ${formatBytes(limit)} the ${tf.getBackend()} backend can address`;
    throw new OutOfMemoryError(`${what}, batch ${batch}: even one sample does not fit: a step on one sample ${needs}`, SHRINK_MODEL_HINT);
  }
  if (opts.setting === undefined || opts.setting === 'auto') return plan(Math.min(batch, largest));
  // An explicit micro-batch is the user's call; refuse it only when it cannot fit at all.
  if (bytesFor(wanted) > limit) {
    throw new OutOfMemoryError(
      `${what}, batch ${batch}, micro_batch ${opts.setting}: ${numbers}`,
      `set train.micro_batch to ${Math.min(batch, largest)} or less, or leave it out (auto)`,
    );
  }
  return plan(wanted);
}

/** One line for progress: what the plan uses. */
export function describePlan(p: MemoryPlan): string {
  const est =
    p.estimate === null ? '' : `about ${formatBytes(p.estimate)} of tensors per step${p.limit !== null ? ` (of ${formatBytes(p.limit)} addressable)` : ''}; `;
  return p.steps === 1
    ? `memory: ${est}whole batches of ${p.batch}`
    : `memory: ${est}batches of ${p.batch} as ${p.steps} micro-batches of ≤ ${p.micro} (gradients accumulated)`;
}

const inferenceFootprints = new WeakMap<tf.LayersModel, Map<string, Footprint>>();

/**
 * Samples per forward pass for inference on `batch` samples: `batch` when it fits, else the largest
 * number that does (measured once per model and input shape). Per-sample outputs do not depend on it.
 */
export async function inferenceBatch(model: tf.LayersModel, xs: [number, number, number], batch: number, memoryLimit?: number): Promise<number> {
  const addressable = addressableBytes();
  if (addressable === null || batch <= 1) return batch;
  const limit = Math.min(addressable, memoryLimit ?? addressable);
  const byShape = inferenceFootprints.get(model) ?? new Map<string, Footprint>();
  inferenceFootprints.set(model, byShape);
  const shape = xs.join('x');
  let footprint = byShape.get(shape);
  if (footprint === undefined) {
    footprint = await measureFootprint(model, xs, xs, null);
    byShape.set(shape, footprint);
  }
  return planMicroBatch({ setting: undefined, batch, shards: 1, footprint, limit, what: `inference at ${xs[0]}×${xs[1]}` }).micro;
}
