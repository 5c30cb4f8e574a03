import type { Params } from '../search-space.js';
import type { TrialRecord } from '../trial-record.js';

/**
 * Proposes the parameters of one trial. `history` holds only trials of earlier batches, sorted by
 * number; the result must depend on nothing but the seed, the trial number and `history`.
 */
export interface Sampler {
  sample(trialNumber: number, history: readonly TrialRecord[]): Params;
  /** The most trials worth running (a grid has a finite number of points); Infinity otherwise. */
  readonly maxTrials: number;
}
