/**
 * Progress in a terminal with listr2: one task per stage titled with its counts, elapsed time and ETA
 * ("A — 3/7 units done · 12.3 s · ETA 40 s"), its units beneath — running ones with their latest epoch
 * and losses, finished ones kept with their result. A stage still waiting for the stages it needs is
 * shown paused (◼), not spinning. The runner drives events; each listr task waits for its stage to end.
 */
import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from 'listr2';
import type { EpochReport, PlannedUnit, Reporter, StageOutcome, UnitEnd } from '../runner/reporter.js';
import { describeOutcome } from './plain-reporter.js';
import { StageProgress } from './stage-progress.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface StageView {
  task?: Task;
  why?: string;
  /** the stage's own latest note ("tuning res_unet: 8 trials in batches of 2") */
  note?: string;
  started: boolean;
  ended: boolean;
  progress: StageProgress;
  done: (o: StageOutcome) => void;
  finished: Promise<StageOutcome>;
}

export class ListrReporter implements Reporter {
  private views = new Map<string, StageView>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private listr: Listr<unknown, any, any>;
  private running: Promise<unknown>;
  private notes: string[] = [];
  private ticker: NodeJS.Timeout;

  constructor(stages: string[], now: () => number = () => performance.now()) {
    for (const s of stages) {
      let done!: (o: StageOutcome) => void;
      const finished = new Promise<StageOutcome>((r) => (done = r));
      this.views.set(s, { started: false, ended: false, progress: new StageProgress(now), done, finished });
    }
    this.listr = new Listr(
      stages.map((s) => ({
        title: s,
        task: async (_ctx: unknown, task: Task) => {
          const v = this.views.get(s)!;
          v.task = task;
          task.title = `${s} — waiting`;
          // Paused, not spinning, until the runner starts the stage (listr2 starts concurrent tasks at once).
          while (!v.started && !v.ended) await task.task.pause(200);
          this.render(s);
          const o = await v.finished;
          task.output = v.progress.lines().join('\n');
          task.title = describeOutcome(o).replace(/^[✔✖·-] /, '');
          if (o.status === 'failed') throw new Error(o.error ?? 'failed');
          if (o.status === 'skipped') task.skip(describeOutcome(o).replace(/^- /, ''));
        },
        rendererOptions: { persistentOutput: true },
      })),
      {
        concurrent: true,
        exitOnError: false,
        // Ctrl-C is the CLI's: it stops the workers and exits 130 (listr2's own handler would exit 127 first)
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: false, showErrorMessage: true, pausedTimer: { condition: false, field: '' } },
      },
    );
    this.running = this.listr.run().catch(() => undefined);
    // elapsed time and ETA move between events too
    this.ticker = setInterval(() => {
      for (const [s, v] of this.views) if (v.started && !v.ended) this.render(s);
    }, 1000);
    this.ticker.unref();
  }

  private render(stage: string): void {
    const v = this.views.get(stage);
    if (!v?.task || v.ended) return;
    const summary = v.progress.summary();
    v.task.title = [stage, summary, v.why].filter(Boolean).join(' — ');
    v.task.output = [...(v.note ? [v.note] : []), ...v.progress.lines()].join('\n');
  }
  stageStart(stage: string, why: string[]): void {
    const v = this.views.get(stage);
    if (!v) return;
    v.started = true;
    v.why = why.join('; ');
    v.progress.start();
    this.render(stage);
  }
  stageEnd(o: StageOutcome): void {
    const v = this.views.get(o.name);
    if (!v) return;
    this.render(o.name);
    v.ended = true;
    v.done(o);
  }
  unitsPlanned(stage: string, units: PlannedUnit[]): void {
    this.views.get(stage)?.progress.plan(units.map((u) => u.id));
    this.render(stage);
  }
  unitStart(stage: string, unit: string): void {
    this.views.get(stage)?.progress.unitStart(unit);
    this.render(stage);
  }
  unitProgress(stage: string, unit: string, text: string, epoch?: EpochReport): void {
    const v = this.views.get(stage);
    if (!v) return;
    // the stage's own notes ("training unet, … on 'small'") are not a unit
    if (unit === stage && !v.progress.units.has(unit)) v.note = text;
    else v.progress.unitProgress(unit, text, epoch);
    this.render(stage);
  }
  unitEnd(stage: string, unit: string, how: UnitEnd): void {
    this.views.get(stage)?.progress.unitEnd(unit, how);
    this.render(stage);
  }
  info(message: string): void {
    this.notes.push(message);
  }
  warn(message: string): void {
    this.notes.push(`warning: ${message}`);
  }
  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const v of this.views.values()) {
      v.ended = true;
      v.done({ name: '', status: 'fresh', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [] });
    }
    await this.running;
    for (const n of this.notes) process.stderr.write(`${n}\n`);
  }
}
