/**
 * A worker process: receives units from the runner over IPC, runs the stage kind's runUnit, reports
 * progress and the outcome. It exits when the runner goes away (so a killed runner leaves no orphans).
 */
import { getStageKind } from '../../stages/api.js';
import { loadStageKinds } from './stage-kinds.js';
import type { UnitJob } from './executor.js';
import { PipeError, toFailure } from '../failure/pipe-error.js';

process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group; the runner decides what to stop and tells us.
process.on('SIGINT', () => {});

process.on('message', (msg: { type: 'unit'; job: UnitJob }) => {
  if (msg?.type !== 'unit') return;
  void runJob(msg.job);
});

async function runJob(job: UnitJob): Promise<void> {
  const send = (m: unknown) => process.send?.(m);
  try {
    await loadStageKinds(job.projectDir);
    const kind = getStageKind(job.kind);
    if (!kind?.runUnit) throw new PipeError('internal', `stage kind '${job.kind}' cannot run units`);
    let backend: string | undefined;
    await kind.runUnit(job.payload, {
      stage: job.stage,
      outDir: job.outDir,
      workDir: job.workDir,
      projectDir: job.projectDir,
      backend: job.backend,
      locals: job.locals,
      progress: (text, epoch) => {
        send({ type: 'progress', text, ...(epoch ? { epoch } : {}) });
      },
      setBackend: (b: string) => {
        backend = b;
      },
    });
    send({ type: 'done', backend });
  } catch (err) {
    send({ type: 'error', failure: toFailure(err) });
  }
}
