/**
 * Progress in a terminal with listr2: one task per stage, its units (with the latest epoch line) shown
 * beneath. The runner drives events; each listr task just waits for its stage to end.
 */
import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from 'listr2';
import type { Reporter, StageOutcome } from '../runner/reporter.js';
import { describeOutcome } from './plain-reporter.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any

interface StageView {
  task?: Task;
  title?: string;
  units: Map<string, string>;
  done: (o: StageOutcome) => void;
  finished: Promise<StageOutcome>;
}

export class ListrReporter implements Reporter {
  private views = new Map<string, StageView>();
  private listr: Listr<unknown, any, any>;
  private running: Promise<unknown>;
  private notes: string[] = [];

  constructor(stages: string[]) {
    for (const s of stages) {
      let done!: (o: StageOutcome) => void;
      const finished = new Promise<StageOutcome>((r) => (done = r));
      this.views.set(s, { units: new Map(), done, finished });
    }
    this.listr = new Listr(
      stages.map((s) => ({
        title: s,
        task: async (_ctx: unknown, task: Task) => {
          const v = this.views.get(s)!;
          v.task = task;
          if (v.title) task.title = v.title;
          this.render(s);
          const o = await v.finished;
          task.title = describeOutcome(o).replace(/^[✔✖·-] /, '');
          if (o.status === 'failed') throw new Error(o.error ?? 'failed');
          if (o.status === 'skipped') task.skip(describeOutcome(o).replace(/^- /, ''));
        },
      })),
      { concurrent: true, exitOnError: false, registerSignalListeners: false /* pipe's own handler stops workers, releases the lock, exits 130 */, rendererOptions: { collapseSubtasks: false, showErrorMessage: true } },
    );
    this.running = this.listr.run().catch(() => undefined);
  }

  private render(stage: string): void {
    const v = this.views.get(stage);
    if (!v?.task) return;
    v.task.output = [...v.units.entries()].map(([u, t]) => `${u}: ${t}`).join('\n');
  }
  stageStart(stage: string, why: string[]): void {
    const v = this.views.get(stage);
    if (!v) return;
    v.title = `${stage} — ${why.join('; ')}`;
    if (v.task) v.task.title = v.title;
  }
  stageEnd(o: StageOutcome): void {
    this.views.get(o.name)?.done(o);
  }
  unitStart(stage: string, unit: string): void {
    this.views.get(stage)?.units.set(unit, 'started');
    this.render(stage);
  }
  unitProgress(stage: string, unit: string, text: string): void {
    this.views.get(stage)?.units.set(unit, text);
    this.render(stage);
  }
  unitEnd(stage: string, unit: string, how: 'ran' | 'reused' | 'failed' | 'interrupted'): void {
    const v = this.views.get(stage);
    if (!v) return;
    if (how === 'failed' || how === 'interrupted') v.units.set(unit, how);
    else v.units.delete(unit);
    this.render(stage);
  }
  info(message: string): void {
    this.notes.push(message);
  }
  warn(message: string): void {
    this.notes.push(`warning: ${message}`);
  }
  async close(): Promise<void> {
    for (const v of this.views.values()) v.done({ name: '', status: 'fresh', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [] });
    await this.running;
    for (const n of this.notes) process.stderr.write(`${n}\n`);
  }
}
