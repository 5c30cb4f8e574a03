/**
 * The plan: the target stages plus their ancestors, in post-order; a stage runs when stale, or when it is
 * a target and --force was given. Pure: it takes each stage's staleness, however that was decided.
 */
import { topoOrder, type GraphNode } from './graph.js';

export interface PlanEntry {
  name: string;
  action: 'run' | 'fresh';
  reasons: string[];
  /** --force on a target: bypass the stage and unit caches */
  forced: boolean;
}

export interface Staleness {
  name: string;
  stale: boolean;
  reasons: string[];
}

export function makePlan(stages: GraphNode[], states: Staleness[], targets: string[] | undefined, force: boolean): PlanEntry[] {
  const byName = new Map(states.map((s) => [s.name, s]));
  const targetSet = new Set(targets ?? stages.map((s) => s.name));
  return topoOrder(stages, [...targetSet]).map((name) => {
    const st = byName.get(name)!;
    if (force && targetSet.has(name)) return { name, action: 'run', reasons: ['forced (--force)', ...st.reasons], forced: true };
    return { name, action: st.stale ? 'run' : 'fresh', reasons: st.reasons, forced: false };
  });
}
