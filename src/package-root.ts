/**
 * The installed pipe package's root (its package.json, built-in models/ and stages/), found from this
 * file whether it runs from src/ (tsx) or dist/src/, and its version. A leaf module every layer may import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"name": "pipe-ml"')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the pipe-ml package root');
    dir = up;
  }
  root = dir;
  return dir;
}

/** pipe's version (package.json): part of every fingerprint, and what `pipe --version` prints. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
