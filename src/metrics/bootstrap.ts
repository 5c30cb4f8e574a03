/**
 * How reliable a ranking by validation loss is: a paired bootstrap over validation simulations (samples
 * of one simulation are strongly correlated, so simulations, not samples, are resampled). Every resample
 * draws the same simulations for every model, so "A beats B" is judged on the same data each time.
 */
import { quantileSorted } from 'simple-statistics';

export interface ModelSampleLosses {
  model: string;
  /** per validation sample: its mean loss */
  loss: ArrayLike<number>;
  /** per validation sample: its simulation id (the same order for every model) */
  simulation: ArrayLike<number>;
}

export interface RankingSpread {
  model: string;
  /** the mean over all validation samples (what the ranking uses when weights are restored to the best epoch) */
  mean: number;
  /** 95 % percentile interval of the mean over resamples; null with fewer than 2 validation simulations */
  interval: [number, number] | null;
  /** share of resamples in which this model's mean is lower than the next-ranked model's (null for the
   *  last, and with fewer than 2 validation simulations: one simulation cannot tell how reliable an order is) */
  beatsNext: number | null;
  /** how many validation simulations the resamples draw from */
  simulations: number;
}

/** `ranked` in ranking order; `random` uniform in [0, 1) (seeded by the caller). */
export function rankingSpread(ranked: ModelSampleLosses[], resamples: number, random: () => number): RankingSpread[] {
  if (!ranked.length) return [];
  const sims = [...new Set(Array.from(ranked[0]!.simulation))].sort((a, b) => a - b);
  // per model, per simulation: loss sum and sample count
  const perSim = ranked.map((m) => {
    if (m.loss.length !== m.simulation.length) throw new RangeError(`${m.model}: ${m.loss.length} losses for ${m.simulation.length} samples`);
    const sum = new Map<number, number>();
    const count = new Map<number, number>();
    for (let i = 0; i < m.loss.length; i++) {
      const s = m.simulation[i]!;
      sum.set(s, (sum.get(s) ?? 0) + m.loss[i]!);
      count.set(s, (count.get(s) ?? 0) + 1);
    }
    return { sum, count };
  });
  const means: number[][] = ranked.map(() => []);
  const wins = ranked.map(() => 0);
  for (let b = 0; b < resamples; b++) {
    const draw = sims.map(() => sims[Math.floor(random() * sims.length)]!);
    const m = perSim.map(({ sum, count }) => {
      let s = 0;
      let c = 0;
      for (const d of draw) {
        s += sum.get(d) ?? 0;
        c += count.get(d) ?? 0;
      }
      return s / c;
    });
    m.forEach((v, i) => means[i]!.push(v));
    for (let i = 0; i + 1 < m.length; i++) if (m[i]! < m[i + 1]!) wins[i]!++;
  }
  const spread = sims.length >= 2;
  return ranked.map((r, i) => {
    const sorted = means[i]!.sort((a, b) => a - b);
    const all = Array.from(r.loss).reduce((a, v) => a + v, 0) / r.loss.length;
    return {
      model: r.model,
      mean: all,
      interval: spread ? [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)] : null,
      beatsNext: spread && i + 1 < ranked.length ? wins[i]! / resamples : null,
      simulations: sims.length,
    };
  });
}
