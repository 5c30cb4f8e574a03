/**
 * Choosing an executor, without any service: the executor and its settings are never part of a
 * fingerprint, and bad choices get one clear message and exit 2 before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

function project(): Project {
  return new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hello\n' });
}

test('executor:, slurm: (top level and per stage), store: and bullmq: change no fingerprint', (t) => {
  const p = project();
  t.after(() => p.cleanup());
  assert.equal(p.run(['run', '--no-plots']).code, 0);
  const lock = p.read('pipeline.lock');
  p.write(
    'pipeline.yaml',
    shellPipeline()
      .replace(
        'name: shell-study\n',
        "name: shell-study\nexecutor: slurm\nstore: dir:///tmp/nowhere\nbullmq: { redis: 'redis://127.0.0.1:1' }\n" +
          "slurm: { partition: p, time: '01:00:00', mem: 2G, extra: ['--exclusive'] }\n",
      )
      .replace('    foreach: [a, b, c, d]\n', '    foreach: [a, b, c, d]\n    slurm: { mem: 4G, cpus_per_task: 2 }\n'),
  );
  const st = p.run(['status']);
  assert.equal(st.code, 0, st.stderr);
  assert.doesNotMatch(st.stdout + st.stderr, /stale/);
  const r = p.run(['run', '--no-plots']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /nothing to do/);
  assert.equal(p.read('pipeline.lock'), lock);
});

test('an unknown executor, a missing Redis URL or store, an s3:// store: exit 2, one message, nothing run', (t) => {
  const p = project();
  t.after(() => p.cleanup());
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--executor', 'bullmg'], {}, /--executor bullmg: no such executor \(did you mean 'bullmq'\?\)/],
    [['--executor', 'bullmq', '--store', 'dir:///tmp/x'], { PIPE_REDIS_URL: '' }, /--executor bullmq: no Redis URL[^]*hint: give --redis/],
    [['--executor', 'bullmq', '--redis', 'redis://127.0.0.1:1'], { PIPE_STORE_URL: '' }, /no shared store[^]*hint: give --store dir:\/\/\//],
    [['--executor', 'bullmq', '--redis', 'redis://127.0.0.1:1', '--store', 's3://bucket/x'], {}, /the s3:\/\/ backend is not built yet/],
    [['--executor', 'bullmq', '--redis', 'http://x', '--store', 'dir:///tmp/x'], {}, /is not a redis:\/\/ or rediss:\/\/ URL/],
  ];
  for (const [args, env, msg] of cases) {
    const r = p.run(['run', '--no-plots', ...args], env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(p.count('prep'), 0);
  }
});
