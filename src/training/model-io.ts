// Models on disk in the tfjs layers format (model.json + weights.bin), written and read with node fs:
// the browser handlers do not apply and tfjs-node's file:// handler exists only with native TensorFlow.
// Custom layers must be registered (the model zoo does that) before `loadModel`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from './tf.js';
import { PipeError } from '../failure/pipe-error.js';
import { writeFileAtomic } from './atomic-file.js';

const WEIGHTS_FILE = 'weights.bin';

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology === undefined || artifacts.weightSpecs === undefined) {
        throw new Error(`saveModel(${dir}): tfjs produced no topology or weight specs for the model`);
      }
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
      };
      // Weights first: model.json appearing last marks a complete model.
      await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, 'model.json');
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new PipeError('data-invalid', `cannot read model ${jsonPath}: ${(err as Error).message}`, {
      hint: 're-run the stage that trained it (pipe run --stage S --force)',
    });
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const p of group.paths) {
        const bytes = await readFile(join(dir, p));
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new PipeError('model-unknown', `cannot rebuild model from ${jsonPath}: ${(err as Error).message}`, {
      hint: 'a custom layer must be registered by importing its model file before loading',
    });
  }
}
