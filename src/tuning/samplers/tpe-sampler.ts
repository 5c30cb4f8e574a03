// Tree-structured Parzen Estimator (independent per parameter, as in hyperopt and Optuna's
// default TPE). Until `n_startup` usable trials exist in earlier batches, trials are random.
// After that, the earlier trials are ranked, the best ceil(gamma·n) form the "good" group, the
// rest the "bad" one; per parameter a Parzen density l(x) is fitted to the good group and g(x)
// to the bad one (in log space for log_uniform, over categories with a prior for choice), and
// the best of `n_ei_candidates` draws from l by l(x)/g(x) is proposed.
//
// Ranking: complete trials by value; then pruned trials, deeper ones first (they are compared by
// their best value so far, which is not comparable with a finished run's, so they never rank above
// a complete trial, as in Optuna); then trials whose value is not finite. Failed trials and trials
// with no value are ignored: a crash says nothing about the parameters' quality.
//
// All trials of one batch share the same good/bad split (it depends only on earlier batches) and
// differ through their own random streams (seed, trial number, parameter).
import { randomParams } from './random-sampler.js';
import { rngFor } from '../../random/seeded-random.js';
import type { Dimension, Params, ParamValue, SearchSpace } from '../search-space.js';
import type { TrialRecord } from '../trial-record.js';
import { TuningConfigError } from '../tuning-error.js';
import type { TpeSamplerConfig } from './sampler-config.js';
import type { Sampler } from './sampler.js';
import { categoricalParzen, categoricalSample, numericLogPdf, numericParzen, numericSample } from './parzen.js';

function rankGroup(r: TrialRecord): number {
  if (!Number.isFinite(r.value)) return 2;
  return r.state === 'complete' ? 0 : 1;
}

export function rankTrials(history: readonly TrialRecord[]): TrialRecord[] {
  const usable = history.filter((r) => r.state !== 'failed' && r.value !== null);
  return usable.sort((a, b) => {
    const ga = rankGroup(a);
    const gb = rankGroup(b);
    if (ga !== gb) return ga - gb;
    if (ga === 1 && a.epochs !== b.epochs) return b.epochs - a.epochs;
    if (ga < 2 && a.value !== b.value) return a.value! - b.value!;
    return a.number - b.number;
  });
}

function historyValue(name: string, dim: Dimension, r: TrialRecord): ParamValue {
  const v = r.params[name];
  const ok = dim.kind === 'choice' ? dim.values.includes(v as ParamValue) : typeof v === 'number';
  if (v === undefined || !ok) {
    throw new TuningConfigError(
      `tpe sampler: trial ${r.number} has ${v === undefined ? 'no value' : `value ${JSON.stringify(v)}`} for '${name}', ` +
        `which does not fit this search space; trials from another space cannot guide this one`,
      ['space', name],
    );
  }
  return v;
}

function sampleNumeric(
  dim: Exclude<Dimension, { kind: 'choice' }>,
  good: number[],
  bad: number[],
  cfg: TpeSamplerConfig,
  rng: () => number,
): number {
  const log = dim.kind === 'log_uniform';
  const half = dim.kind === 'int' ? dim.step / 2 : 0;
  const toInternal = (v: number) => (log ? Math.log(v) : v);
  const low = toInternal(dim.low) - half;
  const high = toInternal(dim.high) + half;
  const l = numericParzen(good.map(toInternal), low, high, cfg.prior_weight);
  const g = numericParzen(bad.map(toInternal), low, high, cfg.prior_weight);
  let best = Number.NaN;
  let bestScore = -Infinity;
  for (let i = 0; i < cfg.n_ei_candidates; i++) {
    let x = numericSample(l, rng);
    if (dim.kind === 'int') {
      const steps = Math.round((x - dim.low) / dim.step);
      x = dim.low + dim.step * Math.min(Math.max(steps, 0), (dim.high - dim.low) / dim.step);
    }
    const score = numericLogPdf(l, x) - numericLogPdf(g, x);
    if (Number.isNaN(best) || score > bestScore) {
      best = x;
      bestScore = score;
    }
  }
  if (dim.kind === 'log_uniform') return Math.min(dim.high, Math.max(dim.low, Math.exp(best)));
  return best;
}

function sampleChoice(values: ParamValue[], good: ParamValue[], bad: ParamValue[], cfg: TpeSamplerConfig, rng: () => number): ParamValue {
  const l = categoricalParzen(good.map((v) => values.indexOf(v)), values.length, cfg.prior_weight);
  const g = categoricalParzen(bad.map((v) => values.indexOf(v)), values.length, cfg.prior_weight);
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < cfg.n_ei_candidates; i++) {
    const c = categoricalSample(l, rng);
    const score = l.logProbs[c]! - g.logProbs[c]!;
    if (best < 0 || score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return values[best]!;
}

export function tpeSampler(space: SearchSpace, cfg: TpeSamplerConfig, seed: number): Sampler {
  return {
    maxTrials: Infinity,
    sample(trialNumber, history) {
      const ranked = rankTrials(history);
      if (ranked.length < cfg.n_startup) return randomParams(space, seed, trialNumber);
      const nGood = Math.min(ranked.length, Math.max(1, Math.ceil(cfg.gamma * ranked.length)));
      const params: Params = {};
      for (const [name, dim] of Object.entries(space)) {
        const good = ranked.slice(0, nGood).map((r) => historyValue(name, dim, r));
        const bad = ranked.slice(nGood).map((r) => historyValue(name, dim, r));
        const rng = rngFor(seed, trialNumber, 'tpe', name);
        params[name] =
          dim.kind === 'choice'
            ? sampleChoice(dim.values, good, bad, cfg, rng)
            : sampleNumeric(dim, good as number[], bad as number[], cfg, rng);
      }
      return params;
    },
  };
}
