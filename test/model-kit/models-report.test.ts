import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/training/tf.js';
import { saveModel } from '../../src/training/model-io.js';
import { packageRoot } from '../../src/model-kit/loader.js';
import { modelsReport } from '../../src/model-kit/models-report.js';
import { buildModel } from '../../src/model-kit/registry.js';

before(async () => {
  await initBackend('wasm');
});

test('every built-in fits a 32×32 grid; bytes equal what saveModel writes', async () => {
  const rows = await modelsReport({ dirs: [packageRoot()], inputShape: [32, 32, 3], outputShape: [32, 32, 1] });
  assert.equal(rows.length, 8);
  assert.equal(rows.find((r) => r.name === 'cnn_vector')!.output, 'vector', 'a vector-only model is reported for a vector output');
  for (const row of rows) {
    assert.ok(row.fits, `${row.name}: ${row.why}`);
    assert.ok(row.params! > 1000 && row.params! < 150_000, `${row.name}: ${row.params} parameters`);
    assert.equal(row.file, join('models', `${row.name}.ts`).replace(/^/, process.cwd() === packageRoot() ? '' : join(packageRoot(), '/')));
  }
  const unet = rows.find((r) => r.name === 'unet')!;
  const dir = mkdtempSync(join(tmpdir(), 'pipe-models-report-'));
  try {
    const model = buildModel('unet', { inputShape: [32, 32, 3], outputShape: [32, 32, 1] });
    await saveModel(model, dir);
    model.dispose();
    const onDisk = statSync(join(dir, 'weights.bin')).size + readFileSync(join(dir, 'model.json')).length;
    // Layer names carry a process-wide counter, so the JSON may differ by a few digits.
    assert.ok(Math.abs(onDisk - unet.bytes!) < 200, `report ${unet.bytes} vs disk ${onDisk}`);
    assert.equal(statSync(join(dir, 'weights.bin')).size, unet.params! * 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a grid a model cannot handle is reported, not thrown', async () => {
  const rows = await modelsReport({ dirs: [packageRoot()], inputShape: [30, 30, 3], outputShape: [30, 30, 1], hp: { plain_cnn: { depth: 3 } } });
  const byName = new Map(rows.map((r) => [r.name, r]));
  assert.equal(byName.get('plain_cnn')!.fits, true);
  assert.equal(byName.get('unet')!.fits, false);
  assert.match(byName.get('unet')!.why!, /multiples of 8/);
  assert.equal(byName.get('unet')!.params, undefined);
});

test('a model that produces maps is refused for a vector task, naming both and the template', () => {
  assert.throws(
    () => buildModel('unet', { inputShape: [16, 16, 2], outputShape: [16, 16, 3], output: 'vector' }),
    (e: Error & { hint?: string }) =>
      /model 'unet' produces a map per sample \(outputs: \[grid\]\); this task needs a vector per sample/.test(e.message) &&
      /_template-vector\.ts\.example/.test(e.hint ?? ''),
  );
  const m = buildModel('cnn_vector', { inputShape: [16, 16, 2], outputShape: [16, 16, 3], output: 'vector' });
  assert.deepEqual(m.outputs[0]!.shape, [null, 3]);
  m.dispose();
  assert.throws(() => buildModel('cnn_vector', { inputShape: [16, 16, 2], outputShape: [16, 16, 3] }), /produces a vector per sample/);
});
