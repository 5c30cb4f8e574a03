/**
 * evaluate's outputs for classification and vector regression (main-process side): metrics.json (task,
 * target, baselines, models with their per-part scores), metrics.csv (one row per model, set and part;
 * vector regression: one row per target), and the headline metrics for pipeline.lock.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from '../api.js';
import type { TaskSettings } from '../task-settings.js';
import type { ClassScores } from './class-scores.js';
import type { TaskModelEval, VectorScores } from './evaluate-task-unit.js';

const round = (x: number) => Number(x.toPrecision(6));
const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

export async function writeTaskMetrics(
  outDir: string,
  metrics: Record<string, TaskModelEval & { from: string }>,
  baselines: string[],
  task: TaskSettings,
): Promise<Record<string, Json>> {
  const first = Object.values(metrics)[0];
  const target = first?.target ?? 'grid';
  const cls = first?.task === 'classification';
  await writeFile(join(outDir, 'metrics.json'), JSON.stringify({ task, target, baselines, models: metrics }, null, 1));
  const rows: string[] = [];
  const headline: Record<string, Json> = {};
  const common = (m: string, ev: TaskModelEval & { from: string }, set: string, part: string, seen: string, n: number) => [m, ev.from, set, part, seen, n];
  const tail = (ev: TaskModelEval) => [ev.params, ev.bytes, cell(ev.trainSeconds), cell(ev.inferenceMsPerSample)];
  const scores = cls ? 'accuracy,balanced_accuracy,precision,recall,f1,auroc,average_precision,log_loss' : 'target,mae,rmse,r2,pearson';
  rows.push(`model,from,set,part,seen,n,${scores},params,bytes,train_seconds,inference_ms_per_sample`);
  for (const [m, ev] of Object.entries(metrics)) {
    for (const [set, parts] of Object.entries(ev.sets)) {
      for (const [part, pm] of Object.entries(parts)) {
        const seen = pm.seen ?? '';
        const key = `${m}.${set}.${part}`;
        if (cls) {
          const s = pm as ClassScores;
          rows.push(
            [
              ...common(m, ev, set, part, seen, s.n),
              ...[s.accuracy, s.balanced_accuracy, s.precision, s.recall, s.f1, s.auroc, s.average_precision, s.log_loss].map(cell),
              ...tail(ev),
            ].join(','),
          );
          for (const k of ['accuracy', 'balanced_accuracy', 'f1', 'auroc', 'log_loss'] as const) {
            const v = s[k];
            if (typeof v === 'number' && Number.isFinite(v)) headline[`${k}.${key}`] = round(v);
          }
        } else {
          const s = pm as VectorScores;
          for (const t of s.targets)
            rows.push([...common(m, ev, set, part, seen, s.n), t.name, cell(t.mae), cell(t.rmse), cell(t.r2), cell(t.pearson), ...tail(ev)].join(','));
          headline[`mae.${key}`] = round(s.mae);
          if (s.r2 !== null) headline[`r2.${key}`] = round(s.r2);
        }
      }
    }
  }
  await writeFile(join(outDir, 'metrics.csv'), `${rows.join('\n')}\n`);
  return headline;
}
