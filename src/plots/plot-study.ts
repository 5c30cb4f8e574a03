import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { modelColors } from './colors.js';
import { learningCurvesConfig, readHistories, type ModelHistory } from './learning-curves.js';
import { renderPredictionMaps } from './prediction-maps.js';
import { raeBoxplot } from './rae-boxplot.js';
import { renderChart } from './render-chart.js';
import { isTaskMetrics, metricsSchema, readResultJson, trialsSchema, type Metrics, type Trial } from './result-files.js';
import { comparisonSet, tradeoffConfig } from './tradeoff-chart.js';
import { tuningHistoryConfig } from './tuning-history.js';
import { writeEvaluateTaskPlots, writeMonitorCurve } from './task-stage-plots.js';

export type StageKind = 'train' | 'tune' | 'evaluate' | 'shell';

export interface PlotStudyOptions {
  resultsDir: string;
  stages: { name: string; kind: StageKind }[];
  /** Stage names to plot; all when absent. */
  only?: string[];
  width?: number;
  height?: number;
  /** Told about each stage that has nothing to plot yet; defaults to a line on stderr. */
  onSkip?: (stage: string, reason: string) => void;
}

/** Where plots go: `<resultsDir>/plots/`. */
export const plotsDir = (resultsDir: string) => path.join(resultsDir, 'plots');

interface StageData {
  name: string;
  dir: string;
  histories?: ModelHistory[];
  trials?: Trial[];
  metrics?: Metrics;
  /** an evaluate stage that scored a classification task or a vector target: its models */
  taskModels?: string[];
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

async function hasHistories(stageDir: string): Promise<boolean> {
  const dir = path.join(stageDir, 'models');
  if (!(await exists(dir))) return false;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && (await exists(path.join(dir, e.name, 'history.json')))) return true;
  }
  return false;
}

/** Loads what a stage has to plot, or says why there is nothing (missing files); malformed files throw. */
async function loadStage(resultsDir: string, name: string, kind: StageKind): Promise<StageData | string> {
  const dir = path.join(resultsDir, name);
  if (kind === 'shell') return 'shell stages have no charts';
  if (!(await exists(dir))) return `no results yet (${dir} is missing: run \`pipe run --stage ${name}\`)`;
  const data: StageData = { name, dir };
  if ((kind === 'train' || kind === 'tune') && (await hasHistories(dir))) data.histories = await readHistories(dir);
  if (kind === 'tune' && (await exists(path.join(dir, 'trials.json')))) {
    data.trials = await readResultJson(path.join(dir, 'trials.json'), trialsSchema);
  }
  if (kind === 'evaluate' && (await exists(path.join(dir, 'metrics.json')))) {
    const task = await isTaskMetrics(path.join(dir, 'metrics.json'));
    if (task) data.taskModels = Object.keys((JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8')) as { models: object }).models);
    else data.metrics = await readResultJson(path.join(dir, 'metrics.json'), metricsSchema);
  }
  if (!data.histories && !data.trials && !data.metrics && !data.taskModels) {
    const expected = { train: 'models/<model>/history.json', tune: 'trials.json', evaluate: 'metrics.json' }[kind];
    return `no ${expected} in ${dir} (stage incomplete?)`;
  }
  return data;
}

/**
 * Renders every chart of the study's finished stages to `<resultsDir>/plots/*.png` from the result files
 * alone, and returns their paths in stage order. Stages without results are skipped and reported.
 */
export async function plotStudy(opts: PlotStudyOptions): Promise<string[]> {
  const onSkip = opts.onSkip ?? ((stage, reason) => process.stderr.write(`pipe plot: skipping stage ${stage}: ${reason}\n`));
  const only = opts.only ? new Set(opts.only) : null;
  if (only) {
    const unknown = [...only].filter((s) => !opts.stages.some((st) => st.name === s));
    if (unknown.length > 0) {
      throw new Error(`unknown stage(s) ${unknown.join(', ')}: the study has ${opts.stages.map((s) => s.name).join(', ')}`);
    }
  }
  const loaded: StageData[] = [];
  for (const { name, kind } of opts.stages) {
    if (only && !only.has(name)) continue;
    const data = await loadStage(opts.resultsDir, name, kind);
    if (typeof data === 'string') onSkip(name, data);
    else loaded.push(data);
  }
  // One colour per model across all charts of this run.
  const colors = modelColors(
    loaded.flatMap((s) => [...(s.histories ?? []).map((h) => h.model), ...Object.keys(s.metrics?.models ?? {}), ...(s.taskModels ?? [])]),
  );
  const out = plotsDir(opts.resultsDir);
  const size = { width: opts.width, height: opts.height };
  // Charts are drawn one after another on the main thread; PNG encoding runs in libuv's pool, so
  // starting every render before awaiting lets encoding overlap with drawing the next chart.
  const jobs: Promise<string[]>[] = [];
  for (const s of loaded) {
    if (s.histories && s.histories.length > 0) {
      jobs.push(renderChart(learningCurvesConfig(s.name, s.histories, colors), path.join(out, `${s.name}-learning-curves.png`), size).then((p) => [p]));
      // a monitored validation metric other than the loss (train.monitor): its own curve
      jobs.push(writeMonitorCurve(s.name, s.dir, out, colors));
    }
    if (s.taskModels) {
      jobs.push(
        writeEvaluateTaskPlots(s.name, s.dir, out, colors).then(({ images, skipped }) => {
          if (skipped) onSkip(s.name, skipped);
          return images;
        }),
      );
    }
    if (s.trials && s.trials.length > 0) {
      jobs.push(renderChart(tuningHistoryConfig(s.name, s.trials), path.join(out, `${s.name}-tuning-history.png`), size).then((p) => [p]));
    }
    if (s.metrics) {
      jobs.push(renderChart(raeBoxplot(s.name, s.metrics, colors).config, path.join(out, `${s.name}-rae-boxplot.png`), size).then((p) => [p]));
      const tradeoff = tradeoffConfig(s.name, s.metrics, colors);
      if (tradeoff) jobs.push(renderChart(tradeoff, path.join(out, `${s.name}-size-speed-accuracy.png`), size).then((p) => [p]));
      const on = comparisonSet(s.metrics);
      if (on && (await exists(path.join(s.dir, 'targets', `${on.set}-${on.part}.npy`)))) {
        jobs.push(renderPredictionMaps({ stage: s.name, stageDir: s.dir, metrics: s.metrics, on, outDir: out, ...size }));
      } else {
        onSkip(s.name, `no prediction maps: targets/${on ? `${on.set}-${on.part}` : '<set>-<part>'}.npy is missing`);
      }
    }
  }
  return (await Promise.all(jobs)).flat();
}
