/**
 * The failure vocabulary, below every layer: each expected failure of pipe is a PipeError with a reason
 * from one closed union, an optional source location and a hint. Every layer throws these; the runner
 * carries them across process boundaries as plain data (`toFailure` / `fromFailure`); the CLI only
 * formats them and maps the reason to an exit code. Anything else that is thrown is wrapped once, as
 * `internal`, keeping its stack.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type FailureReason =
  | 'config-invalid'
  | 'usage'
  | 'cycle'
  | 'model-unknown'
  | 'data-invalid'
  | 'stage-failed'
  | 'diverged'
  | 'cache-corrupt'
  | 'storage-full'
  | 'out-of-memory'
  | 'backend-unavailable'
  | 'verify-drift'
  | 'worker-mismatch'
  | 'executor-unavailable'
  | 'interrupted'
  | 'internal';

export const FAILURE_REASONS: readonly FailureReason[] = [
  'config-invalid',
  'usage',
  'cycle',
  'model-unknown',
  'data-invalid',
  'stage-failed',
  'diverged',
  'cache-corrupt',
  'storage-full',
  'out-of-memory',
  'backend-unavailable',
  'verify-drift',
  'worker-mismatch',
  'executor-unavailable',
  'interrupted',
  'internal',
];

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  /** the source line, for the squiggle */
  text?: string;
  length?: number;
}

export interface FailureOptions {
  location?: SourceLocation;
  hint?: string;
  stage?: string;
  cause?: unknown;
}

export class PipeError extends Error {
  readonly reason: FailureReason;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly stage?: string;

  constructor(reason: FailureReason, message: string, opts: FailureOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PipeError';
    this.reason = reason;
    this.location = opts.location;
    this.hint = opts.hint;
    this.stage = opts.stage;
  }
}

/** A failure as data: what crosses a process (or machine) boundary and is re-created on the other side. */
export interface Failure {
  reason: FailureReason;
  message: string;
  hint?: string;
  location?: SourceLocation;
  stage?: string;
}

/** Exit codes, documented in the README. */
export function exitCodeFor(reason: FailureReason): number {
  switch (reason) {
    case 'stage-failed':
    case 'diverged':
    case 'verify-drift':
    case 'worker-mismatch':
      return 1;
    case 'config-invalid':
    case 'usage':
    case 'cycle':
    case 'model-unknown':
      return 2;
    case 'data-invalid':
      return 3;
    case 'backend-unavailable':
      return 4;
    case 'cache-corrupt':
      return 5;
    case 'storage-full':
      return 6;
    case 'out-of-memory':
      return 7;
    case 'executor-unavailable':
      return 8;
    case 'interrupted':
      return 130;
    case 'internal':
      return 70;
    default:
      return unreachable(reason);
  }
}

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${String(x)}`);
}

export function isFailureReason(x: unknown): x is FailureReason {
  return typeof x === 'string' && (FAILURE_REASONS as readonly string[]).includes(x);
}

/**
 * Any thrown value as a PipeError: PipeErrors pass through; a full disk becomes `storage-full` naming the
 * path; anything else is `internal`, its message carrying the stack (it is a bug to report).
 */
export function asPipeError(err: unknown): PipeError {
  if (err instanceof PipeError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    const file = (e as { dest?: string }).dest ?? e.path;
    const what = e.code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left';
    const mount = file ? mountPointOf(file) : undefined;
    const where = mount ? ` on the file system at ${mount} (writing ${file})` : file ? ` (writing ${file})` : '';
    return new PipeError('storage-full', `${what}${where}`, {
      hint: `free space there (pipe gc removes cache entries no lock references), or move the cache with PIPE_CACHE_DIR; finished units are cached`,
      cause: err,
    });
  }
  return new PipeError('internal', e instanceof Error ? (e.stack ?? e.message) : String(err), { cause: err });
}

/** The folder a file system is mounted at: the highest existing ancestor of `path` on the same device. */
function mountPointOf(path: string): string | undefined {
  let dir = dirname(path);
  while (!existsSync(dir) && dir !== dirname(dir)) dir = dirname(dir);
  try {
    const dev = statSync(dir).dev;
    while (dir !== dirname(dir) && statSync(dirname(dir)).dev === dev) dir = dirname(dir);
    return dir;
  } catch {
    return undefined;
  }
}

export function toFailure(err: unknown): Failure {
  const p = asPipeError(err);
  return {
    reason: p.reason,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.location ? { location: p.location } : {}),
    ...(p.stage ? { stage: p.stage } : {}),
  };
}

export function fromFailure(f: Failure): PipeError {
  return new PipeError(isFailureReason(f.reason) ? f.reason : 'internal', f.message, { hint: f.hint, location: f.location, stage: f.stage });
}
