// One StageExecution alone, on a real project folder, store and lock, with a stage kind registered here
// and a stand-in executor under its units: ran → restored → fresh, what a failure leaves, volatile outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLock, type LockFile } from '../../src/cache/lock-file.js';
import { StatCache } from '../../src/cache/stat-cache.js';
import { CacheStore } from '../../src/cache/store.js';
import { loadPipeline } from '../../src/config/load.js';
import { makePlan } from '../../src/dag/plan.js';
import { PipeError, type FailureReason } from '../../src/failure/pipe-error.js';
import { LockUpdates } from '../../src/runner/lock-updates.js';
import { projectPaths } from '../../src/runner/project.js';
import { silentReporter } from '../../src/runner/reporter.js';
import { StageExecution } from '../../src/runner/stage-execution.js';
import { computeStates } from '../../src/runner/states.js';
import { UnitRunner } from '../../src/runner/unit-runner.js';
import { registerStageKind, z, type StageKind } from '../../stages/api.js';
import { StandInExecutor, type StandInPayload } from './stand-in-executor.js';

const probeParams = z.object({ items: z.array(z.string()), fail: z.string().optional(), crash: z.boolean().default(false) });
let runs = 0;

// A kind whose units write their item; the stage gathers them into all.txt, writes a timing file, and
// can fail after its units (with a reason) or crash (a plain Error).
const probe: StageKind<z.infer<typeof probeParams>, StandInPayload, null> = {
  kind: 'probe-execution',
  description: 'test kind',
  params: probeParams,
  inputs: () => ({ data: [], models: [], files: [], references: [] }),
  async run(ctx) {
    runs++;
    const done = await ctx.runUnits(ctx.params.items.map((item) => ({ id: item, payload: { value: item } })));
    await writeFile(join(ctx.outDir, 'all.txt'), done.map((u) => readFileSync(join(u.dir, 'out.txt'), 'utf8')).join(','));
    await mkdir(join(ctx.outDir, 'log'), { recursive: true });
    await writeFile(join(ctx.outDir, 'log', 'wall-clock.txt'), String(Date.now()));
    if (ctx.params.fail) throw new PipeError(ctx.params.fail as FailureReason, 'the stage failed on purpose', { hint: 'fix the probe' });
    if (ctx.params.crash) throw new Error('the probe crashed');
    return { metrics: { items: done.length }, volatile: ['log/*'] };
  },
};
registerStageKind(probe);

async function project(t: { after(fn: () => void): void }, params: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, `stages:\n  P:\n    kind: probe-execution\n${params}`);
  const pipeline = loadPipeline({ file });
  const paths = projectPaths(file);
  const stat = new StatCache(join(paths.state, 'stat.json'));
  const store = new CacheStore(paths.cache, () => {});
  const executor = new StandInExecutor();
  const lock: LockFile = { version: 1, pipeline: 'pipeline.yaml', profile: null, stages: {} };
  const execute = async (opts: { force?: boolean } = {}) => {
    const states = await computeStates({ pipeline, paths, lock: readLock(paths.lock), stat, backend: 'auto', models: new Map() });
    const [entry] = makePlan(pipeline.stages, states, undefined, !!opts.force);
    const signal = new AbortController().signal;
    const units = new UnitRunner({ store, workRoot: paths.work, projectDir: dir, backend: 'auto', executor: () => executor, reporter: silentReporter, signal });
    const deps = {
      pipeline,
      paths,
      store,
      stat,
      lock: new LockUpdates(paths.lock, lock),
      units,
      dataDir: async () => assert.fail('reads no data'),
      reporter: silentReporter,
      jobs: 2,
      backend: 'auto',
      signal,
    };
    return new StageExecution(deps, entry!, states[0]!).execute();
  };
  return { dir, paths, store, executor, execute };
}

test('a stale stage runs, publishes results/<stage> and locks its outputs; then it is fresh; restored from the store', async (t) => {
  const p = await project(t, '    items: [a, b]\n');
  runs = 0;
  const first = await p.execute();
  assert.equal(first.status, 'ran');
  assert.deepEqual(first.units, { ran: 2, reused: 0 });
  assert.equal(readFileSync(join(p.paths.results, 'P', 'all.txt'), 'utf8'), 'a,b');
  const locked = readLock(p.paths.lock)!.stages.P!;
  assert.deepEqual(Object.keys(locked.outputs), ['all.txt'], 'volatile outputs stay out of the lock');
  assert.deepEqual(locked.volatile, ['log/*']);
  assert.deepEqual(locked.metrics, { items: 2 });
  assert.ok(existsSync(join(p.paths.results, 'P', 'log', 'wall-clock.txt')), 'volatile outputs are still published');

  assert.equal((await p.execute()).status, 'fresh');
  assert.equal(runs, 1);

  rmSync(join(p.paths.results, 'P'), { recursive: true });
  const restored = await p.execute();
  assert.equal(restored.status, 'restored', 'a deleted result comes back from the stage cache');
  assert.equal(runs, 1, 'without running the kind');
  assert.equal(readFileSync(join(p.paths.results, 'P', 'all.txt'), 'utf8'), 'a,b');

  const forced = await p.execute({ force: true });
  assert.equal(forced.status, 'ran', '--force bypasses the stage cache');
  assert.deepEqual(forced.units, { ran: 2, reused: 0 }, 'and the unit cache');
  assert.equal(runs, 2);
  assert.equal(p.executor.jobs.length, 4);
});

test('a failing stage becomes its outcome: reason and hint kept, nothing committed or published, its units kept', async (t) => {
  const p = await project(t, '    items: [a, b]\n    fail: data-invalid\n');
  const out = await p.execute();
  assert.deepEqual(
    { status: out.status, reason: out.reason, error: out.error, hint: out.hint, units: out.units },
    { status: 'failed', reason: 'data-invalid', error: 'the stage failed on purpose', hint: 'fix the probe', units: { ran: 2, reused: 0 } },
  );
  assert.deepEqual(await p.store.keys('stages'), []);
  assert.equal((await p.store.keys('units')).length, 2, 'finished units survive the stage failing');
  assert.deepEqual(tempEntries(join(p.paths.cache, 'tmp')), [], "no half-written stage entry");
  assert.ok(!existsSync(join(p.paths.results, 'P')));
  assert.equal(readLock(p.paths.lock), undefined, 'the lock is not written');
});

test('an unexpected throw in a kind is an internal failure of the stage', async (t) => {
  const p = await project(t, '    items: [a]\n    crash: true\n');
  const out = await p.execute();
  assert.equal(out.status, 'failed');
  assert.equal(out.reason, 'internal');
  assert.match(out.error ?? '', /the probe crashed/);
});

/** Unit and stage temp folders under the store's tmp/: inside each runner's own folder (tmp/<runner>/, locked while open). */
function tempEntries(tmp: string): string[] {
  if (!existsSync(tmp)) return [];
  return readdirSync(tmp, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((runner) => readdirSync(join(tmp, runner.name)));
}
