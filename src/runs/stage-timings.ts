/**
 * Per-stage timings from the run history, for the report: what the latest run that knew the stage did
 * with it (ran, restored, fresh: cached, failed, skipped), and how long the stage took the last time it
 * actually ran (a fresh or restored stage's seconds are those of the run that computed it).
 */
import type { RunState } from './run-state.js';

export interface StageTimingRow {
  stage: string;
  latest: string;
  seconds?: number;
  units?: { ran: number; reused: number };
  run?: string;
  at?: number;
}

/** `runs` oldest first (loadRuns); only runs whose start matches `keep` (the same profile's results) count. */
export function stageTimings(runs: readonly RunState[], stages: readonly string[], keep: (r: RunState) => boolean = () => true): StageTimingRow[] {
  const mine = runs.filter(keep);
  return stages.flatMap((name) => {
    let latest: string | undefined;
    for (const r of [...mine].reverse()) {
      const st = r.stages.find((s) => s.name === name);
      if (!st) continue;
      latest ??= st.outcome?.status ?? (st.state === 'fresh' ? 'fresh' : st.state === 'running' ? 'running' : st.state);
      if (st.outcome?.status === 'ran')
        return [{ stage: name, latest, seconds: st.outcome.seconds, units: st.outcome.units, run: r.id, at: st.started ?? r.start.t }];
    }
    return latest ? [{ stage: name, latest }] : [];
  });
}
