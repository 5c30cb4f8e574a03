/**
 * Loads the stage kinds: the built-ins, then a user's own kinds from the project's stages/*.ts (loaded
 * with tsx at run time, like user models). Idempotent per process.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fg from 'fast-glob';
import { packageRoot } from './project.js';
import { withStageSource } from '../../stages/api.js';

const loaded = new Set<string>();

export async function loadStageKinds(projectDir: string): Promise<void> {
  if (!loaded.has('builtin')) {
    loaded.add('builtin');
    await import('../../stages/index.js');
  }
  const dir = resolve(projectDir, 'stages');
  if (loaded.has(dir) || dir === join(packageRoot(), 'stages') || !existsSync(dir)) return;
  loaded.add(dir);
  const files = await fg('*.ts', { cwd: dir, absolute: true, ignore: ['_*', '*.d.ts'] });
  if (!files.length) return;
  const { importTypeScript } = await import('../model-kit/loader.js');
  for (const f of files.sort()) await withStageSource(f, () => importTypeScript(f));
}
