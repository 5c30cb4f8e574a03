/**
 * The Slurm executor end to end on a real single-node Slurm (slurm-rig.ts): every unit one sbatch job,
 * the local run's lock, job ids in --json, scancel from outside reported as CANCELLED, Ctrl-C leaves no
 * job behind, a time limit reported as TIMEOUT, a rejected submission with sbatch's own message.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Project, exitOf, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';
import { SlurmCluster, slurmInstalled } from './slurm-rig.js';

const lockBody = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

let cluster: SlurmCluster;
const projects: Project[] = [];

before(async () => {
  assert.ok(slurmInstalled(), 'slurmctld, slurmd, munge and slurm-client must be installed (.ci/run installs them)');
  cluster = await SlurmCluster.start();
});

after(async () => {
  for (const id of cluster?.live() ?? []) cluster.cmd('scancel', [id]);
  await cluster?.stop();
  for (const p of projects) p.cleanup();
});

function project(extra = ''): Project {
  const p = new Project({ 'pipeline.yaml': shellPipeline().replace('name: shell-study\n', `name: shell-study\n${extra}`), 'input.txt': 'hello\n' });
  projects.push(p);
  return p;
}

const slurm = ['--executor', 'slurm'];

test("a shell study as Slurm jobs: one job per unit, the local run's lock, job ids in --json", () => {
  const local = project();
  assert.equal(local.run(['run', '--no-plots']).code, 0);
  const p = project();
  const r = p.runJson(['run', '--no-plots', ...slurm], cluster.env);
  assert.equal(r.result.code, 0, r.result.stderr);
  assert.equal(lockBody(p.read('pipeline.lock')), lockBody(local.read('pipeline.lock')), 'the executor must not change the lock');
  const jobs = JSON.parse(r.result.stdout.trim().split('\n').pop()!).stages.flatMap((s: { jobs?: Record<string, string[]> }) =>
    Object.values(s.jobs ?? {}).flat(),
  );
  assert.equal(jobs.length, 6, 'six units, six jobs');
  assert.equal(new Set(jobs).size, 6);
  for (const id of jobs) assert.match(cluster.cmd('scontrol', ['show', 'job', id]).stdout, /JobState=COMPLETED/);
  for (const u of ['prep', 'report', 'train-a', 'train-b', 'train-c', 'train-d']) assert.equal(p.count(u), 1, `${u} ran once`);
  assert.match(r.result.stderr, /train\/a: Slurm job \d+/);
});

test('a job cancelled from outside is reported as CANCELLED; --keep-going; the rerun finishes', async () => {
  const p = project();
  p.write('slow-a', '');
  const run = p.spawn(['run', '--no-plots', '--keep-going', ...slurm], cluster.env);
  await waitFor(() => p.count('train-a') === 1, 'unit a to start', 120_000);
  const id = /train\/a: Slurm job (\d+)/.exec(run.output())![1]!;
  assert.equal(cluster.cmd('scancel', [id]).status, 0);
  const end = await exitOf(run);
  assert.equal(end.code, 1, run.output());
  assert.match(run.output(), new RegExp(`unit 'a': Slurm job ${id} was cancelled \\(CANCELLED`));
  assert.match(run.output(), /report skipped: needs train/);
  assert.ok(p.exists('results/prep/prep.txt'));
  p.rm('slow-a');
  const again = p.runJson(['run', '--no-plots', ...slurm], cluster.env);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.deepEqual(again.stages.train!.units, { ran: 1, reused: 3 }, 'only the cancelled unit runs again');
});

test('Ctrl-C of the runner scancels its jobs: none is left in squeue', async () => {
  const p = project();
  for (const u of ['a', 'b', 'c', 'd']) p.write(`slow-${u}`, '');
  const run = p.spawn(['run', '--no-plots', ...slurm], cluster.env);
  await waitFor(() => p.count('train-a') + p.count('train-b') > 0, 'a training unit to start', 120_000);
  process.kill(run.pid!, 'SIGINT');
  const end = await exitOf(run);
  assert.equal(end.code, 130, run.output());
  await waitFor(() => cluster.live().length === 0, 'squeue to be empty', 30_000);
});

test("a rejected submission: exit 8 with sbatch's own message, nothing half-written", () => {
  const p = project('slurm: { partition: no_such_partition }\n');
  const r = p.run(['run', '--no-plots', ...slurm], cluster.env);
  assert.equal(r.code, 8, r.stderr);
  assert.match(r.stderr, /sbatch refused unit 'prep' of stage prep: .*[Ii]nvalid partition/);
  assert.ok(!p.exists('results/prep'));
});

test('a unit past its time limit is reported as TIMEOUT with what to do', { timeout: 300_000 }, () => {
  const p = project();
  p.write('slow-a', '');
  p.write(
    'pipeline.yaml',
    p
      .read('pipeline.yaml')
      .replace('    foreach: [a, b, c, d]\n', "    foreach: [a, b, c, d]\n    slurm: { time: '00:00:05' }\n")
      .replace('sleep 20', 'sleep 200'),
  );
  const r = p.run(['run', '--no-plots', ...slurm], cluster.env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /unit 'a': Slurm job \d+ hit its time limit \(TIMEOUT\)/);
  assert.match(r.stderr, /hint: raise slurm\.time/);
});
