import { median } from 'simple-statistics';
import { finite, isTaskMetrics, metricsSchema, readResultJson, type Metrics } from './result-files.js';
import { modelOrder, setParts } from './set-parts.js';

/** One row of the report's headline table: a model on one set/part. */
export interface MetricsRow {
  model: string;
  set: string;
  part: string;
  n: number;
  medianRae: number | null;
  mae: number | null;
  r2: number | null;
  params: number;
  msPerSample: number | null;
  unit: string;
  /** what the model saw of this part (train / val), null when held out */
  seen: 'train' | 'val' | null;
  /** 1 − MAE / MAE of the part's strongest baseline, and that baseline's name */
  skillMae: number | null;
  skillVs: string | null;
  /** the same for the median RAE */
  skillRae: number | null;
  skillRaeVs: string | null;
}

/** Headline numbers per model × set/part from metrics.json; median RAE from the per-sample values. */
export function headlineMetrics(metrics: Metrics): MetricsRow[] {
  const rows: MetricsRow[] = [];
  for (const g of setParts(metrics)) {
    for (const model of modelOrder(metrics)) {
      const m = metrics.models[model]!;
      const part = m.sets[g.set]?.[g.part];
      if (!part) continue;
      const rae = finite(part.rae);
      rows.push({
        model, set: g.set, part: g.part, n: part.n,
        medianRae: rae.length > 0 ? median(rae) : null,
        mae: part.mae, r2: part.r2, params: m.params, msPerSample: m.inferenceMsPerSample ?? null, unit: metrics.unit,
        seen: part.seen ?? null, skillMae: part.skill?.mae?.value ?? null, skillVs: part.skill?.mae?.vs ?? null,
        skillRae: part.skill?.rae?.value ?? null, skillRaeVs: part.skill?.rae?.vs ?? null,
      });
    }
  }
  return rows;
}

/** undefined for classification or vector-regression scores (no RAE table). */
export async function readHeadlineMetrics(metricsJson: string): Promise<MetricsRow[] | undefined> {
  if (await isTaskMetrics(metricsJson)) return undefined;
  return headlineMetrics(await readResultJson(metricsJson, metricsSchema));
}
