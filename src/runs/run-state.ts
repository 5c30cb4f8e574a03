/**
 * A run's event log folded into what people look at: the run's status, each stage's state (fresh,
 * queued, running, done, restored, failed, skipped, interrupted) and each unit's state and learning
 * curve. The same fold serves `pipe runs`, `pipe compare` and the dashboard, live or after the fact.
 */
import type { EpochReport, StageOutcome, UnitEnd } from '../runner/reporter.js';
import type { Json } from '../../stages/api.js';
import type { RunEnd, RunEvent, RunStart } from './run-events.js';

export type UnitState = 'queued' | 'running' | UnitEnd;
export type StageState = 'fresh' | 'queued' | 'running' | 'done' | 'restored' | 'failed' | 'skipped' | 'interrupted';
export type RunStatus = 'running' | RunEnd['status'];

export interface UnitView {
  id: string;
  state: UnitState;
  key?: string;
  label?: Record<string, Json>;
  started?: number;
  ended?: number;
  epochs: EpochReport[];
  /** the latest progress line */
  text?: string;
}

export interface StageView {
  name: string;
  kind: string;
  needs: string[];
  state: StageState;
  reasons: string[];
  fingerprint: string;
  started?: number;
  ended?: number;
  outcome?: StageOutcome;
  /** the stage's own latest note ("tuning res_unet: 8 trials in batches of 2") */
  note?: string;
  units: UnitView[];
}

export interface RunState {
  id: string;
  status: RunStatus;
  start: RunStart;
  end?: RunEnd;
  stages: StageView[];
  warnings: string[];
  /** time of the last event */
  last: number;
}

/**
 * `alive`: whether the run's process still runs (asked only for a log without a run-end line). A log
 * without a run-end whose writer is gone is an interrupted run (kill -9, a crash, a lost machine).
 */
export function foldRun(events: RunEvent[], alive: (start: RunStart) => boolean): RunState | undefined {
  const start = events[0];
  if (start?.type !== 'run-start') return undefined;
  const stages = new Map<string, StageView>(
    start.plan.map((p) => [
      p.name,
      {
        name: p.name,
        kind: p.kind,
        needs: p.needs,
        state: p.action === 'fresh' ? 'fresh' : 'queued',
        reasons: p.reasons,
        fingerprint: p.fingerprint,
        units: [],
      },
    ]),
  );
  const run: RunState = { id: start.id, status: 'running', start, stages: [...stages.values()], warnings: [], last: start.t };
  const unitOf = (stage: StageView, id: string): UnitView => {
    let u = stage.units.find((x) => x.id === id);
    if (!u) stage.units.push((u = { id, state: 'queued', epochs: [] }));
    return u;
  };
  for (const e of events.slice(1)) {
    run.last = e.t;
    if (e.type === 'run-end') {
      run.end = e;
      run.status = e.status;
      continue;
    }
    if (e.type === 'warn') {
      run.warnings.push(e.message);
      continue;
    }
    if (e.type === 'run-start') continue;
    const name = e.type === 'stage-end' ? e.outcome.name : e.stage;
    const st = stages.get(name);
    if (!st) continue;
    switch (e.type) {
      case 'stage-start':
        st.state = 'running';
        st.started = e.t;
        break;
      case 'units-planned':
        for (const p of e.units) {
          const u = unitOf(st, p.id);
          u.key = p.key;
          if (p.label) u.label = p.label;
        }
        break;
      case 'unit-start': {
        const u = unitOf(st, e.unit);
        u.state = 'running';
        u.started = e.t;
        break;
      }
      case 'epoch': {
        const u = unitOf(st, e.unit);
        u.epochs[e.epoch.epoch] = e.epoch;
        break;
      }
      case 'unit-progress':
        if (e.unit === st.name && !st.units.some((u) => u.id === e.unit)) st.note = e.text;
        else unitOf(st, e.unit).text = e.text;
        break;
      case 'unit-end': {
        const u = unitOf(st, e.unit);
        u.state = e.how;
        u.ended = e.t;
        if (e.key) u.key = e.key;
        break;
      }
      case 'stage-end':
        st.outcome = e.outcome;
        st.ended = e.t;
        st.state = stageStateOf(e.outcome);
        break;
    }
  }
  for (const st of run.stages) st.units.forEach((u) => (u.epochs = u.epochs.filter(Boolean)));
  if (!run.end && !alive(start)) run.status = 'interrupted';
  if (run.status === 'interrupted') {
    for (const st of run.stages) {
      if (st.state === 'running') st.state = 'interrupted';
      for (const u of st.units) if (u.state === 'running') u.state = 'interrupted';
    }
  }
  return run;
}

function stageStateOf(o: StageOutcome): StageState {
  if (o.status === 'failed') return o.reason === 'interrupted' ? 'interrupted' : 'failed';
  if (o.status === 'ran') return 'done';
  return o.status;
}

/** The headline a person compares runs by: the best test median RAE of an evaluate stage, else a best validation loss. */
export function headline(metrics: Record<string, Record<string, unknown>> | undefined): { label: string; value: number } | undefined {
  if (!metrics) return undefined;
  let best: { label: string; value: number } | undefined;
  for (const m of Object.values(metrics)) {
    for (const [k, v] of Object.entries(m ?? {})) {
      const hit = /^rae_median\.(.+)\.test\.test$/.exec(k);
      if (hit && typeof v === 'number' && hit[1] !== 'dummy' && (!best || v < best.value)) best = { label: `test RAE (${hit[1]})`, value: v };
    }
  }
  if (best) return best;
  for (const [s, m] of Object.entries(metrics).reverse()) {
    const v = m?.best_val_loss ?? m?.best_value;
    if (typeof v === 'number') return { label: `${s} best val`, value: v };
  }
  return undefined;
}
