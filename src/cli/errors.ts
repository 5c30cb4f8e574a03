/**
 * Every expected failure of pipe is a PipeError with a reason. The CLI's single top-level catch turns a
 * PipeError into its message (no stack trace) and the reason's exit code; anything else is `internal`.
 */
export type FailureReason =
  | 'config-invalid'
  | 'usage'
  | 'cycle'
  | 'model-unknown'
  | 'data-invalid'
  | 'stage-failed'
  | 'cache-corrupt'
  | 'backend-unavailable'
  | 'verify-drift'
  | 'interrupted'
  | 'internal';

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  /** the source line, for the squiggle */
  text?: string;
  length?: number;
}

export class PipeError extends Error {
  readonly reason: FailureReason;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly stage?: string;

  constructor(
    reason: FailureReason,
    message: string,
    opts: { location?: SourceLocation; hint?: string; stage?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PipeError';
    this.reason = reason;
    this.location = opts.location;
    this.hint = opts.hint;
    this.stage = opts.stage;
  }
}

/** Exit codes, documented in the README. */
export function exitCodeFor(reason: FailureReason): number {
  switch (reason) {
    case 'stage-failed':
    case 'verify-drift':
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

/** Render a PipeError the way a person reads it: location, message, source line with a squiggle, hint. */
export function formatError(err: PipeError): string {
  const lines: string[] = [];
  const where = err.location ? `${err.location.file}:${err.location.line}:${err.location.col}: ` : '';
  const stage = err.stage && !err.location ? `stage ${err.stage}: ` : '';
  lines.push(`error: ${where}${stage}${err.message}`);
  const loc = err.location;
  if (loc?.text !== undefined) {
    const num = String(loc.line);
    lines.push(`  ${num} | ${loc.text}`);
    lines.push(`  ${' '.repeat(num.length)} | ${' '.repeat(Math.max(0, loc.col - 1))}${'~'.repeat(Math.max(1, loc.length ?? 1))}`);
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  return lines.join('\n');
}
