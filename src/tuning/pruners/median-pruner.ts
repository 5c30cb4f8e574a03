// Median stopping rule (as Optuna's MedianPruner): stop a trial at epoch e when its best value
// so far is worse than the median of the values that complete earlier-batch trials had at epoch e.
import { median } from 'simple-statistics';
import type { TrialRecord } from '../trial-record.js';
import type { MedianPrunerConfig } from './pruner-config.js';

export function medianShouldPrune(cfg: MedianPrunerConfig, earlier: readonly TrialRecord[], valuesSoFar: readonly number[], epoch: number): boolean {
  if (epoch < cfg.n_warmup_steps) return false;
  const complete = earlier.filter((r) => r.state === 'complete');
  if (complete.length === 0 || complete.length < cfg.n_startup_trials) return false;
  const atEpoch = complete.map((r) => r.intermediate[epoch]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (atEpoch.length < cfg.n_min_trials) return false;
  // Best so far over finite values: one NaN epoch (handled by the caller if latest) must not poison the minimum.
  const best = Math.min(...valuesSoFar.filter(Number.isFinite));
  return best > median(atEpoch);
}
