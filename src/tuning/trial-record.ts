// The result of one trial as the tune stage stores it (trials.json, see docs/internals.md).
// Plain JSON on purpose: samplers and pruners are computed from these records, in the lead
// process or in a worker.
import type { Params } from './search-space.js';

export type TrialState = 'complete' | 'pruned' | 'failed';

export interface TrialRecord {
  number: number;
  params: Params;
  state: TrialState;
  /** Best validation loss seen (over `intermediate`); null when the trial failed before one. */
  value: number | null;
  /** Validation loss after each epoch, epoch 0 first. */
  intermediate: number[];
  epochs: number;
  seconds: number;
}

/** Records sorted by trial number: every computation starts from this so `done`'s order never matters. */
export function byNumber<T extends { number: number }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => a.number - b.number);
}
