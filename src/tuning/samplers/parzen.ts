// One-dimensional Parzen estimators for TPE (after Bergstra et al. 2011 and hyperopt/Optuna's
// univariate TPE): a mixture of Gaussians truncated to [low, high], one per observation plus a
// broad prior component, with each bandwidth set by the distance to its neighbours.
import { errorFunction } from 'simple-statistics';
import { normal, type Random as Rng } from '../../random/seeded-random.js';

export interface NumericParzen {
  low: number;
  high: number;
  mus: number[];
  sigmas: number[];
  weights: number[]; // normalised
  logMass: number[]; // log of each component's probability mass inside [low, high]
}

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / SQRT2));
}

export function numericParzen(observations: readonly number[], low: number, high: number, priorWeight: number): NumericParzen {
  const range = high - low;
  const priorMu = 0.5 * (low + high);
  const centres = [...observations.map((mu) => ({ mu, prior: false })), { mu: priorMu, prior: true }];
  // Stable sort by position; the prior sorts after an equal observation so ties do not depend on input order.
  centres.sort((a, b) => a.mu - b.mu || Number(a.prior) - Number(b.prior));
  const n = centres.length;
  // hyperopt's "magic clip": bandwidths no narrower than range/min(100, n), no wider than range.
  const minSigma = range / Math.min(100, n);
  const mus: number[] = [];
  const sigmas: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = centres[i]!;
    const left = c.mu - (i > 0 ? centres[i - 1]!.mu : low);
    const right = (i < n - 1 ? centres[i + 1]!.mu : high) - c.mu;
    mus.push(c.mu);
    sigmas.push(c.prior ? range : Math.min(range, Math.max(minSigma, left, right)));
    weights.push(c.prior ? priorWeight : 1);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const logMass = mus.map((mu, i) => {
    const s = sigmas[i]!;
    return Math.log(Math.max(1e-300, normalCdf((high - mu) / s) - normalCdf((low - mu) / s)));
  });
  return { low, high, mus, sigmas, weights: weights.map((w) => w / total), logMass };
}

export function numericLogPdf(p: NumericParzen, x: number): number {
  // log-sum-exp over components, for narrow kernels far from x.
  const terms = p.mus.map((mu, i) => {
    const s = p.sigmas[i]!;
    const z = (x - mu) / s;
    return Math.log(p.weights[i]!) - 0.5 * z * z - LOG_SQRT_2PI - Math.log(s) - p.logMass[i]!;
  });
  const max = Math.max(...terms);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
}

function pickComponent(weights: readonly number[], rng: Rng): number {
  let u = rng();
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

export function numericSample(p: NumericParzen, rng: Rng): number {
  const i = pickComponent(p.weights, rng);
  const mu = p.mus[i]!;
  const s = p.sigmas[i]!;
  // Rejection sampling: every component keeps at least ~15% of its mass inside the bounds
  // (|mu| within the range, sigma <= range), so this practically always accepts early.
  for (let attempt = 0; attempt < 64; attempt++) {
    const x = mu + s * normal(rng);
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, mu));
}

export interface CategoricalParzen {
  logProbs: number[];
}

/** Counts per category plus the prior weight spread evenly over the categories. */
export function categoricalParzen(indices: readonly number[], size: number, priorWeight: number): CategoricalParzen {
  const w = new Array<number>(size).fill(priorWeight / size);
  for (const i of indices) w[i]! += 1;
  const total = w.reduce((a, b) => a + b, 0);
  return { logProbs: w.map((x) => Math.log(x / total)) };
}

export function categoricalSample(p: CategoricalParzen, rng: Rng): number {
  return pickComponent(p.logProbs.map(Math.exp), rng);
}
