/**
 * What the runner tells the person watching. Implementations: plain lines (CI, pipes, --json) and
 * listr2 (a terminal), both in src/cli/.
 */
import type { EpochReport, Json } from '../../stages/api.js';

export type { EpochReport };
import type { FailureReason } from '../failure/pipe-error.js';

export type StageStatus = 'ran' | 'fresh' | 'restored' | 'failed' | 'skipped';

export interface StageOutcome {
  name: string;
  status: StageStatus;
  seconds: number;
  units: { ran: number; reused: number };
  reasons: string[];
  error?: string;
  /** why a failed stage failed, e.g. data-invalid (decides the run's exit code) */
  reason?: FailureReason;
  hint?: string;
  backend?: string;
}

export type UnitEnd = 'ran' | 'reused' | 'failed' | 'interrupted';

/** A unit a stage is about to run or reuse: its id, its cache key (units/<key>) and what it varies. */
export interface PlannedUnit {
  id: string;
  key: string;
  label?: Record<string, Json>;
}

export interface Reporter {
  stageStart(stage: string, why: string[]): void;
  stageEnd(outcome: StageOutcome): void;
  /** every unit of one runUnits call, before any of them starts or is reused (counts, ETA) */
  unitsPlanned?(stage: string, units: PlannedUnit[]): void;
  unitStart(stage: string, unit: string): void;
  unitProgress(stage: string, unit: string, text: string, epoch?: EpochReport): void;
  /** key: the unit's cache key, where the unit got that far */
  unitEnd(stage: string, unit: string, how: UnitEnd, key?: string): void;
  info(message: string): void;
  warn(message: string): void;
  close(): Promise<void>;
}

export const silentReporter: Reporter = {
  stageStart() {},
  stageEnd() {},
  unitStart() {},
  unitProgress() {},
  unitEnd() {},
  info() {},
  warn() {},
  async close() {},
};
