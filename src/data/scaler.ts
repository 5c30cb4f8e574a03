import { z } from 'zod';
import type { ArraySet } from './array-set.js';
import { DataError } from './data-error.js';

/**
 * Per-channel standardisation (x − mean) / std for inputs and targets, fitted on the training part only
 * so no statistic of validation or test data leaks into training. Population std; a constant channel
 * gets std 1 so it maps to 0 instead of dividing by zero.
 */

const statsSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) });
const scalerSchema = z.object({ x: statsSchema, y: statsSchema, xChannels: z.array(z.string()), yChannels: z.array(z.string()) });
export type ScalerJson = z.infer<typeof scalerSchema>;
interface Stats {
  mean: number[];
  std: number[];
}

function channelStats(values: Float32Array, channels: number): Stats {
  const count = values.length / channels;
  const mean = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) mean[i % channels]! += values[i]!;
  for (let c = 0; c < channels; c++) mean[c]! /= count;
  // Second pass over deviations: the one-pass E[x²] − E[x]² loses digits for large offsets (elevations).
  const variance = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean[i % channels]!;
    variance[i % channels]! += d * d;
  }
  const std = Array.from(variance, (v) => {
    const s = Math.sqrt(v / count);
    return s > 0 && Number.isFinite(s) ? s : 1;
  });
  return { mean: Array.from(mean), std };
}

function transform(values: Float32Array, { mean, std }: Stats, invert: boolean): Float32Array {
  const channels = mean.length;
  if (values.length % channels !== 0) throw new RangeError(`${values.length} values do not split into ${channels} channels`);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    out[i] = invert ? values[i]! * std[c]! + mean[c]! : (values[i]! - mean[c]!) / std[c]!;
  }
  return out;
}

export class Scaler {
  private constructor(
    readonly x: Stats,
    readonly y: Stats,
    readonly xChannels: string[],
    readonly yChannels: string[],
  ) {}

  /**
   * Fits on `train` (pass the training part, never the whole set). `scaleY: false` leaves the targets as
   * they are (mean 0, std 1): class labels are indices, not quantities.
   */
  static fit(train: ArraySet, opts: { scaleY?: boolean } = {}): Scaler {
    if (train.n === 0) throw new DataError('cannot fit a scaler on an empty training set');
    const y =
      opts.scaleY === false ? { mean: new Array<number>(train.cout).fill(0), std: new Array<number>(train.cout).fill(1) } : channelStats(train.y, train.cout);
    return new Scaler(channelStats(train.x, train.cin), y, [...train.xChannels], [...train.yChannels]);
  }

  static fromJSON(json: unknown, file?: string): Scaler {
    const parsed = scalerSchema.safeParse(json);
    if (!parsed.success) throw new DataError(`invalid scaler: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, file);
    const { x, y, xChannels, yChannels } = parsed.data;
    if (x.mean.length !== x.std.length || x.mean.length !== xChannels.length || y.mean.length !== y.std.length || y.mean.length !== yChannels.length) {
      throw new DataError('invalid scaler: mean, std and channel lists differ in length', file);
    }
    return new Scaler(x, y, xChannels, yChannels);
  }

  toJSON(): ScalerJson {
    return { x: this.x, y: this.y, xChannels: this.xChannels, yChannels: this.yChannels };
  }

  applyX(x: Float32Array): Float32Array {
    return transform(x, this.x, false);
  }

  applyY(y: Float32Array): Float32Array {
    return transform(y, this.y, false);
  }

  /** Normalised predictions back to physical units. */
  invertY(y: Float32Array): Float32Array {
    return transform(y, this.y, true);
  }

  /** A normalised copy of a set (same samples and ids). */
  applySet(set: ArraySet): ArraySet {
    if (set.cin !== this.x.mean.length || set.cout !== this.y.mean.length) {
      throw new DataError(`scaler was fitted on ${this.x.mean.length}→${this.y.mean.length} channels, the set has ${set.cin}→${set.cout}`);
    }
    return {
      ...set,
      x: this.applyX(set.x),
      y: this.applyY(set.y),
      simulation: set.simulation.slice(),
      xChannels: [...set.xChannels],
      yChannels: [...set.yChannels],
    };
  }
}
