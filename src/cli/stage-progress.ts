/**
 * What the terminal says about one stage while it runs: units done out of planned, elapsed time, and an
 * ETA from what was measured — finished units' durations, and for running ones their seconds per epoch
 * times the epochs left. No estimate until there is something measured to estimate from. The clock is
 * injected so the arithmetic is testable without waiting.
 */
import type { EpochReport, UnitEnd } from '../runner/reporter.js';

export interface UnitLine {
  id: string;
  state: 'queued' | 'running' | UnitEnd;
  started?: number;
  ended?: number;
  epochsDone: number;
  epochs?: number;
  /** the latest progress line (an epoch with its losses) */
  text?: string;
  bestVal?: number;
}

export class StageProgress {
  readonly units = new Map<string, UnitLine>();
  started?: number;

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    this.started ??= this.now();
  }
  plan(ids: string[]): void {
    for (const id of ids) if (!this.units.has(id)) this.units.set(id, { id, state: 'queued', epochsDone: 0 });
  }
  private unit(id: string): UnitLine {
    let u = this.units.get(id);
    if (!u) this.units.set(id, (u = { id, state: 'queued', epochsDone: 0 }));
    return u;
  }
  unitStart(id: string): void {
    const u = this.unit(id);
    u.state = 'running';
    u.started = this.now();
  }
  unitProgress(id: string, text: string, epoch?: EpochReport): void {
    const u = this.unit(id);
    u.text = text;
    if (epoch) {
      u.epochsDone = epoch.epoch + 1;
      u.epochs = epoch.epochs;
      if (Number.isFinite(epoch.val) && (u.bestVal === undefined || epoch.val < u.bestVal)) u.bestVal = epoch.val;
    }
  }
  unitEnd(id: string, how: UnitEnd): void {
    const u = this.unit(id);
    u.state = how;
    u.ended = this.now();
    u.started ??= u.ended;
  }

  get done(): number {
    return [...this.units.values()].filter((u) => u.state === 'ran' || u.state === 'reused').length;
  }

  elapsed(): number {
    return this.started === undefined ? 0 : (this.now() - this.started) / 1000;
  }

  /** Seconds left, or undefined while nothing measured says. */
  eta(): number | undefined {
    const all = [...this.units.values()];
    const now = this.now();
    const ran = all.filter((u) => u.state === 'ran' && u.started !== undefined && u.ended !== undefined);
    const running = all.filter((u) => u.state === 'running');
    const queued = all.filter((u) => u.state === 'queued').length;
    if (!running.length && !queued) return all.length ? 0 : undefined;
    const mean = ran.length ? ran.reduce((s, u) => s + (u.ended! - u.started!), 0) / ran.length : undefined;
    const perEpoch = (u: UnitLine) => (now - u.started!) / u.epochsDone;
    const left = running.map((u) =>
      u.epochsDone && u.epochs ? perEpoch(u) * (u.epochs - u.epochsDone) : mean !== undefined ? Math.max(0, mean - (now - u.started!)) : undefined,
    );
    if (left.some((x) => x === undefined)) return undefined;
    let unitTime = mean;
    if (unitTime === undefined && running.length && running.every((u) => u.epochsDone && u.epochs))
      unitTime = running.reduce((s, u) => s + perEpoch(u) * u.epochs!, 0) / running.length;
    if (queued && unitTime === undefined) return undefined;
    const l = left as number[];
    // units overlap as they did so far: as many at once as are running now
    const slots = Math.max(1, running.length);
    return Math.max(0, ...l, (l.reduce((a, b) => a + b, 0) + queued * (unitTime ?? 0)) / slots) / 1000;
  }

  /** "3/7 units done · 12.3 s · ETA 40 s" (counts only when units were planned). */
  summary(): string {
    const total = this.units.size;
    const eta = this.eta();
    return [
      total ? `${this.done}/${total} units done` : '',
      formatSeconds(this.elapsed()),
      eta !== undefined && this.done < total ? `ETA ${formatSeconds(eta)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }

  /** One line per unit: finished ones stay, with their result. */
  lines(): string[] {
    return [...this.units.values()].map((u) => {
      const took = u.started !== undefined && u.ended !== undefined ? ` in ${formatSeconds((u.ended - u.started) / 1000)}` : '';
      const best = u.bestVal !== undefined ? `, best val ${u.bestVal.toPrecision(4)}` : '';
      switch (u.state) {
        case 'queued':
          return `◻ ${u.id}: queued`;
        case 'running':
          return `▸ ${u.id}: ${u.text ?? 'started'}`;
        case 'ran':
          return `✔ ${u.id}: done${took}${u.epochsDone ? ` (${u.epochsDone} epochs${best})` : ''}`;
        case 'reused':
          return `✔ ${u.id}: cached`;
        case 'failed':
          return `✖ ${u.id}: failed${took}`;
        case 'interrupted':
          return `✖ ${u.id}: interrupted${u.epochsDone ? ` after ${u.epochsDone} epochs (resumes from its checkpoint)` : ''}`;
      }
    });
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
