/**
 * User errors outside the config's keys: each is one message, a documented exit code, no stack trace, and
 * nothing written to .pipe/, results/ or the lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

function assertClean(p: Project, r: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
  assert.match(r.stderr, /^error: /m);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  assert.ok(!p.exists('.pipe') && !p.exists('pipeline.lock'), 'nothing written to .pipe/ or the lock');
}

const FILES_STUDY = (x: string) => `data:
  files: { x: ${x}, y: data/y.npy }
  split: { small: 2, test: 1 }
stages:
  A: { kind: train, data: small, models: [plain_cnn] }
`;

test('a config that is not valid UTF-8: its line and column, exit 2', (t) => {
  const p = new Project();
  t.after(() => p.cleanup());
  writeFileSync(join(p.dir, 'pipeline.yaml'), Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('\nstages: {}\n')]));
  const r = p.run(['run']);
  assertClean(p, r, 2, /pipeline\.yaml:1:10: the file is not valid UTF-8 \(byte 0xe9\)/);
});

test('a data path that is a folder, or a device (/dev/zero): exit 3 at once, naming it', (t) => {
  for (const x of ['data/x.npy', '/dev/zero']) {
    const p = new Project({ 'pipeline.yaml': FILES_STUDY(x), 'data/y.npy': 'not read' });
    t.after(() => p.cleanup());
    if (x === 'data/x.npy') mkdirSync(join(p.dir, x));
    const r = p.run(['run']);
    assertClean(p, r, 3, new RegExp(`data file '${x.replace(/\//g, '\\/')}' \\(data.files.x\\) is (a folder|a device), not a regular file`));
    assert.equal(p.run(['status']).code, 3, 'status refuses it too');
  }
});

test('`results` being a file: exit 2 before anything runs', (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hi\n', results: 'a file\n' });
  t.after(() => p.cleanup());
  for (const args of [['run'], ['run', '--dry-run']]) {
    const r = p.run(args);
    assertClean(p, r, 2, /results is not a folder: pipe writes each stage's results into results\/<stage>\//);
  }
  assert.equal(p.count('prep'), 0);
});

test("-c /abs/path/pipeline.yaml from another folder: the project is the config's folder (its models/ and stages/)", (t) => {
  const p = new Project({
    'pipeline.yaml': `stages:\n  S: { kind: echo_kind, text: hi }\n`,
    'stages/echo.ts': `import { registerStageKind, z } from 'pipe-ml/stages';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
registerStageKind({ kind: 'echo_kind', description: 'echo', params: z.object({ text: z.string() }), \
inputs: () => ({ data: [], models: [], files: [], references: [] }),
  async run(ctx) { await writeFile(join(ctx.outDir, 'out.txt'), ctx.params.text); return { metrics: {} }; } });
`,
  });
  const elsewhere = new Project();
  t.after(() => {
    p.cleanup();
    elsewhere.cleanup();
  });
  const r = elsewhere.run(['run', '-c', join(p.dir, 'pipeline.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(p.read('results/S/out.txt'), 'hi');
  assert.ok(!elsewhere.exists('.pipe') && !elsewhere.exists('results'), 'nothing written where pipe was started');
});

test('gc --dry-run says what it would remove, and removes nothing', (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline(), 'input.txt': 'hi\n' });
  t.after(() => p.cleanup());
  assert.equal(p.run(['run']).code, 0);
  p.write('input.txt', 'changed\n');
  assert.equal(p.run(['run']).code, 0);
  const dry = p.run(['gc', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would remove [1-9]\d* cache entr(y|ies), freeing \d+\.\d MiB \(nothing removed\)/);
  assert.doesNotMatch(dry.stdout, /removed \d|freed/);
  const real = p.run(['gc']);
  assert.match(real.stdout, /pipe gc: removed [1-9]\d* cache entr/, 'the dry run removed nothing: the real one still finds work');
});

test(
  'a full disk (ENOSPC) while writing the cache: exit 6 naming the full file system, no stack, the results untouched',
  { skip: process.getuid?.() !== 0 && 'needs root to mount a tiny tmpfs' },
  (t) => {
    const p = new Project({
      'pipeline.yaml': `stages:\n  big:\n    kind: shell\n    cmd: 'head -c 700000 /dev/urandom > "$PIPE_OUT/big.bin"'\n    outs: [big.bin]\n`,
    });
    const mount = join(p.dir, 'small-disk');
    mkdirSync(mount);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
    if (m.status !== 0) {
      p.cleanup();
      t.skip('mount -t tmpfs is not allowed here');
      return;
    }
    t.after(() => {
      spawnSync('umount', [mount]);
      p.cleanup();
    });
    const r = p.run(['run'], { PIPE_CACHE_DIR: join(mount, 'cache') });
    assert.equal(r.code, 6, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`no space left on the file system at ${mount.replace(/[/.]/g, '\\$&')} \\(writing ${mount.replace(/[/.]/g, '\\$&')}/cache/`),
    );
    assert.match(r.stderr, /hint: free space there/);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.ok(!p.exists('results/big') && !p.exists('pipeline.lock'), 'no half-published results, no lock entry');
  },
);
