// The study driver: which trials to run next with which parameters, whether to stop a running
// trial, which trial won. Stateless: every answer is computed from the records of finished trials.
//
// Reproducibility: results do not depend on --jobs or on the order in which trials finish.
// - Trials are numbered 0..budget-1 and grouped into fixed batches of `batchSize` (a config
//   value, not --jobs): batch b holds trials b·B .. b·B+B-1.
// - The parameters of a batch-b trial depend only on the seed, its number and the records of
//   trials in batches < b. A new batch is proposed only once every earlier trial is done.
// - Whether a batch-b trial is pruned after an epoch depends only on its own values and on the
//   records of batches < b, never on a sibling of its own batch that happened to finish first.
// So 1 worker running the batch's trials one after another and 4 workers running them at once
// produce the same trials.json. The price: within a batch, trials cannot learn from each other.
//
// Resuming: trials of a batch that are already done (cached) are not proposed again; the missing
// ones get the same parameters as in the interrupted run, since those depend on earlier batches only.
import { pruneDecision } from './pruners/prune-decision.js';
import type { PrunerConfig } from './pruners/pruner-config.js';
import { createSampler } from './samplers/create-sampler.js';
import type { SamplerConfig } from './samplers/sampler-config.js';
import type { Params, SearchSpace } from './search-space.js';
import { byNumber, type TrialRecord } from './trial-record.js';
import { TuningConfigError } from './tuning-error.js';

export type { TrialRecord } from './trial-record.js';

export interface StudyConfig {
  space: SearchSpace;
  sampler: SamplerConfig;
  pruner: PrunerConfig;
  trials: number;
  batchSize: number;
  seed: number;
  /** Validation losses are minimised; the only direction supported. */
  direction?: 'minimize';
}

export interface ProposedTrial {
  number: number;
  params: Params;
}

/** Given epoch (0-based), its value, and the values of epochs 0..epoch (or 0..epoch-1): stop now? */
export type PruneCheck = (epoch: number, value: number, valuesSoFar: readonly number[]) => boolean;

export interface Study {
  /** Trials the study will run: `trials`, or fewer for a grid with fewer points. */
  readonly budget: number;
  readonly batchSize: number;
  batchOf(trialNumber: number): number;
  /** The not-yet-done trials of the first unfinished batch; [] when every trial is done. */
  nextBatch(done: readonly TrialRecord[]): ProposedTrial[];
  pruneCheck(trialNumber: number, done: readonly TrialRecord[]): PruneCheck;
  /** The complete trial with the lowest value; ties go to the lower trial number. */
  best(done: readonly TrialRecord[]): TrialRecord | undefined;
}

/** The records a batch-mate-independent decision for `trialNumber` may use, sorted by number. */
export function earlierRecords(trialNumber: number, batchSize: number, done: readonly TrialRecord[]): TrialRecord[] {
  const batchStart = Math.floor(trialNumber / batchSize) * batchSize;
  return byNumber(done.filter((r) => r.number < batchStart));
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new TuningConfigError(`${name} must be a positive integer, got ${v}`, [name]);
}

export function createStudy(cfg: StudyConfig): Study {
  checkPositiveInt('trials', cfg.trials);
  checkPositiveInt('batch_size', cfg.batchSize);
  if (!Number.isInteger(cfg.seed)) throw new TuningConfigError(`seed must be an integer, got ${cfg.seed}`, ['seed']);
  if (cfg.direction !== undefined && cfg.direction !== 'minimize') {
    throw new TuningConfigError(`direction '${String(cfg.direction)}' is not supported; tune stages minimise the validation loss`, ['direction']);
  }
  if (Object.keys(cfg.space).length === 0) throw new TuningConfigError('space must define at least one parameter', ['space']);
  const sampler = createSampler(cfg.space, cfg.sampler, cfg.trials, cfg.seed);
  const budget = Math.min(cfg.trials, sampler.maxTrials);
  const B = cfg.batchSize;

  const checkDone = (done: readonly TrialRecord[]): Set<number> => {
    const numbers = new Set<number>();
    for (const r of done) {
      if (!Number.isInteger(r.number) || r.number < 0 || r.number >= budget) {
        throw new RangeError(`trial record number ${r.number} is outside this study's trials 0..${budget - 1}`);
      }
      if (numbers.has(r.number)) throw new RangeError(`trial ${r.number} appears twice in the finished trials`);
      numbers.add(r.number);
    }
    return numbers;
  };

  return {
    budget,
    batchSize: B,
    batchOf: (trialNumber) => Math.floor(trialNumber / B),
    nextBatch(done) {
      const numbers = checkDone(done);
      for (let start = 0; start < budget; start += B) {
        const missing: number[] = [];
        for (let k = start; k < Math.min(start + B, budget); k++) if (!numbers.has(k)) missing.push(k);
        if (missing.length === 0) continue;
        const history = earlierRecords(start, B, done);
        return missing.map((k) => ({ number: k, params: sampler.sample(k, history) }));
      }
      return [];
    },
    pruneCheck(trialNumber, done) {
      const earlier = earlierRecords(trialNumber, B, done);
      return (epoch, value, valuesSoFar) => {
        const values = valuesSoFar.length === epoch ? [...valuesSoFar, value] : valuesSoFar;
        if (values.length !== epoch + 1 || !Object.is(values[epoch], value)) {
          throw new RangeError(
            `pruneCheck: valuesSoFar must hold epochs 0..${epoch} ending with ${value} (or 0..${epoch - 1}), got [${valuesSoFar.join(', ')}]`,
          );
        }
        return pruneDecision(cfg.pruner, earlier, values, epoch);
      };
    },
    best(done) {
      let best: TrialRecord | undefined;
      for (const r of byNumber(done)) {
        if (r.state !== 'complete' || r.value === null || !Number.isFinite(r.value)) continue;
        if (best === undefined || r.value < best.value!) best = r;
      }
      return best;
    },
  };
}
