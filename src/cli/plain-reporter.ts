/**
 * Progress as plain lines (no TTY, CI, --json): one line per event, to stderr so stdout stays for results.
 * Epoch lines are throttled per unit so a long training does not flood the log.
 */
import type { EpochReport, PlannedUnit, Reporter, StageOutcome, UnitEnd } from '../runner/reporter.js';
import { StageProgress } from './stage-progress.js';

export function describeOutcome(o: StageOutcome): string {
  const secs = o.seconds >= 0.05 ? ` in ${o.seconds.toFixed(1)} s` : '';
  const units = o.units.ran + o.units.reused ? ` (units: ${o.units.ran} ran, ${o.units.reused} reused)` : '';
  switch (o.status) {
    case 'ran':
      return `✔ ${o.name} ran${secs}${units}`;
    case 'restored':
      return `✔ ${o.name} restored from cache${secs}`;
    case 'fresh':
      return `· ${o.name} fresh`;
    case 'skipped':
      return `- ${o.name} ${o.reasons[0] ?? 'skipped'}`;
    case 'failed':
      return `✖ ${o.name} failed${secs}${units}: ${o.error}${o.hint ? `\n  hint: ${o.hint}` : ''}`;
  }
}

export class PlainReporter implements Reporter {
  private lastProgress = new Map<string, number>();
  private progress = new Map<string, StageProgress>();
  constructor(
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly throttleMs = 2000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  private stage(name: string): StageProgress {
    let p = this.progress.get(name);
    if (!p) this.progress.set(name, (p = new StageProgress(this.now)));
    return p;
  }

  private line(s: string): void {
    this.out.write(`${s}\n`);
  }
  stageStart(stage: string, why: string[]): void {
    this.stage(stage).start();
    this.line(`▶ ${stage}: ${why.join('; ')}`);
  }
  unitsPlanned(stage: string, units: PlannedUnit[]): void {
    this.stage(stage).plan(units.map((u) => u.id));
  }
  stageEnd(o: StageOutcome): void {
    this.line(describeOutcome(o));
  }
  unitStart(stage: string, unit: string): void {
    this.stage(stage).unitStart(unit);
    this.lastProgress.delete(`${stage}/${unit}`);
    this.line(`  ${stage}/${unit}: started`);
  }
  unitProgress(stage: string, unit: string, text: string, epoch?: EpochReport): void {
    if (unit !== stage) this.stage(stage).unitProgress(unit, text, epoch);
    const key = `${stage}/${unit}`;
    // Only epoch lines are throttled (the first of a unit always shows, so a resumed training says where it
    // resumed); other progress (memory plan, warnings, tuning batches) is rare and always shown. Every
    // executor forwards the epoch as data beside its line.
    if (epoch !== undefined) {
      const now = Date.now();
      const last = this.lastProgress.get(key);
      if (last !== undefined && now - last < this.throttleMs) return;
      this.lastProgress.set(key, now);
    }
    this.line(`  ${key}: ${text}`);
  }
  unitEnd(stage: string, unit: string, how: UnitEnd): void {
    const p = this.stage(stage);
    p.unitEnd(unit, how);
    this.line(`  ${stage}/${unit}: ${how === 'ran' ? 'done' : how} (${p.summary()})`);
  }
  info(message: string): void {
    this.line(message);
  }
  warn(message: string): void {
    this.line(`warning: ${message}`);
  }
  async close(): Promise<void> {}
}
