// Pruning is a pure function of plain JSON, so a worker process can decide by itself.
//
// Reproducibility under parallelism: `earlier` must hold only trials of batches before the
// trial's own (see `earlierRecords`). Trials of the same batch run concurrently and finish in an
// order that depends on --jobs and timing; were they used, the same seed could prune differently.
import type { TrialRecord } from '../trial-record.js';
import { medianShouldPrune } from './median-pruner.js';
import type { PrunerConfig } from './pruner-config.js';
import { successiveHalvingShouldPrune } from './successive-halving-pruner.js';

/**
 * Whether to stop a trial after `epoch` (0-based). `valuesSoFar` holds its validation losses of
 * epochs 0..epoch. A non-finite latest value (diverged training) is always pruned, except by `none`.
 */
export function pruneDecision(cfg: PrunerConfig, earlier: readonly TrialRecord[], valuesSoFar: readonly number[], epoch: number): boolean {
  if (!Number.isInteger(epoch) || epoch < 0 || valuesSoFar.length !== epoch + 1) {
    throw new RangeError(`pruneDecision: expected the ${epoch + 1} values of epochs 0..${epoch}, got ${valuesSoFar.length}`);
  }
  if (cfg.name === 'none') return false;
  if (!Number.isFinite(valuesSoFar[epoch]!)) return true;
  switch (cfg.name) {
    case 'median':
      return medianShouldPrune(cfg, earlier, valuesSoFar, epoch);
    case 'successive_halving':
      return successiveHalvingShouldPrune(cfg, earlier, valuesSoFar, epoch);
  }
}
