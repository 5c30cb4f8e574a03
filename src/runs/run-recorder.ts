/**
 * Records a `pipe run` while it happens: a Reporter that passes every event on to the one the person
 * watches and appends it to the run's event log. The runner stays unaware of it (it only sees a
 * Reporter); the run command opens the record before the plan runs and closes it with the outcomes.
 */
import type { EpochReport, PlannedUnit, Reporter, StageOutcome, UnitEnd } from '../runner/reporter.js';
import type { RunEnd, RunEvent, RunStart } from './run-events.js';
import { newRunId, RunLogWriter, runsDir } from './run-log.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class RunRecorder implements Reporter {
  readonly id: string;
  private readonly log: RunLogWriter;
  private ended = false;

  constructor(
    pipeDir: string,
    start: Omit<RunStart, 'type' | 't' | 'id'>,
    private readonly inner: Reporter,
    private readonly now: () => number = Date.now,
  ) {
    this.id = newRunId(new Date(now()));
    this.log = new RunLogWriter(runsDir(pipeDir), this.id);
    this.write({ type: 'run-start', id: this.id, ...start });
  }

  get file(): string {
    return this.log.file;
  }

  private write(e: DistributiveOmit<RunEvent, 't'>): void {
    // A full disk must not fail the run: the record is a convenience, the lock and cache are the truth.
    try {
      this.log.append({ ...e, t: this.now() } as RunEvent);
    } catch (err) {
      this.log.close();
      this.inner.warn(`run history: could not write ${this.log.file} (${(err as Error).message}); the run goes on unrecorded`);
    }
  }

  stageStart(stage: string, why: string[]): void {
    this.write({ type: 'stage-start', stage, why });
    this.inner.stageStart(stage, why);
  }
  stageEnd(outcome: StageOutcome): void {
    this.write({ type: 'stage-end', outcome });
    this.inner.stageEnd(outcome);
  }
  unitsPlanned(stage: string, units: PlannedUnit[]): void {
    this.write({ type: 'units-planned', stage, units });
    this.inner.unitsPlanned?.(stage, units);
  }
  unitStart(stage: string, unit: string): void {
    this.write({ type: 'unit-start', stage, unit });
    this.inner.unitStart(stage, unit);
  }
  unitProgress(stage: string, unit: string, text: string, epoch?: EpochReport): void {
    this.write(epoch ? { type: 'epoch', stage, unit, epoch } : { type: 'unit-progress', stage, unit, text });
    this.inner.unitProgress(stage, unit, text, epoch);
  }
  unitEnd(stage: string, unit: string, how: UnitEnd, key?: string): void {
    this.write({ type: 'unit-end', stage, unit, how, ...(key ? { key } : {}) });
    this.inner.unitEnd(stage, unit, how, key);
  }
  info(message: string): void {
    this.inner.info(message);
  }
  warn(message: string): void {
    this.write({ type: 'warn', message });
    this.inner.warn(message);
  }

  /** The last line: how the run ended and the headline metrics the lock holds now. Once. */
  end(status: RunEnd['status'], metrics: RunEnd['metrics'], backends: RunEnd['backends']): void {
    if (this.ended) return;
    this.ended = true;
    this.write({ type: 'run-end', status, metrics, backends });
    this.log.close();
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
