import { DataError } from './data-error.js';

/**
 * What y holds per sample: a map on the output grid ('grid', the default: absent means grid, so every set
 * made before vector targets existed keeps its bytes and hashes) or one vector of `cout` values
 * ('vector': a storm's intensity and position, a class label per sample).
 */
export type TargetKind = 'grid' | 'vector';

/**
 * The in-memory data set every stage works on (contract in docs/internals.md). Channels-last, C order:
 * sample i, row r, column c, channel k of y is y[((i * h + r) * w + c) * cout + k]; x is the same on its
 * own grid, `factor` times finer than y's in each direction (a terrain finer than the output grid).
 * A vector target (target 'vector') is y[i * cout + k]; h and w are then x's grid and factor is 1.
 */
export interface ArraySet {
  x: Float32Array; // [n, h * factor, w * factor, cin]
  y: Float32Array; // [n, h, w, cout], or [n, cout] for a vector target
  n: number;
  /** the output (y) grid */
  h: number;
  w: number;
  /** x's grid is factor × finer than y's in both directions; 1 = the same grid */
  factor: number;
  cin: number;
  cout: number;
  simulation: Int32Array; // [n] simulation id of each sample (splits are by simulation)
  xChannels: string[];
  yChannels: string[];
  /** absent = 'grid' */
  target?: TargetKind;
}

export function isVectorTarget(set: Pick<ArraySet, 'target'>): boolean {
  return set.target === 'vector';
}

/** Values of one y sample: h·w·cout on the grid, cout for a vector target. */
export function ySampleSize(set: Pick<ArraySet, 'h' | 'w' | 'cout' | 'target'>): number {
  return isVectorTarget(set) ? set.cout : set.h * set.w * set.cout;
}

/** For the parts of pipe that draw or score maps (RAE, prediction maps, persistence): a vector target is refused by name. */
export function assertGridTarget(set: Pick<ArraySet, 'target' | 'cout'>, what: string): void {
  if (isVectorTarget(set)) {
    throw new DataError(
      `${what} needs a target map per sample (y of shape [n, h, w] or [n, h, w, channels]); this data has a vector of ${set.cout} per sample`,
      undefined,
      'vector targets are scored per target (MAE, RMSE, R², Pearson r) instead',
    );
  }
}

/**
 * Checks that sizes and channel names agree; every constructor of an ArraySet from outside data (files,
 * JSON) calls this so that a mismatch is reported where it enters, not as a wrong index later.
 */
export function validateArraySet(set: ArraySet, where?: string): ArraySet {
  const fail = (message: string): never => {
    throw new DataError(message, where);
  };
  for (const key of ['n', 'h', 'w', 'factor', 'cin', 'cout'] as const) {
    const v = set[key];
    if (!Number.isInteger(v) || v < 0) fail(`${key} must be a non-negative integer, got ${v}`);
  }
  if (set.target !== undefined && set.target !== 'grid' && set.target !== 'vector') fail(`target must be 'grid' or 'vector', got ${set.target}`);
  if (isVectorTarget(set) && set.factor !== 1) fail(`a vector target has factor 1 (h, w are x's grid), got factor ${set.factor}`);
  if (set.h < 1 || set.w < 1 || set.factor < 1 || set.cin < 1 || set.cout < 1) fail('h, w, factor, cin and cout must be at least 1');
  const cells = set.n * set.h * set.w;
  if (set.x.length !== cells * set.factor ** 2 * set.cin) {
    const [xh, xw] = [set.h * set.factor, set.w * set.factor];
    fail(`x has ${set.x.length} values, expected n*(h*factor)*(w*factor)*cin = ${set.n}*${xh}*${xw}*${set.cin}`);
  }
  if (isVectorTarget(set)) {
    if (set.y.length !== set.n * set.cout) fail(`y has ${set.y.length} values, expected n*cout = ${set.n}*${set.cout} (a vector target)`);
  } else if (set.y.length !== cells * set.cout) {
    fail(`y has ${set.y.length} values, expected n*h*w*cout = ${set.n}*${set.h}*${set.w}*${set.cout}`);
  }
  if (set.simulation.length !== set.n) fail(`simulation has ${set.simulation.length} ids, expected n = ${set.n}`);
  if (set.xChannels.length !== set.cin) fail(`xChannels has ${set.xChannels.length} names, expected cin = ${set.cin}`);
  if (set.yChannels.length !== set.cout) fail(`yChannels has ${set.yChannels.length} names, expected cout = ${set.cout}`);
  return set;
}

/** Values of one x sample: (h·factor)·(w·factor)·cin. */
export function xSampleSize(set: Pick<ArraySet, 'h' | 'w' | 'factor' | 'cin'>): number {
  return set.h * set.w * set.factor ** 2 * set.cin;
}

/** Distinct simulation ids in order of first appearance. */
export function simulationIds(set: Pick<ArraySet, 'simulation'>): number[] {
  return [...new Set(set.simulation)];
}
