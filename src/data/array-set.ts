import { DataError } from './data-error.js';

/**
 * The in-memory data set every stage works on (contract in docs/internals.md). Channels-last, C order:
 * sample i, row r, column c, channel k of x is x[((i * h + r) * w + c) * cin + k].
 */
export interface ArraySet {
  x: Float32Array; // [n, h, w, cin]
  y: Float32Array; // [n, h, w, cout]
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  simulation: Int32Array; // [n] simulation id of each sample (splits are by simulation)
  xChannels: string[];
  yChannels: string[];
}

/**
 * Checks that sizes and channel names agree; every constructor of an ArraySet from outside data (files,
 * JSON) calls this so that a mismatch is reported where it enters, not as a wrong index later.
 */
export function validateArraySet(set: ArraySet, where?: string): ArraySet {
  const fail = (message: string): never => {
    throw new DataError(message, where);
  };
  for (const key of ['n', 'h', 'w', 'cin', 'cout'] as const) {
    const v = set[key];
    if (!Number.isInteger(v) || v < 0) fail(`${key} must be a non-negative integer, got ${v}`);
  }
  if (set.h < 1 || set.w < 1 || set.cin < 1 || set.cout < 1) fail('h, w, cin and cout must be at least 1');
  const cells = set.n * set.h * set.w;
  if (set.x.length !== cells * set.cin) {
    fail(`x has ${set.x.length} values, expected n*h*w*cin = ${set.n}*${set.h}*${set.w}*${set.cin}`);
  }
  if (set.y.length !== cells * set.cout) {
    fail(`y has ${set.y.length} values, expected n*h*w*cout = ${set.n}*${set.h}*${set.w}*${set.cout}`);
  }
  if (set.simulation.length !== set.n) fail(`simulation has ${set.simulation.length} ids, expected n = ${set.n}`);
  if (set.xChannels.length !== set.cin) fail(`xChannels has ${set.xChannels.length} names, expected cin = ${set.cin}`);
  if (set.yChannels.length !== set.cout) fail(`yChannels has ${set.yChannels.length} names, expected cout = ${set.cout}`);
  return set;
}

/** Distinct simulation ids in order of first appearance. */
export function simulationIds(set: Pick<ArraySet, 'simulation'>): number[] {
  return [...new Set(set.simulation)];
}
