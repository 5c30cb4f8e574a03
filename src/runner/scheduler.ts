/**
 * The scheduler: which stages may start. A stage starts when every stage it needs (within the plan) has
 * finished well; independent stages overlap. After a failure nothing new starts unless --keep-going, and
 * then only stages that do not depend on the failure; the rest are reported as skipped, with why.
 */
import type { PlanEntry } from '../dag/plan.js';
import { PipeError } from '../failure/pipe-error.js';
import type { StageOutcome } from './reporter.js';

export interface ScheduleOptions {
  plan: PlanEntry[];
  /** the stages a stage needs (any of them; those outside the plan are ignored) */
  needsOf(stage: string): string[];
  keepGoing: boolean;
  signal: AbortSignal;
  runStage(entry: PlanEntry): Promise<StageOutcome>;
  /** every stage that did not stay fresh, as it ends (ran, restored, failed, skipped) */
  onEnd(outcome: StageOutcome): void;
}

export async function schedule(o: ScheduleOptions): Promise<StageOutcome[]> {
  const planned = new Set(o.plan.map((e) => e.name));
  const outcomes = new Map<string, StageOutcome>();
  const pending = new Map(o.plan.map((e) => [e.name, e]));
  const running = new Map<string, Promise<void>>();
  const failed = new Set<string>();
  let stopped = false;
  while (pending.size || running.size) {
    for (const [name, entry] of pending) {
      const needs = o.needsOf(name).filter((n) => planned.has(n));
      const blockedBy = needs.find((n) => failed.has(n) || outcomes.get(n)?.status === 'skipped');
      if (blockedBy || (stopped && entry.action === 'run')) {
        pending.delete(name);
        const why = blockedBy ? `skipped: needs ${blockedBy}, which ${failed.has(blockedBy) ? 'failed' : 'was skipped'}` : 'skipped: an earlier stage failed';
        const out: StageOutcome = { name, status: 'skipped', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [why] };
        outcomes.set(name, out);
        o.onEnd(out);
        continue;
      }
      if (needs.every((n) => outcomes.has(n))) {
        pending.delete(name);
        running.set(
          name,
          o.runStage(entry).then((out) => {
            outcomes.set(name, out);
            running.delete(name);
            if (out.status === 'failed') {
              failed.add(name);
              if (!o.keepGoing || o.signal.aborted) stopped = true;
            }
            if (out.status !== 'fresh') o.onEnd(out);
          }),
        );
      }
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.size) throw new PipeError('internal', `scheduler stalled with ${[...pending.keys()].join(', ')} pending`);
  }
  return o.plan.map((e) => outcomes.get(e.name)!);
}
