// Asynchronous successive halving (ASHA, as Optuna's SuccessiveHalvingPruner). Rungs sit at
// min_resource · η^k completed epochs. At a rung a trial goes on only if its best value so far
// is among the top 1/η of the rung's values: those of earlier-batch trials that reached the rung
// (complete or pruned there or later) plus its own. While fewer than η values compete, only a
// trial at least as good as all of them goes on (Optuna's rule).
//
// Unlike Optuna, a rung with fewer than `bootstrap_count` earlier trials lets every trial through
// instead of stopping it: with batches, stopping the first trials would only waste them.
import type { TrialRecord } from '../trial-record.js';
import type { SuccessiveHalvingPrunerConfig } from './pruner-config.js';

/** The rung index whose resource is exactly `epochsDone`, or -1. */
export function rungAt(cfg: SuccessiveHalvingPrunerConfig, epochsDone: number): number {
  let resource = cfg.min_resource;
  for (let k = 0; resource <= epochsDone; k++, resource *= cfg.reduction_factor) {
    if (resource === epochsDone) return k;
  }
  return -1;
}

function bestOfFirst(values: readonly number[], n: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && v < best) best = v;
  }
  return best;
}

export function successiveHalvingShouldPrune(
  cfg: SuccessiveHalvingPrunerConfig,
  earlier: readonly TrialRecord[],
  valuesSoFar: readonly number[],
  epoch: number,
): boolean {
  const resource = epoch + 1;
  if (rungAt(cfg, resource) < 0) return false;
  const competitors = earlier
    .filter((r) => r.state !== 'failed' && r.intermediate.length >= resource)
    .map((r) => bestOfFirst(r.intermediate, resource));
  if (competitors.length < cfg.bootstrap_count) return false;
  const own = bestOfFirst(valuesSoFar, resource);
  const competing = [...competitors, own].sort((a, b) => a - b);
  const promotable = Math.max(0, Math.floor(competing.length / cfg.reduction_factor) - 1);
  return !(own <= competing[promotable]!);
}
