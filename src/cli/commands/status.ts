/**
 * `pipe status [--json]`: every stage, fresh or stale, and why.
 */
import { loadContext, states as computeStates, type GlobalOptions } from '../context.js';

export async function statusCommand(flags: GlobalOptions): Promise<number> {
  const ctx = await loadContext(flags);
  const states = await computeStates(ctx);
  await ctx.stat.save().catch(() => undefined);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ stages: states.map((s) => ({ name: s.name, stale: s.stale, reasons: s.reasons, fingerprint: s.fingerprint })) })}\n`,
    );
    return 0;
  }
  const width = Math.max(...states.map((s) => s.name.length), 5);
  for (const s of states) {
    const head = `${s.name.padEnd(width)}  ${s.stale ? 'stale' : 'fresh'}  ${s.kind.padEnd(8)} ${s.fingerprint.slice(0, 12)}`;
    process.stdout.write(`${head}${s.stale ? `\n${s.reasons.map((r) => `${' '.repeat(width + 2)}- ${r}`).join('\n')}` : ''}\n`);
  }
  const stale = states.filter((s) => s.stale).length;
  process.stdout.write(stale ? `${stale} of ${states.length} stages stale; \`pipe run\` brings them up to date\n` : `all ${states.length} stages fresh\n`);
  return 0;
}
