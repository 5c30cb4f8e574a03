/**
 * What the runner tells the person watching. Implementations: plain lines (CI, pipes, --json) and
 * listr2 (a terminal), both in src/cli/.
 */
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

export interface Reporter {
  stageStart(stage: string, why: string[]): void;
  stageEnd(outcome: StageOutcome): void;
  unitStart(stage: string, unit: string): void;
  unitProgress(stage: string, unit: string, text: string): void;
  unitEnd(stage: string, unit: string, how: 'ran' | 'reused' | 'failed' | 'interrupted'): void;
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
