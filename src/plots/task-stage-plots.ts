/**
 * The charts of stages that learnt another task than map regression, from their result files alone: an
 * evaluate stage's probabilities or vector predictions (predictions/<model>/<set>-<part>.npy beside
 * targets/<set>-<part>.npy) and a train/tune stage's monitored metric (history.json's `monitor`).
 */
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readNpy } from '../data/npy.js';
import { isBaseline, type ModelColors } from './colors.js';
import { writeClassificationPlots, writeMetricCurve, writeParityPlots, type ClassifierPredictions, type PartVectorPredictions } from './task-plots.js';

interface TaskScores {
  targets?: { name: string }[];
}

/** The head of a task metrics.json that the charts need. */
export interface TaskMetricsHead {
  task?: { kind?: string; type?: string; classes?: number };
  target?: string;
  models: Record<string, { sets: Record<string, Record<string, TaskScores>> }>;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The part the charts show: the held-out test set when scored, else the last part in the file. */
function chartPart(m: TaskMetricsHead): { set: string; part: string } | undefined {
  const parts = Object.values(m.models).flatMap((ev) => Object.entries(ev.sets).flatMap(([set, ps]) => Object.keys(ps).map((part) => ({ set, part }))));
  return parts.find((p) => p.set === 'test' && p.part === 'test') ?? parts.at(-1);
}

/** What the evaluate stage's charts will be, or why there are none (the caller reports it). */
export function taskChartKind(m: TaskMetricsHead): 'classification' | 'vector' | string {
  if (m.task?.kind === 'classification') return m.task.type === 'multilabel' ? 'no charts for multilabel classification yet' : 'classification';
  if (m.target === 'vector') return 'vector';
  return `no charts for a ${m.task?.kind ?? 'regression'} task on a ${m.target ?? 'grid'} target`;
}

/**
 * Confusion matrices, ROC and PR curves (classification) or per-target parity charts (vector regression)
 * of the stage's trained models on its chart part (baselines are the reference lines, not contenders).
 * Returns the PNG paths and, when nothing could be drawn, the reason.
 */
export async function writeEvaluateTaskPlots(
  stage: string,
  stageDir: string,
  outDir: string,
  colors: ModelColors,
): Promise<{ images: string[]; skipped?: string }> {
  const m = JSON.parse(await readFile(path.join(stageDir, 'metrics.json'), 'utf8')) as TaskMetricsHead;
  const kind = taskChartKind(m);
  const on = chartPart(m);
  if (kind !== 'classification' && kind !== 'vector') return { images: [], skipped: kind };
  if (!on) return { images: [], skipped: 'metrics.json scores no set' };
  const key = `${on.set}-${on.part}`;
  const targetFile = path.join(stageDir, 'targets', `${key}.npy`);
  if (!(await exists(targetFile))) return { images: [], skipped: `targets/${key}.npy is missing` };
  const truth = await readNpy(targetFile);
  const models = Object.keys(m.models).filter((name) => !isBaseline(name));
  const label = on.set === on.part ? on.set : key;
  const loaded: { model: string; pred: Awaited<ReturnType<typeof readNpy>> }[] = [];
  for (const model of models) {
    const file = path.join(stageDir, 'predictions', model, `${key}.npy`);
    if (await exists(file)) loaded.push({ model, pred: await readNpy(file) });
  }
  if (loaded.length === 0) return { images: [], skipped: `no predictions/<model>/${key}.npy of a trained model` };
  if (kind === 'classification') {
    const predictions: ClassifierPredictions[] = loaded.map(({ model, pred }) => ({ model, part: label, yTrue: truth.values, yProb: pred.values }));
    return { images: await writeClassificationPlots(outDir, stage, predictions, colors) };
  }
  const names = m.models[loaded[0]!.model]!.sets[on.set]?.[on.part]?.targets?.map((t) => t.name);
  const k = truth.shape.at(-1) ?? 1;
  const targetNames = names?.length === k ? names : Array.from({ length: k }, (_, i) => `y${i}`);
  const predictions: PartVectorPredictions[] = loaded.map(({ model, pred }) => ({ model, part: label, yTrue: truth.values, yPred: pred.values, targetNames }));
  return { images: await writeParityPlots(outDir, stage, predictions, colors) };
}

interface MonitorHistory {
  monitor?: { metric: string; mode: 'max' | 'min'; values: (number | null)[] };
}

/** A train/tune stage's monitored-metric curve when its models' history.json have a `monitor`, else nothing. */
export async function writeMonitorCurve(stage: string, stageDir: string, outDir: string, colors: ModelColors): Promise<string[]> {
  const dir = path.join(stageDir, 'models');
  if (!(await exists(dir))) return [];
  const histories: { model: string; values: (number | null)[] }[] = [];
  let monitor: { metric: string; mode: 'max' | 'min' } | undefined;
  for (const e of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, e.name, 'history.json');
    if (!(await exists(file))) continue;
    const h = JSON.parse(await readFile(file, 'utf8')) as MonitorHistory;
    if (!h.monitor || h.monitor.metric === 'val_loss') continue;
    monitor ??= h.monitor;
    if (h.monitor.metric === monitor.metric) histories.push({ model: e.name, values: h.monitor.values });
  }
  if (!monitor || histories.length === 0) return [];
  return [await writeMetricCurve(outDir, stage, monitor.metric, monitor.mode, histories, colors)];
}
