/**
 * The shipped reference pipeline loads under every profile, and pipeline.schema.json is what the code
 * generates (regenerate with `node dist/src/cli/main.js schema > pipeline.schema.json`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipeline } from '../../src/config/load.js';
import { packageRoot } from '../../src/runner/project.js';
import { loadStageKinds } from '../../src/runner/stage-kinds.js';
import { modelSources } from '../../src/model-kit/model-sources.js';
import { pipelineJsonSchema } from '../../src/config/json-schema.js';

const root = packageRoot();

test('the reference pipeline.yaml is valid under its default, ci and full profiles', async () => {
  await loadStageKinds(root);
  const models = [...(await modelSources([root])).keys()];
  for (const profile of [undefined, 'ci', 'full']) {
    const p = loadPipeline({ file: join(root, 'pipeline.yaml'), profile, models });
    assert.deepEqual(p.stages.map((s) => `${s.name}:${s.kind}`), ['A:train', 'B:tune', 'C:train', 'D:evaluate']);
    assert.equal((p.byName.get('A')!.params.models as string[]).length, 7);
  }
  const ci = loadPipeline({ file: join(root, 'pipeline.yaml'), profile: 'ci', models, sets: ['train.epochs=2'] });
  assert.equal((ci.byName.get('A')!.params.train as { epochs: number }).epochs, 2, '--set applies after the profile');
  assert.equal((ci.byName.get('B')!.params as { trials: number }).trials, 4, 'profile values reach the stage');
});

test('pipeline.schema.json is up to date and the shipped pipeline points editors at it', async () => {
  await loadStageKinds(root);
  const committed = JSON.parse(readFileSync(join(root, 'pipeline.schema.json'), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(pipelineJsonSchema())), 'regenerate: node dist/src/cli/main.js schema > pipeline.schema.json');
  const kinds = committed.properties.stages.additionalProperties.anyOf.map((s: { properties: { kind: { const: string } } }) => s.properties.kind.const);
  assert.deepEqual(kinds.sort(), ['evaluate', 'shell', 'train', 'tune']);
  assert.match(readFileSync(join(root, 'pipeline.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\/pipeline\.schema\.json$/m);
});
