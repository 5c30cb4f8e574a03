/**
 * What a task makes of a data set, on both sides of the process boundary (no tfjs here): the autoencoder's
 * target (the input), the labels a classification task accepts, the output the model must produce and the
 * training configuration of its loss. Fitted statistics (class weights `auto`) come from the training part.
 */
import { isVectorTarget, type ArraySet } from '../../src/data/array-set.js';
import { applyBins, fitBins, type Bins } from '../../src/data/binning.js';
import { DataError } from '../../src/data/data-error.js';
import type { OutputKind } from '../../src/model-kit/registry.js';
import { taskOf, type ClassificationType, type TaskSettings } from '../task-settings.js';

/** A classification task with every default filled in and its class count known. */
export interface ResolvedClassification {
  type: ClassificationType;
  /** classes (binary: 2) or labels (multilabel) */
  classes: number;
  threshold: number;
}

/** The set a task trains on: for an autoencoder, y is x on x's own grid (a map per sample, factor 1). */
export function taskSet(set: ArraySet, task: TaskSettings | undefined): ArraySet {
  if (taskOf(task).kind !== 'autoencoder') return set;
  const { h, w, factor, cin } = set;
  const out: ArraySet = { ...set, y: set.x.slice(), h: h * factor, w: w * factor, factor: 1, cout: cin, yChannels: [...set.xChannels] };
  delete out.target;
  return out;
}

/** The classification a task asks for, its class count taken from the data where the task leaves it open. */
export function resolveClassification(task: TaskSettings, set: Pick<ArraySet, 'cout'>): ResolvedClassification {
  const type = task.type ?? 'binary';
  const classes = type === 'binary' ? 2 : type === 'multiclass' ? task.classes! : (task.classes ?? set.cout);
  return { type, classes, threshold: task.threshold ?? 0.5 };
}

/**
 * Checks that y holds labels the task can learn (binary 0/1 in one channel, a class index in one channel,
 * one 0/1 channel per label) and names the first sample that does not.
 */
export function checkLabels(set: ArraySet, c: ResolvedClassification, where?: string): void {
  const fix = 'encode the labels as the task says (README, Tasks), or change task.type / task.classes';
  const want = c.type === 'multilabel' ? c.classes : 1;
  if (set.cout !== want) {
    throw new DataError(
      `a ${c.type} task needs ${want === 1 ? 'one label channel' : `${want} label channels (one per label)`}, the target has ${set.cout}`,
      where,
      fix,
    );
  }
  const perSample = isVectorTarget(set) ? set.cout : set.h * set.w * set.cout;
  const top = c.type === 'multiclass' ? c.classes - 1 : 1;
  for (let i = 0; i < set.y.length; i++) {
    const v = set.y[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v <= top)) {
      throw new DataError(
        `label ${v} at sample ${Math.floor(i / perSample)}: a ${c.type} task takes ${c.type === 'multiclass' ? `class indices 0..${top}` : '0 or 1'}`,
        where,
        fix,
      );
    }
  }
}

/** What the model must produce for this task and set: the output kind and the values per cell or sample. */
export function modelOutput(set: ArraySet, task: TaskSettings | undefined): { output: OutputKind; channels: number } {
  const t = taskOf(task);
  const output: OutputKind = isVectorTarget(set) ? 'vector' : 'grid';
  if (t.kind !== 'classification') return { output, channels: set.cout };
  const c = resolveClassification(t, set);
  return { output, channels: c.type === 'binary' ? 1 : c.classes };
}

/** Count of each class among the labels (binary and multilabel: [negatives, positives] over every label). */
export function classCounts(y: ArrayLike<number>, c: ResolvedClassification): number[] {
  const counts = new Array<number>(c.type === 'multiclass' ? c.classes : 2).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  return counts;
}

/**
 * The set with its continuous target replaced by the class of its range (task.bins): edges fitted by the
 * caller on the training part only (fitTaskBins), applied to every part alike.
 */
export function binnedSet(set: ArraySet, bins: Bins): ArraySet {
  if (set.cout !== 1) throw new DataError(`bins turn one target channel into classes; the target has ${set.cout}`, undefined, 'use a target with one channel');
  return { ...set, y: Float32Array.from(applyBins(bins, set.y)) };
}

/** Bin edges for `task.bins`, fitted on the training part's target values. */
export function fitTaskBins(train: ArraySet, c: ResolvedClassification, rule: 'quantile' | 'uniform'): Bins {
  if (train.cout !== 1)
    throw new DataError(`bins turn one target channel into classes; the target has ${train.cout}`, undefined, 'use a target with one channel');
  return fitBins(train.y, c.classes, rule);
}
