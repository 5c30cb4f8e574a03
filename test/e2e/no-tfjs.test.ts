/**
 * `pipe status` and a no-op `pipe run` never load tfjs (they must stay fast): run them with a module hook
 * that refuses to resolve any @tensorflow package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project } from './rig.js';
import { packageRoot } from '../../src/runner/project.js';

const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier.includes('@tensorflow/')) throw new Error('tfjs was loaded: ' + specifier);
  return next(specifier, context);
}\`));
`;

test('status, dry-run and a no-op run of the reference study load no tfjs', (t) => {
  const p = new Project({ 'no-tfjs.mjs': HOOK });
  t.after(() => p.cleanup());
  copyFileSync(join(packageRoot(), 'pipeline.yaml'), join(p.dir, 'pipeline.yaml'));
  const ran = p.run(['run', '--profile', 'ci', '--no-plots']);
  assert.equal(ran.code, 0, ran.stderr);
  const env = { NODE_OPTIONS: `--import=${pathToFileURL(join(p.dir, 'no-tfjs.mjs')).href}` };
  // the hook itself works: loading tfjs through it fails
  const guarded = p.run(['models'], env);
  assert.notEqual(guarded.code, 0, 'the guard must catch a command that does load tfjs');
  assert.match(guarded.stderr, /tfjs was loaded/);
  for (const args of [['status', '--profile', 'ci'], ['run', '--profile', 'ci'], ['run', '--profile', 'ci', '--dry-run'], ['plot', '--profile', 'ci']]) {
    const r = p.run(args, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
});
