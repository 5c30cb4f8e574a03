/**
 * Users extend pipe by dropping TypeScript files in their project: a stage kind in stages/, a model in
 * models/. Both load at run time (no build step), and their source is part of the fingerprint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from './rig.js';
import { packageRoot } from '../../src/runner/project.js';

const KIND = (greeting: string) => `import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerStageKind, z } from 'pipe-ml/stages';

registerStageKind({
  kind: 'greet',
  description: 'writes a greeting',
  params: z.object({ who: z.string().min(1) }),
  inputs: () => ({ data: [], models: [], files: [], references: [] }),
  async run(ctx) {
    appendFileSync(join(ctx.projectDir, 'counts', 'greet'), 'x\\n');
    writeFileSync(join(ctx.outDir, 'hello.txt'), '${greeting} ' + ctx.params.who);
    return { metrics: { letters: ctx.params.who.length } };
  },
});
`;

test('a stage kind from the project\'s stages/ folder runs, is validated, and its source is fingerprinted', (t) => {
  const p = new Project({ 'stages/greet.ts': KIND('hello'), 'pipeline.yaml': 'stages:\n  g:\n    kind: greet\n    who: world\n' });
  t.after(() => p.cleanup());
  const r = p.runJson(['run']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.equal(p.read('results/g/hello.txt'), 'hello world');
  assert.equal(p.runJson(['run']).stages.g!.status, 'fresh');
  p.write('stages/greet.ts', KIND('hi'));
  const st = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st.stages[0].reasons, ['stages/greet.ts changed']);
  assert.equal(p.runJson(['run']).stages.g!.status, 'ran');
  assert.equal(p.read('results/g/hello.txt'), 'hi world');
  assert.equal(p.count('greet'), 2);
  p.write('pipeline.yaml', 'stages:\n  g:\n    kind: greet\n    who: ""\n');
  const bad = p.run(['run']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /pipeline\.yaml:4:10: 'who'/);
});

test('a model file dropped in the project\'s models/ folder is listed, trained, and re-trains when edited', (t) => {
  const template = readFileSync(join(packageRoot(), 'models', '_template.ts.example'), 'utf8');
  const name = /registerModel\(\s*['"]([a-z0-9_]+)['"]/.exec(template)?.[1];
  assert.ok(name, 'the template registers a model');
  const p = new Project({
    'models/my_net.ts': template.replaceAll(name, 'my_net'),
    'pipeline.yaml': `data:
  flood: { grid: 16, simulations: 7, steps: 40, samples_per_simulation: 2, horizon: 10 }
  split: { small: 3, test: 2 }
train: { epochs: 2, batch_size: 4 }
stages:
  A:
    kind: train
    data: small
    models: [my_net, unet_lite]
`,
  });
  t.after(() => p.cleanup());
  const models = JSON.parse(p.run(['models', '--json']).stdout);
  const mine = models.models.find((m: { name: string }) => m.name === 'my_net');
  assert.ok(mine && mine.fits && mine.params > 0, JSON.stringify(models));
  assert.match(mine.file, /models\/my_net\.ts$/);
  const r = p.runJson(['run', '--no-plots']);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.deepEqual(r.stages.A!.units, { ran: 2, reused: 0 });
  p.write('models/my_net.ts', `${p.read('models/my_net.ts')}\n// edited\n`);
  const st = JSON.parse(p.run(['status', '--json']).stdout);
  assert.deepEqual(st.stages[0].reasons, ['models/my_net.ts changed']);
  const again = p.runJson(['run', '--no-plots']);
  assert.deepEqual(again.stages.A!.units, { ran: 1, reused: 1 }, 'only the edited model re-trains');
});

test('a unit whose worker process dies (SIGKILL, as the OOM killer would) fails its stage, not the runner', (t) => {
  const p = new Project({
    'stages/fragile.ts': `import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerStageKind, z } from 'pipe-ml/stages';

registerStageKind({
  kind: 'fragile',
  description: 'one unit per item; item "boom" kills its worker',
  params: z.object({ items: z.array(z.string()) }),
  inputs: () => ({ data: [], models: [], files: [], references: [] }),
  async run(ctx) {
    await ctx.runUnits(ctx.params.items.map((item) => ({ id: item, payload: { item } })));
    return { metrics: {} };
  },
  async runUnit(payload, ctx) {
    const item = (payload as { item: string }).item;
    appendFileSync(join(ctx.projectDir, 'counts', item), 'x\\n');
    if (item === 'boom') process.kill(process.pid, 'SIGKILL');
  },
});
`,
    'pipeline.yaml': 'stages:\n  f:\n    kind: fragile\n    items: [a, boom, c]\n',
  });
  t.after(() => p.cleanup());
  const r = p.runJson(['run', '--jobs', '1']);
  assert.equal(r.result.code, 1);
  assert.equal(r.stages.f!.status, 'failed');
  assert.match(r.result.stderr, /unit 'boom': worker process killed by SIGKILL \(out of memory\?\)/);
  assert.deepEqual(p.counts(), { a: 1, boom: 1, c: 1 }, 'the other units still ran');
  p.write('pipeline.yaml', 'stages:\n  f:\n    kind: fragile\n    items: [a, c]\n');
  const again = p.runJson(['run', '--jobs', '1']);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.deepEqual(again.stages.f!.units, { ran: 0, reused: 2 }, 'finished units were cached despite the crash');
});
