/**
 * The BullMQ executor end to end, against a real redis-server: a runner in one copy of a project, `pipe
 * worker` processes each in its own copy (own folders and caches; they share only Redis and a dir://
 * store). Same lock as a local run, every unit once, a worker with a different checkout refuses, a
 * killed worker's unit resumes on another from its checkpoint, a lost Redis is a clear error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project, exitOf, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';
import { RedisServer } from './redis-rig.js';

const lockBody = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

interface Rig {
  redis: RedisServer;
  storeDir: string;
  store: string;
  projects: Project[];
  workers: ReturnType<Project['spawn']>[];
}

async function rig(t: { after: (fn: () => Promise<void> | void) => void }): Promise<Rig> {
  const r: Rig = { redis: await RedisServer.start(), storeDir: mkdtempSync(join(tmpdir(), 'pipe-store-')), store: '', projects: [], workers: [] };
  r.store = `dir://${r.storeDir}`;
  t.after(async () => {
    for (const w of r.workers) if (w.exitCode === null && w.signalCode === null) process.kill(-w.pid!, 'SIGKILL');
    await Promise.all(r.workers.map((w) => exitOf(w)));
    await r.redis.stop();
    rmSync(r.storeDir, { recursive: true, force: true });
    for (const p of r.projects) p.cleanup();
  });
  return r;
}

function copy(r: Rig, files: Record<string, string>): Project {
  const p = new Project(files);
  r.projects.push(p);
  return p;
}

async function startWorker(r: Rig, p: Project, env: NodeJS.ProcessEnv = {}): Promise<ReturnType<Project['spawn']>> {
  const w = p.spawn(['worker', '--redis', r.redis.url, '--store', r.store], env);
  r.workers.push(w);
  await waitFor(() => /pipe worker \S+: 1 slot/.test(w.output()) || w.exitCode !== null, 'the worker to start', 30_000);
  assert.equal(w.exitCode, null, w.output());
  return w;
}

const bullmq = (r: Rig) => ['--executor', 'bullmq', '--redis', r.redis.url, '--store', r.store];

function shellFiles(input = 'hello\n'): Record<string, string> {
  return { 'pipeline.yaml': shellPipeline(), 'input.txt': input };
}

test("a shell study through two workers: the local run's lock, every unit exactly once, on the workers", async (t) => {
  const r = await rig(t);
  const local = copy(r, shellFiles());
  assert.equal(local.run(['run', '--no-plots']).code, 0);
  const runner = copy(r, shellFiles());
  const w1 = copy(r, shellFiles());
  const w2 = copy(r, shellFiles());
  await startWorker(r, w1);
  await startWorker(r, w2);
  const res = runner.runJson(['run', '--no-plots', ...bullmq(r)]);
  assert.equal(res.result.code, 0, res.result.stderr);
  assert.deepEqual(res.stages.train!.units, { ran: 4, reused: 0 });
  assert.equal(lockBody(runner.read('pipeline.lock')), lockBody(local.read('pipeline.lock')), 'the executor must not change the lock');
  assert.equal(runner.read('results/report/report.txt'), local.read('results/report/report.txt'));
  assert.deepEqual(runner.counts(), {}, 'the runner ran nothing itself');
  const units = ['prep', 'report', 'train-a', 'train-b', 'train-c', 'train-d'];
  for (const u of units) assert.equal(w1.count(u) + w2.count(u), 1, `${u} ran once`);
  assert.ok(units.some((u) => w1.count(u)) && units.some((u) => w2.count(u)), 'both workers took units');
  // a second run is a no-op, and a local rerun in the runner's copy finds the same lock fresh
  const again = runner.run(['run', '--no-plots', ...bullmq(r)]);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /nothing to do/);
  assert.match(runner.run(['run', '--no-plots']).stderr, /nothing to do/);
});

test("a worker whose checkout differs in a file of the unit's key refuses it, naming the file; a matching worker runs it", async (t) => {
  const r = await rig(t);
  const runner = copy(r, shellFiles());
  const odd = copy(r, shellFiles('edited\n'));
  const good = copy(r, shellFiles());
  const wOdd = await startWorker(r, odd);
  const run = runner.spawn(['run', '--no-plots', ...bullmq(r)]);
  await waitFor(() => /refusing unit 'prep' of stage prep: input\.txt: differs from the runner's/.test(wOdd.output()), 'the refusal', 60_000);
  await startWorker(r, good);
  const end = await exitOf(run);
  assert.equal(end.code, 0, run.output());
  assert.match(run.output(), /refused unit [0-9a-f]+: unit 'prep' of stage prep: input\.txt: differs/);
  assert.equal(odd.count('prep'), 0, 'the mismatched worker never ran prep');
  assert.equal(good.count('prep'), 1);
  assert.match(runner.read('results/prep/prep.txt'), /^hello/);
});

test('every worker refusing a unit fails it as worker-mismatch (exit 1), not a hang', async (t) => {
  const r = await rig(t);
  const runner = copy(r, shellFiles());
  await startWorker(r, copy(r, shellFiles('edited\n')), { PIPE_REFUSAL_GRACE_MS: '1000' });
  const res = runner.run(['run', '--no-plots', ...bullmq(r)]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /every worker refused it: unit 'prep' of stage prep: input\.txt: differs/);
  assert.ok(!runner.exists('results/prep'));
});

test('Redis unreachable: exit 8 with the URL (no password), at once', (t) => {
  const p = new Project(shellFiles());
  t.after(() => p.cleanup());
  const res = p.run(['run', '--no-plots', '--executor', 'bullmq', '--redis', 'redis://:s3cret@127.0.0.1:1', '--store', `dir://${p.dir}/store`]);
  assert.equal(res.code, 8, res.stderr);
  assert.match(res.stderr, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  assert.doesNotMatch(res.stderr, /s3cret/);
  assert.ok(!p.exists('results/prep'));
});

test('Redis lost mid-run: exit 8 within seconds, nothing half-written; restarted, the rerun finishes with the same lock', async (t) => {
  const r = await rig(t);
  const local = copy(r, shellFiles());
  assert.equal(local.run(['run', '--no-plots']).code, 0);
  const runner = copy(r, shellFiles());
  const w = copy(r, shellFiles());
  w.write('slow-a', '');
  await startWorker(r, w);
  const run = runner.spawn(['run', '--no-plots', ...bullmq(r)]);
  await waitFor(() => w.count('train-a') === 1, 'unit a to start', 60_000);
  await r.redis.down();
  const end = await exitOf(run);
  assert.equal(end.code, 8, run.output());
  assert.match(run.output(), /lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+/);
  assert.ok(!runner.exists('results/train'), 'no half-written stage');
  assert.ok(runner.exists('results/prep/prep.txt'), 'the finished stage stays');
  await r.redis.up();
  w.rm('slow-a');
  const res = runner.run(['run', '--no-plots', ...bullmq(r)]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(lockBody(runner.read('pipeline.lock')), lockBody(local.read('pipeline.lock')));
});

test('two runners of the same study against one Redis: every unit runs once', async (t) => {
  const r = await rig(t);
  const a = copy(r, shellFiles());
  const b = copy(r, shellFiles());
  const w = [copy(r, shellFiles()), copy(r, shellFiles())];
  for (const p of w) await startWorker(r, p);
  const ra = a.spawn(['run', '--no-plots', ...bullmq(r)]);
  const rb = b.spawn(['run', '--no-plots', ...bullmq(r)]);
  const [ea, eb] = [await exitOf(ra), await exitOf(rb)];
  assert.equal(ea.code, 0, ra.output());
  assert.equal(eb.code, 0, rb.output());
  assert.equal(lockBody(a.read('pipeline.lock')), lockBody(b.read('pipeline.lock')));
  for (const u of ['prep', 'report', 'train-a', 'train-b', 'train-c', 'train-d'])
    assert.equal(w[0]!.count(u) + w[1]!.count(u), 1, `${u} ran once for both runners`);
});

const ML = `data:
  flood: { grid: 16, simulations: 10, steps: 40, samples_per_simulation: 4, horizon: 10 }
  split: { small: 5, test: 2 }
train: { epochs: 60, batch_size: 2 }
stages:
  A:
    kind: train
    data: big
    models: [unet]
`;

test('kill -9 of a worker mid-training: another worker resumes the unit from its checkpoint in the store; same lock as local', async (t) => {
  const r = await rig(t);
  const local = copy(r, { 'pipeline.yaml': ML });
  const runner = copy(r, { 'pipeline.yaml': ML });
  const p1 = copy(r, { 'pipeline.yaml': ML });
  const p2 = copy(r, { 'pipeline.yaml': ML });
  const env = { PIPE_WORKER_LOCK_MS: '3000' };
  const w1 = await startWorker(r, p1, env);
  const run = runner.spawn(['run', '--no-plots', ...bullmq(r)]);
  const refs = join(r.storeDir, 'refs', 'checkpoints');
  const epochs = () => [...run.output().matchAll(/A\/unet: epoch (\d+)\/60/g)].map((m) => Number(m[1]));
  await waitFor(
    () => Math.max(0, ...epochs()) >= 3 && existsSync(refs) && readdirSync(refs).length === 1,
    'a few epochs and a checkpoint in the store',
    240_000,
  );
  process.kill(-w1.pid!, 'SIGKILL');
  await exitOf(w1);
  const before = epochs();
  const w2 = await startWorker(r, p2, env);
  const end = await exitOf(run);
  assert.equal(end.code, 0, run.output());
  const resumed = /resuming from the checkpoint in the store/.test(w2.output());
  assert.ok(resumed, w2.output());
  const after = epochs().slice(before.length);
  assert.ok(after.length > 0 && after[0]! > 1, `the second worker must start past epoch 1 (epochs seen after the kill: ${after.join(',')})`);
  assert.ok(!after.includes(1), 'epoch 1 was not redone');
  assert.equal(JSON.parse(runner.read('results/A/models/unet/history.json')).val.length, 60);
  // epochs reach the runner as data through the queue, so its run record (and the dashboard's curves) has them
  const records = readdirSync(join(runner.dir, '.pipe', 'runs')).filter((f) => f.endsWith('.jsonl'));
  const events = records.flatMap((f) => runner.read(`.pipe/runs/${f}`).trim().split('\n').map((l) => JSON.parse(l) as { type: string; unit?: string }));
  assert.ok(events.some((e) => e.type === 'epoch' && e.unit === 'unet'), 'no epoch event in the run record');
  // the same lock as a run on one machine without interruption
  const lr = local.run(['run', '--no-plots']);
  assert.equal(lr.code, 0, lr.stderr);
  assert.equal(lockBody(runner.read('pipeline.lock')), lockBody(local.read('pipeline.lock')));
});

test('SIGTERM to a worker puts its running unit back in the queue; another worker finishes it', async (t) => {
  const r = await rig(t);
  const runner = copy(r, shellFiles());
  const p1 = copy(r, shellFiles());
  const p2 = copy(r, shellFiles());
  p1.write('slow-a', '');
  const w1 = await startWorker(r, p1);
  const run = runner.spawn(['run', '--no-plots', ...bullmq(r)]);
  await waitFor(() => p1.count('train-a') === 1, 'unit a to start on the first worker', 60_000);
  process.kill(w1.pid!, 'SIGTERM');
  const stopped = await exitOf(w1);
  assert.equal(stopped.code, 0, w1.output());
  assert.match(w1.output(), /unit train\/a stopped; back in the queue/);
  await startWorker(r, p2);
  const end = await exitOf(run);
  assert.equal(end.code, 0, run.output());
  assert.equal(p2.count('train-a'), 1);
});
