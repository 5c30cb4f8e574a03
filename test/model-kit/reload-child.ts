// Run in a fresh process by the architecture tests: reloads a saved model with nothing but the public
// model api imported (for the custom layers), predicts the saved inputs and writes the predictions.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/model-kit/api.js';
import { initBackend } from '../../src/training/tf.js';
import { loadModel } from '../../src/training/model-io.js';
import { predict } from '../../src/training/batches.js';

const [dir, shapeJson] = process.argv.slice(2);
if (!dir || !shapeJson) throw new Error('usage: reload-child <model dir> <[n,h,w,cin]>');
const [n, h, w, cin] = JSON.parse(shapeJson) as number[];
await initBackend('wasm');
const model = await loadModel(dir);
const bytes = readFileSync(join(dir, 'x.bin'));
const x = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const y = await predict(model, { x, n: n!, h: h!, w: w!, factor: 1, cin: cin! }, 4);
writeFileSync(join(dir, 'reloaded.bin'), new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
