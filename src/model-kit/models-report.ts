/**
 * What `pipe models` prints: every registered architecture, whether it fits the given grid with its
 * default hyperparameters (and why not), its parameter count and its size on disk in the tfjs layers
 * format (weights.bin + model.json). The size is computed from the save artifacts in memory; nothing is
 * written.
 */
import path from 'node:path';
import { tf } from '../training/tf.js';
import { loadModelFiles } from './loader.js';
import { buildModel, checkModel, listModels, modelOutputs, type OutputKind, type Shape3 } from './registry.js';

export interface ModelsReportRow {
  name: string;
  /** registering file, relative to the current directory when inside it */
  file: string;
  description: string;
  /** undefined when the model does not fit the grid */
  params?: number;
  bytes?: number;
  fits: boolean;
  why?: string;
  /** set for a model that produces no map ('vector') */
  output?: OutputKind;
}

export interface ModelsReportOptions {
  /** project roots whose models/ folders hold model files */
  dirs: string[];
  inputShape: Shape3;
  outputShape: Shape3;
  /** build every model for this output (a vector target); default: each model's first declared output */
  output?: OutputKind;
  /** hyperparameters per model name, over the defaults (e.g. from pipeline.yaml) */
  hp?: Record<string, Record<string, unknown>>;
}

/** Bytes of model.json + weights.bin as pipe's saveModel writes them, from in-memory artifacts. */
export async function savedBytes(model: tf.LayersModel): Promise<number> {
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? 0 : tf.io.CompositeArrayBuffer.join(artifacts.weightData).byteLength;
      const json = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'TensorFlow.js tfjs-layers',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
      });
      bytes = weights + Buffer.byteLength(json, 'utf8');
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return bytes;
}

function displayPath(file: string | undefined): string {
  if (file === undefined) return '(built in code)';
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** One row per registered model, sorted by name. Needs an initialised tfjs backend (any) to build models. */
export async function modelsReport(opts: ModelsReportOptions): Promise<ModelsReportRow[]> {
  await loadModelFiles(opts.dirs);
  await tf.ready();
  const rows: ModelsReportRow[] = [];
  for (const { name, def, file } of listModels()) {
    // a model that produces vectors only is reported for a vector of outputShape's channels
    const output = opts.output ?? modelOutputs(def)[0]!;
    const shapes = { inputShape: opts.inputShape, outputShape: opts.outputShape, ...(output !== 'grid' ? { output } : {}) };
    const row: ModelsReportRow = { name, file: displayPath(file), description: def.description, fits: false, ...(output !== 'grid' ? { output } : {}) };
    try {
      const refusal = checkModel(name, shapes, opts.hp?.[name]);
      if (refusal) {
        row.why = refusal;
      } else {
        const model = buildModel(name, shapes, opts.hp?.[name]);
        try {
          row.params = model.countParams();
          row.bytes = await savedBytes(model);
          row.fits = true;
        } finally {
          model.dispose();
        }
      }
    } catch (err) {
      row.why = (err as Error).message;
    }
    rows.push(row);
  }
  return rows;
}
