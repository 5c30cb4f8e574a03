/**
 * `pipe metrics` for an evaluate stage that scored a classification task or a vector target: a table of
 * its scores per model, set and part (vector regression: per target), or the same rows as JSON.
 */
import { readFileSync } from 'node:fs';
import { formatTable } from '../table.js';

type Scores = Record<string, unknown> & { seen?: string | null; targets?: Record<string, unknown>[] };

interface TaskMetricsFile {
  task?: { kind?: string };
  target?: string;
  models: Record<string, { sets: Record<string, Record<string, Scores>> }>;
}

/** The rows of a task metrics.json, or undefined for map regression (the RAE table). */
export function taskMetricsRows(file: string): Record<string, unknown>[] | undefined {
  const m = JSON.parse(readFileSync(file, 'utf8')) as TaskMetricsFile;
  const vector = m.target === 'vector';
  const cls = m.task?.kind === 'classification';
  if (!vector && !cls) return undefined;
  const rows: Record<string, unknown>[] = [];
  for (const [model, ev] of Object.entries(m.models)) {
    for (const [set, parts] of Object.entries(ev.sets)) {
      for (const [part, s] of Object.entries(parts)) {
        const base = { model, set, part, seen: s.seen ?? null };
        if (cls) {
          const pick = ['n', 'accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'auroc', 'average_precision', 'log_loss'];
          rows.push({ ...base, ...Object.fromEntries(pick.map((k) => [k, s[k] ?? null])) });
        } else {
          for (const t of s.targets ?? []) rows.push({ ...base, n: s.n, target: t.name, mae: t.mae, rmse: t.rmse, r2: t.r2, pearson: t.pearson });
        }
      }
    }
  }
  return rows;
}

export function taskMetricsTable(rows: Record<string, unknown>[]): string {
  if (!rows.length) return 'no scores\n';
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v));
  return formatTable([keys, ...rows.map((r) => keys.map((k) => cell(r[k])))]);
}

/**
 * The report's task tables: per evaluate stage that scored a task, its rows on the held-out test part (every
 * part when it has none), as columns and values.
 */
export function taskTables(stages: { stage: string; file: string }[]): { stage: string; part: string; columns: string[]; rows: unknown[][] }[] {
  return stages.flatMap(({ stage, file }) => {
    const all = taskMetricsRows(file);
    if (!all?.length) return [];
    const test = all.filter((r) => r.set === 'test' && r.part === 'test');
    const rows = test.length > 0 ? test : all;
    const columns = Object.keys(rows[0]!).filter((k) => test.length === 0 || (k !== 'set' && k !== 'part' && k !== 'seen'));
    return [{ stage, part: test.length > 0 ? 'test / test' : 'every set and part', columns, rows: rows.map((r) => columns.map((k) => r[k] ?? null)) }];
  });
}
