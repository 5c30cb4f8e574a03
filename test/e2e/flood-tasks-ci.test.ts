/**
 * The second shipped study (examples/flood-tasks: warning, cells, storm) at its ci profile's size, from
 * scratch in temporary copies (each beside a copy of shared/), the three at once: each reproduces its committed pipeline.ci.lock, and
 * each scored the task it declares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOf, Project } from './rig.js';
import { packageRoot } from '../../src/runner/project.js';

const examples = join(packageRoot(), 'examples', 'flood-tasks');
const STUDIES = ['warning', 'cells', 'storm'] as const;

/** A copy of one study (as <tmp>/<study>, beside a copy of shared/ that its models import), without results or cache. */
function copyStudy(name: string): Project {
  const p = new Project();
  const filter = (src: string) => !/[\\/](\.pipe|results[^\\/]*|pipeline(\.ci)?\.lock)$/.test(src);
  cpSync(join(examples, name), join(p.dir, name), { recursive: true, filter });
  cpSync(join(examples, 'shared'), join(p.dir, 'shared'), { recursive: true });
  return p;
}

/** the lock without its header comment */
const lockBody = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

test("examples/flood-tasks: each study's ci profile from scratch reproduces its committed pipeline.ci.lock", async (t) => {
  const projects = Object.fromEntries(STUDIES.map((s) => [s, copyStudy(s)])) as Record<(typeof STUDIES)[number], Project>;
  t.after(() => Object.values(projects).forEach((p) => p.cleanup()));
  const runs = STUDIES.map(async (s) => {
    const child = projects[s].spawn(['run', '-c', `${s}/pipeline.yaml`, '--profile', 'ci', '--jobs', '1', '--no-plots']);
    const exit = await exitOf(child);
    assert.equal(exit.code, 0, `${s}: ${child.output()}`);
  });
  await Promise.all(runs);
  for (const s of STUDIES) {
    assert.equal(
      lockBody(projects[s].read(`${s}/pipeline.ci.lock`)),
      lockBody(readFileSync(join(examples, s, 'pipeline.ci.lock'), 'utf8')),
      `examples/flood-tasks/${s}/pipeline.ci.lock is not reproduced: if intended, run \`npx pipe run --profile ci\` in that folder and commit the lock`,
    );
  }
  const metrics = (s: (typeof STUDIES)[number]) => JSON.parse(projects[s].read(`${s}/results-ci/D/metrics.json`));
  const warning = metrics('warning');
  assert.deepEqual([warning.target, warning.task.type, warning.baselines], ['vector', 'binary', ['dummy', 'majority']]);
  const best = JSON.parse(projects.warning.read('warning/results-ci/A/ranking.json'))[0].model;
  const history = JSON.parse(projects.warning.read(`warning/results-ci/A/models/${best}/history.json`));
  assert.equal(history.monitor.metric, 'val_auroc');
  const task = JSON.parse(projects.warning.read(`warning/results-ci/A/models/${best}/task.json`));
  assert.ok(task.trainCounts[0] > 0 && task.trainCounts[1] > 0, `both classes in the training part: ${task.trainCounts}`);
  const cells = metrics('cells');
  assert.equal(cells.target, 'grid');
  assert.equal(cells.models.majority.sets.test.test.n, 3 * 2 * 16 * 16, 'every cell of the test part is scored');
  const storm = metrics('storm');
  assert.equal(storm.target, 'vector');
  const names = storm.models.dummy.sets.test.test.targets.map((x: { name: string }) => x.name);
  assert.deepEqual(names, ['peak_mm_per_hour', 'x_m', 'y_m', 'radius_m', 'vx_m_per_s', 'vy_m_per_s', 'start_s', 'duration_s']);
});
