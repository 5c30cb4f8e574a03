/**
 * The CLI's part of failures: rendering. The vocabulary itself (PipeError, reasons, exit codes) lives in
 * src/failure/, below every layer.
 */
import type { PipeError } from '../failure/pipe-error.js';

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
