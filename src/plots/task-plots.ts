/**
 * The plots of classification and vector-regression heads, from predictions in memory: one call per
 * stage writes every PNG, so `pipe plot` and the report need only hand over what evaluate computed.
 */
import path from 'node:path';
import { binaryMetrics, multiclassMetrics } from '../metrics/classification.js';
import { type ModelColors, modelColors } from './colors.js';
import { renderConfusionMatrix } from './confusion-matrix.js';
import { type MetricHistory, metricCurveConfig } from './metric-curve.js';
import { parityChartConfig, type VectorPredictions } from './parity-chart.js';
import { renderChart } from './render-chart.js';
import { prChartConfig, rocChartConfig } from './roc-pr-charts.js';

/** A classifier's probabilities on one set part: binary when yProb has one value per label, else n × classes. */
export interface ClassifierPredictions {
  model: string;
  /** e.g. 'test' or 'big-val'; names the files */
  part: string;
  yTrue: ArrayLike<number>;
  yProb: ArrayLike<number>;
  /** default ['negative', 'positive'] for binary, 'class 0' … for multiclass */
  classNames?: string[];
}

export type PartVectorPredictions = VectorPredictions & { part: string };

/** A name made safe for a file name (target names come from the data's channel names). */
export const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '_');

const SQUARE = { width: 1200, height: 1100 };

function byPart<T extends { part: string }>(items: T[]): Map<string, T[]> {
  const parts = new Map<string, T[]>();
  for (const item of items) parts.set(item.part, [...(parts.get(item.part) ?? []), item]);
  return parts;
}

/**
 * Per model and part a confusion matrix; per part, for binary classifiers, the ROC and precision–recall
 * curves of all models together. Files: `<stage>-confusion-<model>-<part>.png`, `<stage>-roc-<part>.png`,
 * `<stage>-pr-<part>.png`; returns their paths.
 */
export async function writeClassificationPlots(
  outDir: string,
  stage: string,
  predictions: ClassifierPredictions[],
  /** the study's colours (plotStudy's), so a model has one colour in every chart; default: from these models */
  colors: ModelColors = modelColors(predictions.map((p) => p.model)),
): Promise<string[]> {
  const written: string[] = [];
  for (const [part, models] of byPart(predictions)) {
    const binary = models.filter((m) => m.yProb.length === m.yTrue.length);
    for (const m of models) {
      const isBinary = m.yProb.length === m.yTrue.length;
      const classes = isBinary ? 2 : m.yProb.length / Math.max(1, m.yTrue.length);
      if (!Number.isInteger(classes)) throw new RangeError(`${m.model} on ${part}: ${m.yProb.length} probabilities for ${m.yTrue.length} labels`);
      const classNames = m.classNames ?? (isBinary ? ['negative', 'positive'] : Array.from({ length: classes }, (_, c) => `class ${c}`));
      const matrix = isBinary ? binaryMetrics(m.yProb, m.yTrue).confusion : multiclassMetrics(m.yProb, m.yTrue, classes).confusion;
      const title = `Stage ${stage}: ${m.model} on ${part}${isBinary ? ' (threshold 0.5)' : ''}`;
      written.push(
        await renderConfusionMatrix({ title, matrix, classNames }, path.join(outDir, `${stage}-confusion-${fileSafe(m.model)}-${fileSafe(part)}.png`)),
      );
    }
    if (binary.length === 0) continue;
    const roc = rocChartConfig(`Stage ${stage}: ROC on ${part}`, binary, colors);
    written.push(await renderChart(roc, path.join(outDir, `${stage}-roc-${fileSafe(part)}.png`), SQUARE));
    const pr = prChartConfig(`Stage ${stage}: precision–recall on ${part}`, binary, colors);
    written.push(await renderChart(pr, path.join(outDir, `${stage}-pr-${fileSafe(part)}.png`), SQUARE));
  }
  return written;
}

/** Per part and target one parity chart of all models: `<stage>-parity-<part>-<target>.png`. */
export async function writeParityPlots(
  outDir: string,
  stage: string,
  predictions: PartVectorPredictions[],
  colors: ModelColors = modelColors(predictions.map((p) => p.model)),
): Promise<string[]> {
  const written: string[] = [];
  for (const [part, models] of byPart(predictions)) {
    const names = models[0]!.targetNames;
    for (const m of models) {
      if (m.targetNames.join('\0') !== names.join('\0')) throw new RangeError(`${m.model} on ${part}: targets ${m.targetNames} differ from ${names}`);
    }
    for (let t = 0; t < names.length; t++) {
      const config = parityChartConfig(`Stage ${stage} on ${part}`, t, models, colors);
      written.push(await renderChart(config, path.join(outDir, `${stage}-parity-${fileSafe(part)}-${fileSafe(names[t]!)}.png`), SQUARE));
    }
  }
  return written;
}

/** The monitored metric's learning curves of a train/tune stage: `<stage>-<metric>.png`. */
export async function writeMetricCurve(
  outDir: string,
  stage: string,
  metric: string,
  mode: 'max' | 'min',
  histories: MetricHistory[],
  colors: ModelColors = modelColors(histories.map((h) => h.model)),
): Promise<string> {
  return renderChart(metricCurveConfig(`Stage ${stage}`, metric, mode, histories, colors), path.join(outDir, `${stage}-${fileSafe(metric)}.png`));
}
