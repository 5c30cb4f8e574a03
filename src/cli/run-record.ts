/**
 * The run command's side of run history: what a run is (commit, profile, --set, the plan with each
 * stage's resolved config and fingerprint) when it starts, and how it ended when it ends.
 */
import { hostname } from 'node:os';
import { readLock } from '../cache/lock-file.js';
import type { PlanEntry } from '../dag/plan.js';
import type { Reporter, StageOutcome } from '../runner/reporter.js';
import { toolVersion } from '../runner/project.js';
import type { StageState } from '../runner/states.js';
import { gitInfo } from '../runs/git-info.js';
import { RunRecorder } from '../runs/run-recorder.js';
import type { RunEnd } from '../runs/run-events.js';
import type { Context } from './context.js';

export interface RecordOptions {
  config: string;
  profile?: string;
  sets: string[];
  jobs: number;
  expectedBackend: string;
  targets: string[];
  force: boolean;
}

export function startRecord(ctx: Context, states: StageState[], plan: PlanEntry[], o: RecordOptions, inner: Reporter): RunRecorder {
  const stateOf = new Map(states.map((s) => [s.name, s]));
  return new RunRecorder(
    ctx.paths.pipeDir,
    {
      pid: process.pid,
      host: hostname(),
      tool: toolVersion(),
      pipeline: ctx.pipeline.name,
      config: o.config,
      profile: o.profile ?? null,
      sets: o.sets,
      git: gitInfo(ctx.pipeline.dir),
      backend: { requested: ctx.backend, expected: o.expectedBackend },
      jobs: o.jobs,
      targets: o.targets,
      force: o.force,
      plan: plan.map((e) => {
        const st = stateOf.get(e.name)!;
        const def = ctx.pipeline.byName.get(e.name)!;
        return { name: e.name, kind: def.kind, needs: def.needs, action: e.action, reasons: e.reasons, fingerprint: st.fingerprint, parts: st.parts };
      }),
    },
    inner,
  );
}

export function endRecord(rec: RunRecorder, outcomes: StageOutcome[], lockPath: string, aborted: boolean): void {
  const status: RunEnd['status'] =
    aborted || outcomes.some((o) => o.reason === 'interrupted')
      ? 'interrupted'
      : outcomes.length === 0 || outcomes.some((o) => o.status === 'failed')
        ? 'failed'
        : 'done';
  let metrics: RunEnd['metrics'] = {};
  try {
    metrics = Object.fromEntries(Object.entries(readLock(lockPath)?.stages ?? {}).map(([s, e]) => [s, e.metrics]));
  } catch {
    // an unreadable lock is reported by the next command that needs it; the record just lacks metrics
  }
  const backends = Object.fromEntries(outcomes.filter((o) => o.backend).map((o) => [o.name, o.backend!]));
  rec.end(status, metrics, backends);
}
