/**
 * The baseline drawn on the dashboard's live learning curves: the validation loss of predicting the
 * training mean (the "dummy" the training engine measures in the units of the training loss, kept in
 * each finished unit's history.json). A unit writes it only when it finishes, so a stage's line appears
 * once its first unit has finished or was reused from the cache; every unit of a train or tune stage
 * fits on the same split, so that one value serves the stage's running units too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState } from '../runs/run-state.js';

export interface StageBaseline {
  /** the training-mean predictor's validation loss */
  val: number;
  /** the unit whose history it was read from */
  unit: string;
}

export type DashboardRun = RunState & { baselines: Record<string, StageBaseline> };

/** Reads (once per cache key) the dummy validation loss of finished units from the cache. */
export class BaselineReader {
  private byKey = new Map<string, number | null>();
  constructor(private readonly cacheDir: string | undefined) {}

  private of(key: string): number | null {
    if (this.byKey.has(key)) return this.byKey.get(key)!;
    let v: number | null = null;
    try {
      const h = JSON.parse(readFileSync(join(this.cacheDir!, 'units', key, 'files', 'history.json'), 'utf8')) as { dummy?: { val?: unknown } };
      if (typeof h.dummy?.val === 'number' && Number.isFinite(h.dummy.val) && h.dummy.val > 0) v = h.dummy.val;
    } catch {
      // not a training unit, or its entry is elsewhere (a shared store) or gone (gc): no line
    }
    this.byKey.set(key, v);
    return v;
  }

  add(run: RunState): DashboardRun {
    const baselines: Record<string, StageBaseline> = {};
    if (this.cacheDir) {
      for (const st of run.stages) {
        for (const u of st.units) {
          if ((u.state !== 'ran' && u.state !== 'reused') || !u.key) continue;
          const v = this.of(u.key);
          if (v !== null) {
            baselines[st.name] = { val: v, unit: u.id };
            break;
          }
        }
      }
    }
    return { ...run, baselines };
  }
}
