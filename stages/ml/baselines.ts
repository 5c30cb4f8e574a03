/**
 * The baseline predictors evaluate scores beside the trained models (main-process and worker side; no
 * tfjs here, so the stage kind can check names without loading the training engine).
 */
import { assertGridTarget, xSampleSize, type ArraySet } from '../../src/data/array-set.js';
import { DataError } from '../../src/data/data-error.js';

/** Names of the baseline predictors; no upstream model may take one. */
export const BASELINE_MODELS = ['dummy', 'zero', 'persistence', 'majority'] as const;

/**
 * The persistence prediction: input channel `channel` on the output grid (the mean of each f×f block
 * when x lies on a finer grid), for a set with one target channel.
 */
export function persistence(s: ArraySet, channel: string): Float32Array {
  assertGridTarget(s, 'the persistence baseline');
  const k = s.xChannels.indexOf(channel);
  if (k < 0) {
    throw new DataError(
      `persistence baseline: the data has no input channel '${channel}'`,
      undefined,
      `baselines.persistence must name one of the input channels: ${s.xChannels.join(', ')}`,
    );
  }
  if (s.cout !== 1)
    throw new DataError(
      `persistence baseline: the target has ${s.cout} channels; it predicts one`,
      undefined,
      'set baselines.persistence to null for this data',
    );
  const f = s.factor;
  const fine = s.w * f;
  const xs = xSampleSize(s);
  const out = new Float32Array(s.n * s.h * s.w);
  for (let n = 0; n < s.n; n++) {
    for (let r = 0; r < s.h * f; r++) {
      for (let c = 0; c < fine; c++) {
        out[n * s.h * s.w + Math.floor(r / f) * s.w + Math.floor(c / f)]! += s.x[n * xs + (r * fine + c) * s.cin + k]! / (f * f);
      }
    }
  }
  return out;
}
