/**
 * The commit a run ran from and whether the work tree had uncommitted changes (a run from a dirty tree
 * cannot be reproduced from its commit alone). Outside a git repository both are null.
 */
import { execFileSync } from 'node:child_process';

export function gitInfo(dir: string): { commit: string | null; dirty: boolean | null } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  try {
    const commit = git(['rev-parse', 'HEAD']);
    // .pipe/ and results/ are what runs write; only the study's sources make a tree dirty
    const dirty = git(['status', '--porcelain', '--untracked-files=normal', '--', '.', ':(exclude).pipe', ':(exclude)results']) !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}
