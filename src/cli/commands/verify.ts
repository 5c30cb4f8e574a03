/**
 * `pipe verify [--profile P]`: re-run every stage from scratch in a scratch cache and results folder (the
 * project's .pipe/ and results/ are left alone) and compare each stage's output hashes and headline
 * metrics with the committed lock. Same backend: exact (or verify.relative_tolerance); another backend:
 * metrics within verify.cross_backend_tolerance, output bytes not compared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { windDownOnInterrupt } from '../interrupt.js';
import { PipeError } from '../../failure/pipe-error.js';
import { formatTable } from '../table.js';
import { loadContext, states as computeStates, type GlobalOptions } from '../context.js';
import { makePlan, runPlan } from '../../runner/run.js';
import { PlainReporter } from '../plain-reporter.js';
import { parseJobs } from './run.js';
import type { LockFile, LockStage } from '../../cache/lock-file.js';

interface Check {
  stage: string;
  what: string;
  locked: string;
  now: string;
  status: 'ok' | 'drift' | 'missing';
}

export async function verifyCommand(flags: GlobalOptions & { jobs?: string }, signal: AbortSignal): Promise<number> {
  const jobs = parseJobs(flags.jobs);
  const user = await loadContext(flags);
  const committed = user.lock;
  if (!committed || !Object.keys(committed.stages).length) {
    throw new PipeError('usage', `no lock to verify against: ${user.paths.lock} is missing or empty`, {
      hint: `run \`pipe run${flags.profile ? ` --profile ${flags.profile}` : ''}\` and commit the lock file`,
    });
  }
  windDownOnInterrupt(); // the scratch folder is removed on the way out
  const scratch = mkdtempSync(join(tmpdir(), 'pipe-verify-'));
  try {
    const ctx = await loadContext(flags, scratch);
    const states = await computeStates(ctx);
    const fresh: LockFile = { version: 1, pipeline: ctx.pipeline.name, profile: flags.profile ?? null, stages: {} };
    const reporter = new PlainReporter();
    if (!flags.json) reporter.info(`pipe verify: re-running ${states.length} stages from scratch in ${scratch}`);
    const outcomes = await runPlan({
      pipeline: ctx.pipeline,
      paths: ctx.paths,
      states,
      plan: makePlan(ctx.pipeline.stages, states, undefined, false),
      lock: fresh,
      stat: ctx.stat,
      keepGoing: true,
      jobs,
      backend: ctx.backend,
      reporter,
      signal,
    });
    if (signal.aborted) throw new PipeError('interrupted', 'verify interrupted');
    const checks: Check[] = [];
    const tol = ctx.pipeline.verify;
    for (const name of ctx.pipeline.stages.map((s) => s.name)) {
      const was = committed.stages[name];
      const now = fresh.stages[name];
      const failed = outcomes.find((o) => o.name === name && o.status === 'failed');
      if (!was) {
        checks.push({ stage: name, what: 'stage', locked: '(absent)', now: now ? 'ran' : 'failed', status: 'missing' });
        continue;
      }
      if (!now) {
        checks.push({ stage: name, what: 'stage', locked: 'ran', now: failed?.error?.split('\n')[0] ?? 'did not run', status: 'drift' });
        continue;
      }
      checks.push(...compareStage(name, was, now, tol.relative_tolerance, tol.cross_backend_tolerance));
    }
    const drift = checks.filter((c) => c.status !== 'ok');
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: drift.length === 0, checks })}\n`);
    else printTable(checks);
    if (drift.length) {
      throw new PipeError('verify-drift', `${drift.length} of ${checks.length} checks drifted from ${user.paths.lock.split('/').pop()}`, {
        hint: `if the change is intended, update the lock: pipe run${flags.profile ? ` --profile ${flags.profile}` : ''}` +
          ` && git add ${user.paths.lock.split('/').pop()}`,
      });
    }
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function compareStage(stage: string, was: LockStage, now: LockStage, relTol: number, crossTol: number): Check[] {
  const checks: Check[] = [];
  const sameBackend = was.backend === now.backend;
  checks.push({
    stage,
    what: 'fingerprint',
    locked: was.fingerprint.slice(0, 12),
    now: now.fingerprint.slice(0, 12),
    status: was.fingerprint === now.fingerprint ? 'ok' : 'drift',
  });
  if (was.backend !== 'none' || now.backend !== 'none') checks.push({ stage, what: 'backend', locked: was.backend, now: now.backend, status: 'ok' });
  if (sameBackend) {
    const files = [...new Set([...Object.keys(was.outputs), ...Object.keys(now.outputs)])].sort();
    const differing = files.filter((f) => was.outputs[f] !== now.outputs[f]);
    checks.push({
      stage,
      what: `outputs (${files.length} files)`,
      locked: 'hashes',
      now: differing.length ? `${differing.length} differ: ${differing.slice(0, 3).join(', ')}${differing.length > 3 ? ', …' : ''}` : 'identical',
      status: differing.length ? 'drift' : 'ok',
    });
  }
  const tol = sameBackend ? relTol : crossTol;
  const keys = [...new Set([...Object.keys(was.metrics), ...Object.keys(now.metrics)])].sort();
  for (const k of keys) {
    const a = was.metrics[k];
    const b = now.metrics[k];
    checks.push({ stage, what: k, locked: show(a), now: show(b), status: close(a, b, tol) ? 'ok' : 'drift' });
  }
  return checks;
}

function close(a: unknown, b: unknown, tol: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'number' ? String(v) : JSON.stringify(v);
  return s.length > 48 ? `${s.slice(0, 45)}…` : s;
}

function printTable(checks: Check[]): void {
  const rows = [
    ['stage', 'what', 'locked', 'now', 'status'],
    ...checks.map((c) => [c.stage, c.what, c.locked, c.now, c.status === 'ok' ? 'ok' : c.status.toUpperCase()]),
  ];
  process.stdout.write(formatTable(rows));
  const drift = checks.filter((c) => c.status !== 'ok').length;
  process.stdout.write(drift ? `${drift} of ${checks.length} checks drifted\n` : `all ${checks.length} checks match the lock\n`);
}
