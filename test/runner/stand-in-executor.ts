// An in-process Executor for the unit-runner and stage-execution tests: a unit's payload says what it
// does (write `value` to out.txt, or fail with a reason, after `ms`). It writes a checkpoint into its work
// folder as a training would, and records every job it was handed, in the order it was handed them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FAILURE_REASONS, PipeError, type FailureReason } from '../../src/failure/pipe-error.js';
import type { Executor, UnitDone, UnitJob } from '../../src/runner/executor.js';

const standInPayload = z.object({
  value: z.string(),
  fail: z.custom<FailureReason>((v) => typeof v === 'string' && (FAILURE_REASONS as readonly string[]).includes(v)).optional(),
  /** throw a plain Error (an unexpected failure) instead of a PipeError */
  crash: z.boolean().optional(),
  ms: z.number().optional(),
  backend: z.string().optional(),
});
export type StandInPayload = z.infer<typeof standInPayload>;

export class StandInExecutor implements Executor {
  readonly jobs: UnitJob[] = [];
  closed = false;
  killed = false;

  async run(job: UnitJob, onProgress: (text: string) => void, onStart?: () => void): Promise<UnitDone> {
    this.jobs.push(job);
    onStart?.();
    const p = standInPayload.parse(job.payload);
    await mkdir(job.workDir, { recursive: true });
    await writeFile(join(job.workDir, 'checkpoint'), p.value);
    if (p.ms) await new Promise((r) => setTimeout(r, p.ms));
    onProgress(`unit ${job.id}`);
    if (p.crash) throw new Error(`unit ${job.id} crashed`);
    if (p.fail) throw new PipeError(p.fail, `${job.id} failed on purpose`, { hint: 'a hint from the unit' });
    await mkdir(job.outDir, { recursive: true });
    await writeFile(join(job.outDir, 'out.txt'), p.value);
    return { backend: p.backend };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  kill(): void {
    this.killed = true;
  }
}
