/**
 * What a `pipe run` writes to its event log (.pipe/runs/<id>.jsonl): one JSON object per line, appended
 * as things happen. The first line says what the run is (commit, profile, --set, resolved params, the
 * plan); the last, when the run ends normally, its outcomes and the stages' headline metrics. A run
 * killed with -9 simply has no last line. Artifacts are never copied: units and stages are referenced by
 * their cache keys (units/<key>, stages/<fingerprint>).
 */
import type { FingerprintParts } from '../cache/fingerprint.js';
import type { EpochReport, PlannedUnit, StageOutcome, UnitEnd } from '../runner/reporter.js';

export interface PlannedStage {
  name: string;
  kind: string;
  needs: string[];
  action: 'run' | 'fresh';
  reasons: string[];
  fingerprint: string;
  /** the resolved config the fingerprint was computed from (params after profile and --set, …) */
  parts: FingerprintParts;
}

export interface RunStart {
  type: 'run-start';
  t: number;
  id: string;
  pid: number;
  host: string;
  tool: string;
  pipeline: string;
  config: string;
  profile: string | null;
  sets: string[];
  git: { commit: string | null; dirty: boolean | null };
  /** the backend requested (auto, wasm, …) and what auto resolves to here */
  backend: { requested: string; expected: string };
  jobs: number;
  targets: string[];
  force: boolean;
  plan: PlannedStage[];
}

export interface RunEnd {
  type: 'run-end';
  t: number;
  status: 'done' | 'failed' | 'interrupted';
  /** headline metrics of every stage the lock holds after the run (pipeline.lock's `metrics`) */
  metrics: Record<string, Record<string, unknown>>;
  /** backend each stage that ran or was restored used */
  backends: Record<string, string>;
}

export type RunEvent =
  | RunStart
  | { type: 'stage-start'; t: number; stage: string; why: string[] }
  | { type: 'units-planned'; t: number; stage: string; units: PlannedUnit[] }
  | { type: 'unit-start'; t: number; stage: string; unit: string }
  | { type: 'epoch'; t: number; stage: string; unit: string; epoch: EpochReport }
  | { type: 'unit-progress'; t: number; stage: string; unit: string; text: string }
  | { type: 'unit-end'; t: number; stage: string; unit: string; how: UnitEnd; key?: string }
  | { type: 'stage-end'; t: number; outcome: StageOutcome }
  | { type: 'warn'; t: number; message: string }
  | RunEnd;
