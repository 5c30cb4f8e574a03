/**
 * `pipe unit FILE` (hidden): what a Slurm job runs on the compute node. Runs the unit described in FILE
 * (written by the runner on the shared filesystem) in a fresh worker process, exactly as the local pool
 * does, and appends its progress and outcome to events.jsonl beside FILE, where the runner reads them.
 * Exit 0 when the unit is done, else its reason's exit code.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exitCodeFor, PipeError, toFailure } from '../../failure/pipe-error.js';
import { ProcessPool, type UnitJob } from '../../runner/executor.js';
import type { UnitEvent } from '../../runner/slurm-executor.js';

export async function unitCommand(file: string, signal: AbortSignal): Promise<number> {
  let job: UnitJob;
  try {
    job = JSON.parse(readFileSync(file, 'utf8')) as UnitJob;
  } catch (err) {
    throw new PipeError('usage', `pipe unit ${file}: not a unit file (${(err as Error).message})`);
  }
  const events = join(dirname(file), 'events.jsonl');
  const emit = (e: UnitEvent) => appendFileSync(events, `${JSON.stringify(e)}\n`);
  const pool = new ProcessPool(Math.max(1, job.cores));
  const onAbort = () => pool.kill();
  signal.addEventListener('abort', onAbort);
  try {
    const done = await pool.run(job, (text, epoch) => emit({ t: 'progress', text, ...(epoch ? { epoch } : {}) }));
    emit({ t: 'done', backend: done.backend });
    return 0;
  } catch (err) {
    const failure = toFailure(err);
    emit({ t: 'error', failure });
    process.stderr.write(`pipe unit ${job.stage}/${job.id}: ${failure.message}\n`);
    return exitCodeFor(failure.reason);
  } finally {
    signal.removeEventListener('abort', onAbort);
    await pool.close();
  }
}
