/**
 * `shell`: a command run with execa, like a DVC stage. It writes its outputs into $PIPE_OUT; the runner
 * commits them to results/<stage>/. With `foreach`, the command runs once per item, each item a cached
 * unit (results/<stage>/<item>/), so a killed stage keeps its finished items.
 */
import { cp, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PipeError } from '../src/failure/pipe-error.js';
import { hashJson, hashTree } from '../src/cache/hash.js';
import { registerStageKind, type Json, type StageKind } from './api.js';

const itemSchema = z.union([
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'foreach items are used as folder names: letters, digits, _ . -')
    .refine((s) => s !== '.' && s !== '..', "foreach items are used as folder names: '.' and '..' are not allowed"),
  z.number(),
]);

const shellParams = z.object({
  cmd: z.string().min(1).describe('command line, run by the shell in the project folder; write outputs into $PIPE_OUT'),
  deps: z.array(z.string()).default([]).describe('project files (globs) whose bytes determine the result'),
  outs: z.array(z.string()).default([]).describe('files the command must create inside $PIPE_OUT'),
  foreach: z.array(itemSchema).min(1).optional().describe('run the command once per item ($PIPE_ITEM), each a cached unit'),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

type ShellParams = z.infer<typeof shellParams>;

interface ShellPayload {
  cmd: string;
  item: string | number | null;
  outs: string[];
  env: Record<string, string>;
  /** content only: deps' file hashes and each upstream's output hashes (never paths or fingerprints) */
  inputs: Record<string, string>;
  [k: string]: Json;
}

/** where things are on this machine: not part of the key (a key with paths in it is useless to a shared cache) */
interface ShellLocals {
  upstreamDirs: Record<string, string>;
}

const shell: StageKind<ShellParams, ShellPayload, ShellLocals> = {
  kind: 'shell',
  description: 'run a command with declared inputs and outputs',
  params: shellParams,
  inputs: (p) => ({ data: [], models: [], files: p.deps, references: [] }),
  validate(p) {
    const seen = new Set<string>();
    for (const [i, item] of (p.foreach ?? []).entries()) {
      if (seen.has(String(item))) return [{ path: ['foreach', i], message: `foreach item '${item}' appears twice` }];
      seen.add(String(item));
    }
    return [];
  },
  async run(ctx) {
    const items = ctx.params.foreach ?? [null];
    const env = Object.fromEntries(Object.entries(ctx.params.env).map(([k, v]) => [k, String(v)]));
    const upstreamDirs = Object.fromEntries(Object.keys(ctx.fingerprint.upstream).map((s) => [s, ctx.resultsOf(s)]));
    // content, not paths, decides reuse: the deps' bytes and what each upstream stage produced
    const upstreamContent: Record<string, string> = {};
    for (const [s, dir] of Object.entries(upstreamDirs)) upstreamContent[`upstream:${s}`] = hashJson(await hashTree(dir));
    const inputs = { ...ctx.fingerprint.files, ...upstreamContent };
    const units = items.map((item) => ({
      id: item === null ? ctx.stage : String(item),
      payload: { cmd: ctx.params.cmd, item, outs: ctx.params.outs, env, inputs } satisfies ShellPayload,
      locals: { upstreamDirs } satisfies ShellLocals,
    }));
    const done = await ctx.runUnits(units);
    for (const [i, u] of done.entries()) {
      const dest = items[i] === null ? ctx.outDir : join(ctx.outDir, String(items[i]));
      await mkdir(dest, { recursive: true });
      await cp(u.dir, dest, { recursive: true });
    }
    return { metrics: { items: items.length } };
  },
  async runUnit(payload, ctx) {
    const p = payload;
    const { upstreamDirs } = ctx.locals;
    // execa only where a command runs (workers): a no-op run never loads it
    const { execa } = await import('execa');
    const upstreamEnv = Object.fromEntries(Object.entries(upstreamDirs).map(([s, d]) => [`PIPE_IN_${s.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`, d]));
    const res = await execa(p.cmd, {
      shell: true,
      cwd: ctx.projectDir,
      reject: false,
      all: true,
      env: { ...upstreamEnv, ...p.env, PIPE_OUT: ctx.outDir, PIPE_WORK: ctx.workDir, PIPE_STAGE: ctx.stage, PIPE_ITEM: p.item === null ? '' : String(p.item) },
    });
    if (res.exitCode !== 0 || res.signal) {
      const tail = String(res.all ?? '').split('\n').slice(-15).join('\n');
      const how = res.signal ? `was killed by ${res.signal}` : `exited with code ${res.exitCode}`;
      throw new PipeError(
        'stage-failed',
        `command \`${p.cmd}\`${p.item === null ? '' : ` (item ${p.item})`} ${how}${tail ? `; its last output:\n${tail}` : ''}`,
      );
    }
    for (const out of p.outs) {
      if (!existsSync(join(ctx.outDir, out))) {
        throw new PipeError('stage-failed', `command \`${p.cmd}\` succeeded but did not write its declared output '${out}' into $PIPE_OUT`, {
          hint: 'write outputs to "$PIPE_OUT/<file>", or fix the outs: list',
        });
      }
    }
  },
};

registerStageKind(shell);
