// Learning-rate schedules. constant/cosine/one-cycle are functions of the optimizer step (PyTorch's
// CosineAnnealingLR stepped per batch, OneCycleLR); reduce-on-plateau reacts to the validation loss at
// the end of each epoch and carries state, which checkpoints save.

export type ScheduleConfig =
  | { name: 'constant' }
  | { name: 'cosine'; minLr?: number }
  | { name: 'one_cycle'; maxLr?: number; pctStart?: number }
  | { name: 'plateau'; factor?: number; patience?: number; minLr?: number };

export interface PlateauState {
  lr: number;
  best: number;
  bad: number;
}

export class LrSchedule {
  private plateau: PlateauState;

  constructor(
    private readonly config: ScheduleConfig,
    private readonly baseLr: number,
    private readonly totalSteps: number,
    /** whether the value endEpoch is given improves downwards (a loss) or upwards (accuracy, recall) */
    private readonly mode: 'min' | 'max' = 'min',
  ) {
    this.plateau = { lr: baseLr, best: mode === 'min' ? Infinity : -Infinity, bad: 0 };
  }

  /** Learning rate for optimizer step `step` (0-based). */
  at(step: number): number {
    const c = this.config;
    const t = Math.min(step, this.totalSteps) / Math.max(1, this.totalSteps);
    switch (c.name) {
      case 'constant':
        return this.baseLr;
      case 'cosine': {
        const min = c.minLr ?? 0;
        return min + ((this.baseLr - min) * (1 + Math.cos(Math.PI * t))) / 2;
      }
      case 'one_cycle': {
        // PyTorch OneCycleLR defaults: start at max/25, end at start/1e4, cosine phases.
        const max = c.maxLr ?? this.baseLr;
        const pct = c.pctStart ?? 0.3;
        const start = max / 25;
        const end = start / 1e4;
        const cos = (from: number, to: number, f: number): number => to + ((from - to) * (1 + Math.cos(Math.PI * f))) / 2;
        return t < pct ? cos(start, max, t / pct) : cos(max, end, (t - pct) / Math.max(1e-12, 1 - pct));
      }
      case 'plateau':
        return this.plateau.lr;
    }
  }

  /**
   * End-of-epoch hook: reduce-on-plateau watches the validation loss or the monitored metric (PyTorch's
   * ReduceLROnPlateau rule, relative threshold 1e-4, in the schedule's mode).
   */
  endEpoch(val: number): void {
    const c = this.config;
    if (c.name !== 'plateau') return;
    const s = this.plateau;
    const better = this.mode === 'min' ? val < s.best * (1 - 1e-4) : val > s.best * (1 + 1e-4);
    if (better) {
      s.best = val;
      s.bad = 0;
      return;
    }
    s.bad += 1;
    if (s.bad > (c.patience ?? 10)) {
      s.lr = Math.max(s.lr * (c.factor ?? 0.1), c.minLr ?? 0);
      s.bad = 0;
    }
  }

  getState(): PlateauState {
    return { ...this.plateau };
  }

  setState(s: PlateauState): void {
    this.plateau = { ...s };
  }
}
