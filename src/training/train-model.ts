// The training loop: own batching, seeded everything, a checkpoint after every epoch, resume from it.
import { createHash } from 'node:crypto';
import { PipeError } from '../failure/pipe-error.js';
import { tf } from './tf.js';
import { batchArray, batchTensor, checkArrays, predict, sampleLayout, type Arrays } from './batches.js';
import { readCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint.js';
import { channelMeans, constantLoss, lossFn, pointLoss, type LossName } from './losses.js';
import { classificationLossFn, priorLoss, type ClassificationLoss } from './classification-losses.js';
import { Optimizer, type OptimizerConfig } from './optimizers.js';
import { LrSchedule, type ScheduleConfig } from './schedules.js';
import { SeededRandom } from './seeded-random.js';
import { shardingObstacle, shardSizes, startShards, threadsFromEnv, type ShardedStep } from './sharded-gradients.js';
import { addressableBytes, measureFootprint, planMicroBatch, type MemoryPlan, type MicroBatchSetting } from './memory-plan.js';
import { asOutOfMemory } from './wasm-heap.js';
import { assertTrainableOnBackend } from './trainable.js';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  loss: LossName;
  huberDelta?: number;
  /** The base learning rate; the schedule makes each step's from it (one-cycle: its peak). */
  lr: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Monitors the validation loss, or `monitor`. */
  earlyStopping?: { patience: number; minDelta: number; restoreBest: boolean };
  /**
   * A classification task: the loss is cross-entropy from logits (`loss` is then unused) and the dummy
   * is the training prior. Absent: regression with `loss`.
   */
  task?: ClassificationLoss;
  /**
   * What early stopping, reduce-on-plateau and the best epoch watch when not the validation loss: a
   * validation metric computed by TrainOptions.valMetric, improving in direction `mode`.
   */
  monitor?: { metric: string; mode: 'min' | 'max' };
  /** Clip gradients to this global L2 norm. */
  clipNorm?: number;
  /**
   * Samples per forward/backward pass; a batch larger than this is computed as micro-batches whose
   * gradients are summed (weighted by size) before one optimizer step. 'auto' or unset: the whole batch
   * when it fits in the backend's memory, else the largest micro-batch that does (memory-plan.ts).
   */
  microBatch?: MicroBatchSetting;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  train: number;
  val: number;
  lr: number;
  seconds: number;
}

export interface TrainResult {
  history: {
    train: number[];
    val: number[];
    lr: number[];
    dummy: { train: number; val: number };
    /** the monitored validation metric per epoch (monitor set only) */
    monitor?: { metric: string; mode: 'min' | 'max'; values: number[] };
    /** 0-based index into `val` of the best epoch. */
    bestEpoch: number;
    /** 0-based index of the last epoch that ran. */
    stoppedEpoch: number;
    seconds: number;
    loss: string;
  };
  status: 'complete' | 'stopped' | 'pruned';
}

/** A NaN or infinite loss: training stops with reason 'diverged'. */
export class DivergedError extends PipeError {
  constructor(
    readonly epoch: number,
    readonly lastGoodLoss: number,
  ) {
    super(
      'diverged',
      `training diverged in epoch ${epoch} (the loss is NaN or ` +
        `infinite${Number.isFinite(lastGoodLoss) ? `; the last finite epoch loss was ${lastGoodLoss}` : ' from the first epoch on'})`,
      { hint: 'lower the learning rate, or set train.clip_norm in pipeline.yaml' },
    );
  }
}

export interface TrainOptions {
  build: () => tf.LayersModel;
  train: Arrays;
  val: Arrays;
  config: TrainConfig;
  checkpointDir: string;
  onEpoch?: (r: EpochReport) => void;
  /** a problem worked around (a damaged checkpoint discarded); default: stderr */
  onWarning?: (message: string) => void;
  /** The monitored metric of the validation part, from the model's raw outputs on it (TrainConfig.monitor). */
  valMetric?: (outputs: Float32Array) => number;
  /** Pruner: true stops the training with status 'pruned'. */
  shouldStop?: (epoch: number, val: number) => boolean;
  /**
   * Threads computing each batch's gradient (data parallel, see sharded-gradients.ts); default: the
   * PIPE_TRAIN_THREADS environment variable, else 1. Results depend on this number (never on the machine),
   * and models it cannot shard exactly train on one thread. Leave it at 1 when processes already fill the cores.
   */
  threads?: number;
  /** What is trained, for messages ("plain_cnn_attention"). */
  label?: string;
  /** Told the memory plan once, before the first epoch. */
  onPlan?: (plan: MemoryPlan) => void;
  /** Plan micro-batches as if the backend could address only this many bytes (tests, benches). */
  memoryLimit?: number;
}

function validate(c: TrainConfig): void {
  const bad = (what: string): never => {
    throw new Error(`invalid training config: ${what}`);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1) bad(`epochs must be a positive integer, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) bad(`batchSize must be a positive integer, got ${c.batchSize}`);
  if (!(c.lr > 0)) bad(`lr must be > 0, got ${c.lr}`);
  if (c.clipNorm !== undefined && !(c.clipNorm > 0)) bad(`clipNorm must be > 0, got ${c.clipNorm}`);
  if (c.microBatch !== undefined && c.microBatch !== 'auto' && (!Number.isInteger(c.microBatch) || c.microBatch < 1))
    bad(`microBatch must be 'auto' or a positive integer, got ${c.microBatch}`);
}

const readWeights = (vars: tf.Tensor[]): Float32Array[] => vars.map((v) => (v.dataSync() as Float32Array).slice());

function assignWeights(vars: tf.Variable[], values: Float32Array[], what: string): void {
  if (values.length !== vars.length) throw new Error(`checkpoint ${what}: ${values.length} tensors for ${vars.length} variables`);
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
}

/** Mean loss over all cells of `a`, batch by batch, in inference mode. */
function evaluate(model: tf.LayersModel, a: Arrays, batchSize: number, loss: (t: tf.Tensor, p: tf.Tensor) => tf.Scalar): number {
  if (a.n === 0) return NaN;
  const { xs, ys, xSize, ySize } = sampleLayout(a);
  let sum = 0;
  for (let start = 0; start < a.n; start += batchSize) {
    const end = Math.min(a.n, start + batchSize);
    const l = tf.tidy(() => {
      const xb = batchTensor(a.x, xSize, xs, null, start, end);
      const yb = batchTensor(a.y, ySize, ys, null, start, end);
      return loss(yb, model.apply(xb) as tf.Tensor);
    });
    sum += l.dataSync()[0] * (end - start);
    l.dispose();
  }
  return sum / a.n;
}

export async function trainModel(opts: TrainOptions): Promise<{ model: tf.LayersModel; result: TrainResult }> {
  const { config, train, val } = opts;
  validate(config);
  checkArrays(train, 'training');
  checkArrays(val, 'validation');
  if (train.n === 0) throw new Error('training set is empty');
  const rng = new SeededRandom(config.seed);
  const model = rng.asMathRandom(() => opts.build());
  assertTrainableOnBackend(model);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const allVars = model.weights.map((w) => w.read() as tf.Variable);
  const optimizer = new Optimizer(config.optimizer, vars);
  const stepsPerEpoch = Math.ceil(train.n / config.batchSize);
  const mode = config.monitor?.mode ?? 'min';
  const schedule = new LrSchedule(config.schedule, config.lr, config.epochs * stepsPerEpoch, mode);
  const loss = config.task ? classificationLossFn(config.task) : lossFn(config.loss, config.huberDelta);
  const threads = opts.threads ?? threadsFromEnv();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`invalid threads: ${threads} (a positive integer)`);
  if (config.monitor && config.monitor.metric !== 'val_loss' && !opts.valMetric) throw new Error(`monitor ${config.monitor.metric} needs a valMetric`);
  // gradient workers rebuild the loss from its name: a classification loss trains on one thread
  const shards = threads > 1 && !config.task && shardingObstacle(model) === null ? threads : 1;
  const { xs, ys, xSize, ySize } = sampleLayout(train);
  const what = `${opts.label ?? 'the model'} at ${xs[0]}×${xs[1]}`;
  const plan = await memoryPlan(model, loss, {
    xs,
    ys,
    shards,
    what,
    batch: Math.min(config.batchSize, train.n),
    setting: config.microBatch,
    limit: opts.memoryLimit,
  });
  opts.onPlan?.(plan);
  // Below the batch only when it does not fit: otherwise every step and evaluation runs as it always has.
  const micro = plan.micro < plan.batch ? plan.micro : config.batchSize;
  // The shard count and micro-batch change the last bits of every step, so a checkpoint only resumes under the same ones.
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        config,
        shapes: [train.n, val.n, train.h, train.w, train.cin, train.cout, ...(train.factor !== 1 ? [train.factor] : [])],
        weights: allVars.map((v) => v.shape),
        ...(shards > 1 ? { shards } : {}),
        ...(micro < config.batchSize ? { micro } : {}),
      }),
    )
    .digest('hex');

  let state: CheckpointState = {
    key,
    epochsDone: 0,
    rng: rng.getState(),
    optimizerStep: 0,
    history: { train: [], val: [], lr: [], ...(config.monitor ? { monitor: [] } : {}) },
    plateau: schedule.getState(),
    early: { best: Infinity, bestEpoch: -1, wait: 0 },
    seconds: 0,
    finished: null,
  };
  let bestWeights: Float32Array[] = [];
  const ckpt = await readCheckpoint(opts.checkpointDir, key, opts.onWarning);
  if (ckpt !== null) {
    state = ckpt.state;
    assignWeights(allVars, ckpt.weights, 'weights');
    assignWeights(optimizer.slots.flat(), ckpt.slots, 'optimizer state');
    optimizer.step = state.optimizerStep;
    schedule.setState(state.plateau);
    bestWeights = ckpt.best;
  }
  const random = SeededRandom.fromState(state.rng);

  let dummy: { train: number; val: number };
  if (config.task) {
    dummy = { train: priorLoss(config.task, train.y, train.y, train.cout), val: priorLoss(config.task, train.y, val.y, train.cout) };
  } else {
    const cellLoss = pointLoss(config.loss, config.huberDelta);
    const means = channelMeans(train.y, train.cout);
    dummy = { train: constantLoss(train.y, train.cout, means, cellLoss), val: constantLoss(val.y, val.cout, means, cellLoss) };
  }

  const es = config.earlyStopping;
  let status: TrainResult['status'] = state.finished ?? 'complete';

  const update = (grads: tf.Tensor[], lr: number): void => {
    tf.tidy(() => {
      let gs = grads;
      if (config.clipNorm !== undefined) {
        const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
        const scale = tf.div(config.clipNorm, tf.maximum(norm, config.clipNorm));
        gs = gs.map((g) => tf.mul(g, scale));
      }
      optimizer.apply(gs, lr);
    });
  };
  const step = (xb: tf.Tensor, yb: tf.Tensor, lr: number): number => {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor), vars);
      update(
        vars.map((v) => grads[v.name]),
        lr,
      );
      return value;
    });
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  };
  // One batch as micro-batches: each one's mean-loss gradient, weighted by its share of the batch, is
  // summed before one update. Batch-norm layers see (and update their moving statistics from) each
  // micro-batch, as in PyTorch's gradient accumulation; dropout draws a mask per micro-batch.
  const accumulated = async (order: Int32Array | number[], start: number, end: number, lr: number): Promise<number> => {
    const b = end - start;
    let acc: tf.Tensor[] | null = null;
    let lossSum = 0;
    try {
      let from = start;
      for (const s of shardSizes(b, Math.ceil(b / micro))) {
        const to = from + s;
        let part: { loss: number; grads: tf.Tensor[] };
        if (sharded !== null) {
          part = await sharded.compute(batchArray(train.x, xSize, order, from, to), batchArray(train.y, ySize, order, from, to), s);
        } else {
          const xb = batchTensor(train.x, xSize, xs, order, from, to);
          const yb = batchTensor(train.y, ySize, ys, order, from, to);
          try {
            part = random.asMathRandom(() => gradients(xb, yb));
          } finally {
            tf.dispose([xb, yb]);
          }
        }
        const w = s / b;
        const prev: tf.Tensor[] | null = acc;
        acc = tf.tidy(() => part.grads.map((g, i) => (prev === null ? tf.mul(g, w) : tf.add(prev[i]!, tf.mul(g, w)))));
        tf.dispose(part.grads);
        if (prev !== null) tf.dispose(prev);
        lossSum += part.loss * w;
        from = to;
        await new Promise((r) => setImmediate(r));
      }
      update(acc!, lr);
    } finally {
      if (acc !== null) tf.dispose(acc);
    }
    return lossSum;
  };
  const gradients = (xb: tf.Tensor, yb: tf.Tensor): { loss: number; grads: tf.Tensor[] } => {
    const { value, grads } = tf.variableGrads(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor), vars);
    const l = value.dataSync()[0]!;
    value.dispose();
    return { loss: l, grads: vars.map((v) => grads[v.name]!) };
  };
  const sharded: ShardedStep | null =
    shards > 1
      ? startShards({
          model,
          shards,
          loss,
          lossName: config.loss,
          huberDelta: config.huberDelta,
          xShape: xs,
          yShape: ys,
        })
      : null;

  try {
    for (let epoch = state.epochsDone; epoch < config.epochs && state.finished === null; epoch++) {
      const t0 = performance.now();
      const order = random.permutation(train.n);
      const lr0 = schedule.at(optimizer.step);
      let sum = 0;
      for (let start = 0; start < train.n; start += config.batchSize) {
        const end = Math.min(train.n, start + config.batchSize);
        const lr = schedule.at(optimizer.step);
        let l: number;
        if (end - start > micro) {
          l = await accumulated(order, start, end, lr);
        } else if (sharded !== null) {
          const xa = batchArray(train.x, xSize, order, start, end);
          const { loss: value, grads } = await sharded.compute(xa, batchArray(train.y, ySize, order, start, end), end - start);
          try {
            update(grads, lr);
          } finally {
            tf.dispose(grads);
          }
          l = value;
        } else {
          const xb = batchTensor(train.x, xSize, xs, order, start, end);
          const yb = batchTensor(train.y, ySize, ys, order, start, end);
          try {
            l = random.asMathRandom(() => step(xb, yb, lr));
          } finally {
            tf.dispose([xb, yb]);
          }
        }
        if (!Number.isFinite(l)) throw new DivergedError(epoch, state.history.train.at(-1) ?? NaN);
        sum += l * (end - start);
        await new Promise((r) => setImmediate(r));
      }
      const trainLoss = sum / train.n;
      const valLoss = val.n > 0 ? evaluate(model, val, micro, loss) : trainLoss;
      if (!Number.isFinite(valLoss)) throw new DivergedError(epoch, state.history.train.at(-1) ?? NaN);
      // the watched value, as a number that improves downwards (a metric to maximise is negated)
      let watched = valLoss;
      if (config.monitor) {
        const value = config.monitor.metric === 'val_loss' ? valLoss : val.n > 0 ? opts.valMetric!(await predict(model, val, micro)) : NaN;
        state.history.monitor!.push(value);
        watched = Number.isFinite(value) ? (mode === 'max' ? -value : value) : Infinity;
      }
      schedule.endEpoch(config.monitor ? state.history.monitor!.at(-1)! : valLoss);
      const h = state.history;
      h.train.push(trainLoss);
      h.val.push(valLoss);
      h.lr.push(lr0);
      // The first epoch is the best so far even when the monitored metric is undefined there (a validation
      // part with one class has no AUROC): bestEpoch is always a real epoch.
      if (watched < state.early.best - (es?.minDelta ?? 0) || state.early.bestEpoch < 0) {
        state.early = { best: watched, bestEpoch: epoch, wait: 0 };
        if (es?.restoreBest) bestWeights = readWeights(allVars);
      } else {
        state.early.wait += 1;
      }
      if (es !== undefined && state.early.wait >= es.patience) status = 'stopped';
      else if (opts.shouldStop?.(epoch, valLoss)) status = 'pruned';
      const seconds = (performance.now() - t0) / 1000;
      state.seconds += seconds;
      state.epochsDone = epoch + 1;
      state.rng = random.getState();
      state.optimizerStep = optimizer.step;
      state.plateau = schedule.getState();
      if (status !== 'complete' || epoch + 1 === config.epochs) state.finished = status;
      await writeCheckpoint(opts.checkpointDir, {
        state,
        weights: readWeights(allVars),
        slots: readWeights(optimizer.slots.flat()),
        best: bestWeights,
      });
      opts.onEpoch?.({ epoch, epochs: config.epochs, train: trainLoss, val: valLoss, lr: lr0, seconds });
    }
  } catch (err) {
    throw asOutOfMemory(err, `${what}, batch ${config.batchSize}${micro < config.batchSize ? `, micro-batch ${micro}` : ''}`);
  } finally {
    await sharded?.close();
  }
  optimizer.dispose();
  if (es?.restoreBest && bestWeights.length > 0) assignWeights(allVars, bestWeights, 'best weights');

  const h = state.history;
  const watchedValues = config.monitor ? h.monitor!.map((v) => (Number.isFinite(v) ? (mode === 'max' ? -v : v) : Infinity)) : h.val;
  const bestEpoch = watchedValues.reduce((best, v, i) => (v < watchedValues[best]! ? i : best), 0);
  return {
    model,
    result: {
      history: {
        train: h.train,
        val: h.val,
        lr: h.lr,
        dummy,
        ...(config.monitor ? { monitor: { ...config.monitor, values: h.monitor! } } : {}),
        bestEpoch: es !== undefined ? state.early.bestEpoch : bestEpoch,
        stoppedEpoch: h.train.length - 1,
        seconds: state.seconds,
        // what the model trained with: a classification task trains with cross-entropy, not `loss`
        loss: config.task ? (config.task.type === 'multiclass' ? 'categorical_cross_entropy' : 'binary_cross_entropy') : config.loss,
      },
      status,
    },
  };
}

/** The micro-batch for this training: measured on wasm (the one backend whose memory pipe knows), as given elsewhere. */
async function memoryPlan(
  model: tf.LayersModel,
  loss: (t: tf.Tensor, p: tf.Tensor) => tf.Scalar,
  o: {
    xs: [number, number, number];
    ys: readonly number[];
    shards: number;
    what: string;
    batch: number;
    setting: MicroBatchSetting | undefined;
    limit?: number;
  },
): Promise<MemoryPlan> {
  const addressable = addressableBytes();
  const limit = addressable === null ? null : Math.min(addressable, o.limit ?? addressable);
  let footprint = null;
  if (limit !== null) {
    try {
      footprint = await measureFootprint(model, o.xs, o.ys, loss);
    } catch (err) {
      throw asOutOfMemory(err, `${o.what}: measuring one sample's training step`);
    }
  }
  // Besides the measured pass a step holds the summed gradients and the optimizer's temporaries.
  const weightBytes = model.trainableWeights.reduce((sum, w) => sum + 4 * w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
  return planMicroBatch({ setting: o.setting, batch: o.batch, shards: o.shards, footprint, limit, what: o.what, extra: 3 * weightBytes });
}
