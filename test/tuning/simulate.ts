// Runs a study against a synthetic objective without training anything, finishing each batch's
// trials in the order `order` chooses; trial records accumulate as the tune stage would store them.
import type { Params } from '../../src/tuning/search-space.js';
import type { ProposedTrial, Study } from '../../src/tuning/study.js';
import type { TrialRecord } from '../../src/tuning/trial-record.js';

export type Curve = (params: Params, epoch: number) => number;

export function simulate(
  study: Study,
  curve: Curve,
  epochs: number,
  order: (batch: ProposedTrial[]) => ProposedTrial[] = (b) => b,
): TrialRecord[] {
  const done: TrialRecord[] = [];
  for (let batch = study.nextBatch(done); batch.length > 0; batch = study.nextBatch(done)) {
    for (const trial of order(batch)) {
      // `done` here includes batch-mates that finished first: the study must ignore them.
      const check = study.pruneCheck(trial.number, done);
      const values: number[] = [];
      let state: TrialRecord['state'] = 'complete';
      for (let e = 0; e < epochs; e++) {
        const v = curve(trial.params, e);
        values.push(v);
        if (check(e, v, values)) {
          state = 'pruned';
          break;
        }
      }
      done.push({ number: trial.number, params: trial.params, state, value: Math.min(...values), intermediate: values, epochs: values.length, seconds: 1 });
    }
  }
  return done;
}

/** A bowl in (log10 lr, dropout) with its minimum 0 at lr = 1e-3, dropout = 0.1. */
export function bowl(params: Params): number {
  const a = Math.log10(params['train.lr'] as number) + 3;
  const b = ((params['model.dropout'] as number) - 0.1) / 0.5;
  return a * a / 4 + b * b;
}

/** A learning curve that decays towards `bowl`. */
export const bowlCurve: Curve = (params, epoch) => bowl(params) + 1 / (epoch + 1);
