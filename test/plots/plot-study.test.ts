import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { plotStudy } from '../../src/plots/plot-study.js';
import { pngFacts } from './png-check.js';
import { EVAL_MODELS, STAGES, writeSyntheticResults } from './synthetic-results.js';

let dir: string;
let files: string[];
const skipped: [string, string][] = [];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipe-plots-'));
  await writeSyntheticResults(dir);
  files = await plotStudy({ resultsDir: dir, stages: STAGES, onSkip: (s, r) => skipped.push([s, r]) });
});
after(() => rm(dir, { recursive: true, force: true }));

test('plotStudy renders every chart of every finished stage, in stage order, under results/plots/', () => {
  const names = files.map((f) => path.relative(dir, f));
  assert.deepEqual(names, [
    'plots/A-learning-curves.png',
    'plots/B-tuning-history.png',
    'plots/C-learning-curves.png',
    'plots/D-rae-boxplot.png',
    'plots/D-size-speed-accuracy.png',
    ...[...EVAL_MODELS].sort().map((m) => `plots/D-predictions-${m}.png`),
  ]);
});

test('every PNG decodes at the default 1600×1000, opaque, and is not blank', async () => {
  for (const file of files) {
    const f = await pngFacts(file);
    assert.equal(f.width, 1600, file);
    assert.equal(f.height, 1000, file);
    assert.ok(f.opaque, `${file} has transparent pixels: white background missing`);
    assert.ok(f.variance > 100, `${file} looks blank: luminance variance ${f.variance}`);
    assert.ok(f.ink > 0.01, `${file} has almost nothing drawn: ${f.ink}`);
  }
});

test('stages without results are skipped and named; shell stages have no charts', () => {
  assert.deepEqual(skipped.map(([s]) => s), ['data', 'E']);
  assert.match(skipped[1]![1], /no results yet .*E.*pipe run --stage E/);
});

test('only + size: plots just the named stages at the requested size', async () => {
  const out = await plotStudy({ resultsDir: dir, stages: STAGES, only: ['B'], width: 640, height: 400, onSkip: () => {} });
  assert.deepEqual(out.map((f) => path.basename(f)), ['B-tuning-history.png']);
  const f = await pngFacts(out[0]!);
  assert.deepEqual([f.width, f.height], [640, 400]);
  await assert.rejects(plotStudy({ resultsDir: dir, stages: STAGES, only: ['Z'] }), /unknown stage\(s\) Z: the study has data, A, B, C, D, E/);
});

test('a malformed result file is an error naming the file and field, not a silent skip', async () => {
  const bad = await mkdtemp(path.join(tmpdir(), 'pipe-plots-bad-'));
  try {
    await writeSyntheticResults(bad);
    await writeFile(path.join(bad, 'B', 'trials.json'), JSON.stringify([{ number: 0, params: {}, value: 1, state: 'exploded' }]));
    await assert.rejects(
      plotStudy({ resultsDir: bad, stages: STAGES, only: ['B'] }),
      (e: Error) => e.message.includes(path.join(bad, 'B', 'trials.json')) && /0\.state/.test(e.message),
    );
  } finally {
    await rm(bad, { recursive: true, force: true });
  }
});
