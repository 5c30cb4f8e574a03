// The unit runner alone, on a real store in a temp folder and a stand-in executor: keys, cache hits,
// dispatch order, --force, and what a failure keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheStore } from '../../src/cache/store.js';
import { PipeError } from '../../src/failure/pipe-error.js';
import { silentReporter, type Reporter } from '../../src/runner/reporter.js';
import { UnitRunner, UnitTally, unitKey, type UnitKeyParts } from '../../src/runner/unit-runner.js';
import type { UnitSpec } from '../../stages/api.js';
import { StandInExecutor, type StandInPayload } from './stand-in-executor.js';

const parts: UnitKeyParts = { tool: '1.0.0', tfjs: '4.22.0', backend: 'none' };

function setup(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-units-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new CacheStore(join(dir, 'cache'), () => {});
  const executor = new StandInExecutor();
  const ends: string[] = [];
  const reporter: Reporter = { ...silentReporter, unitEnd: (_s, unit, how) => ends.push(`${unit} ${how}`) };
  const runner = new UnitRunner({
    store,
    workRoot: join(dir, 'work'),
    projectDir: dir,
    backend: 'auto',
    executor: () => executor,
    reporter,
    signal: new AbortController().signal,
  });
  return { dir, store, executor, ends, runner };
}

const units = (...specs: [string, StandInPayload][]): UnitSpec<StandInPayload>[] => specs.map(([id, payload]) => ({ id, payload }));

test('units run in the order given, then come from the store; the key is kind + payload + versions', async (t) => {
  const { store, executor, runner, dir } = setup(t);
  const specs = units(['a', { value: 'A', ms: 20 }], ['b', { value: 'B' }], ['c', { value: 'C', backend: 'wasm' }]);
  const first = new UnitTally();
  const out = await runner.run('S', 'stand-in', specs, parts, false, first);
  assert.deepEqual(executor.jobs.map((j) => j.id), ['a', 'b', 'c']);
  assert.deepEqual(out.map((u) => [u.id, u.reused, readFileSync(join(u.dir, 'out.txt'), 'utf8')]), [['a', false, 'A'], ['b', false, 'B'], ['c', false, 'C']]);
  assert.deepEqual([first.ran, first.reused, [...first.backends]], [3, 0, ['wasm']]);
  assert.deepEqual(first.keys, specs.map((s) => unitKey('stand-in', s.payload, parts)));
  assert.ok(!existsSync(join(dir, 'work', first.keys[0]!)), 'the work folder (checkpoints) goes once the unit is committed');
  assert.equal(await store.has('units', first.keys[0]!), true);

  const again = new UnitTally();
  const reused = await runner.run('S', 'stand-in', specs, parts, false, again);
  assert.equal(executor.jobs.length, 3, 'nothing ran the second time');
  assert.deepEqual([again.ran, again.reused, [...again.backends]], [0, 3, ['wasm']]);
  assert.deepEqual(reused.map((u) => u.reused), [true, true, true]);

  // a different payload, kind, tool, tfjs or backend is a different unit
  const key = unitKey('stand-in', { value: 'A' }, parts);
  for (const other of [
    unitKey('stand-in', { value: 'A2' }, parts),
    unitKey('other', { value: 'A' }, parts),
    unitKey('stand-in', { value: 'A' }, { ...parts, tool: '1.0.1' }),
    unitKey('stand-in', { value: 'A' }, { ...parts, tfjs: '4.23.0' }),
    unitKey('stand-in', { value: 'A' }, { ...parts, backend: 'wasm' }),
  ]) {
    assert.notEqual(other, key);
  }
  assert.equal(unitKey('stand-in', { value: 'A', ms: undefined }, parts), key, 'undefined fields are not part of the key');
});

test('force re-runs every unit, and drops its old work folder first', async (t) => {
  const { executor, runner } = setup(t);
  const specs = units(['a', { value: 'A' }]);
  await runner.run('S', 'stand-in', specs, parts, false, new UnitTally());
  const tally = new UnitTally();
  await runner.run('S', 'stand-in', specs, parts, true, tally);
  assert.equal(executor.jobs.length, 2);
  assert.deepEqual([tally.ran, tally.reused], [1, 0]);
});

test('a failing unit fails the call with its reason and id; the units that finished stay committed', async (t) => {
  const { store, executor, runner, ends, dir } = setup(t);
  const specs = units(['ok', { value: 'A' }], ['bad', { value: 'B', fail: 'data-invalid', ms: 10 }], ['late', { value: 'C', ms: 30 }]);
  const err = await runner.run('S', 'stand-in', specs, parts, false, new UnitTally()).then(
    () => assert.fail('must throw'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PipeError);
  assert.equal(err.reason, 'data-invalid');
  assert.equal(err.message, "unit 'bad': bad failed on purpose");
  assert.equal(err.hint, 'a hint from the unit');
  assert.deepEqual(ends.sort(), ['bad failed', 'late ran', 'ok ran']);
  const [ok, bad, late] = specs.map((s) => unitKey('stand-in', s.payload, parts));
  assert.equal(await store.has('units', ok!), true);
  assert.equal(await store.has('units', late!), true, 'a unit finishing after the failure is kept too');
  assert.equal(await store.has('units', bad!), false);
  assert.ok(existsSync(join(dir, 'work', bad!, 'checkpoint')), "the failed unit's checkpoint stays for a resume");
  assert.deepEqual(tempEntries(join(dir, 'cache', 'tmp')), [], 'no temp folder is left behind');
  // the next run redoes only the failed unit
  const tally = new UnitTally();
  await runner.run('S', 'stand-in', units(['ok', { value: 'A' }], ['bad', { value: 'B' }], ['late', { value: 'C', ms: 30 }]), parts, false, tally);
  assert.deepEqual([tally.ran, tally.reused], [1, 2]);
  assert.equal(executor.jobs.at(-1)!.id, 'bad');
});

test('an unexpected throw passes through as it is; two units with one id are refused before anything runs', async (t) => {
  const { executor, runner } = setup(t);
  await assert.rejects(runner.run('S', 'stand-in', units(['x', { value: 'X', crash: true }]), parts, false, new UnitTally()), (e: unknown) => {
    return e instanceof Error && !(e instanceof PipeError) && e.message === 'unit x crashed';
  });
  await assert.rejects(runner.run('S', 'stand-in', units(['d', { value: '1' }], ['d', { value: '2' }]), parts, false, new UnitTally()), (e: unknown) => {
    return e instanceof PipeError && e.reason === 'internal' && /two units named 'd'/.test(e.message);
  });
  assert.equal(executor.jobs.length, 1);
});

test('after an interrupt no unit is dispatched', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-units-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const abort = new AbortController();
  abort.abort();
  const executor = new StandInExecutor();
  const runner = new UnitRunner({
    store: new CacheStore(join(dir, 'cache'), () => {}),
    workRoot: join(dir, 'work'),
    projectDir: dir,
    backend: 'auto',
    executor: () => executor,
    reporter: silentReporter,
    signal: abort.signal,
  });
  await assert.rejects(
    runner.run('S', 'stand-in', units(['a', { value: 'A' }]), parts, false, new UnitTally()),
    (e: unknown) => e instanceof PipeError && e.reason === 'interrupted',
  );
  assert.equal(executor.jobs.length, 0);
});

/** Unit and stage temp folders under the store's tmp/: inside each runner's own folder (tmp/<runner>/, locked while open). */
function tempEntries(tmp: string): string[] {
  if (!existsSync(tmp)) return [];
  return readdirSync(tmp, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((runner) => readdirSync(join(tmp, runner.name)));
}
