/**
 * What both evaluation units (map regression, and classification / vector regression) share: the parts
 * of a set as the task sees them, and the inference timing.
 */
import { xSampleSize, type ArraySet } from '../../src/data/array-set.js';
import { loadArraySet } from '../../src/data/array-set-io.js';
import { trainValSplit } from '../../src/data/splits.js';
import * as training from '../../src/training/index.js';
import type { TaskSettings } from '../task-settings.js';
import { taskSet } from './task-data.js';

/** The parts of a set: train/val as split for training, or the whole held-out set as 'test' (as the task sees them). */
export async function setParts(dir: string, set: string, valFraction: number, seed: number, task?: TaskSettings): Promise<Record<string, ArraySet>> {
  const all = taskSet(await loadArraySet(dir), task);
  if (set === 'test') return { test: all };
  const { train, val } = trainValSplit(all, { valFraction, seed });
  return { train, val };
}

/** Warm up, then the median over repeated timed batches, per sample. */
export async function timeInference(
  model: training.tf.LayersModel,
  x: Float32Array,
  s: ArraySet,
  t: { warmup: number; repeats: number; batch_size: number },
): Promise<number> {
  const b = Math.min(t.batch_size, s.n);
  const input = { ...s, x: x.subarray(0, b * xSampleSize(s)), n: b };
  for (let i = 0; i < t.warmup; i++) await training.predict(model, input, b);
  const times: number[] = [];
  for (let i = 0; i < t.repeats; i++) {
    const t0 = performance.now();
    await training.predict(model, input, b);
    times.push((performance.now() - t0) / b);
  }
  times.sort((a, c) => a - c);
  return Number(times[Math.floor(times.length / 2)]!.toFixed(4));
}
