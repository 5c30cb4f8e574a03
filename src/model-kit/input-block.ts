/**
 * The input block every architecture starts with: the model's input, brought onto the output grid when the
 * input (terrain) grid is finer. Chosen per model by the `inputBlock` hyperparameter:
 *
 *   auto     none when the grids match, else cubic
 *   none     the grids must match
 *   strided  alternating strided and stride-1 3×3 convolutions, one pair per prime factor of the ratio
 *            (10× = stride 2, stride 1, stride 5, stride 1) — learned, gradual
 *   patch    one convolution with a (f+1)×(f+1) kernel and stride f (11×11, stride 10 for a 10× finer
 *            terrain): each output cell sees its own patch plus a one-cell overlap — learned, one step
 *   cubic    fixed anti-aliased bicubic resampling (CubicResample) — no weights, any ratio
 */
import { tf } from '../training/tf.js';
import { conv, type Sym } from './blocks.js';
import { cubicResample } from './cubic-resample-layer.js';
import type { ModelSpec } from './registry.js';

export const INPUT_BLOCKS = ['auto', 'none', 'strided', 'patch', 'cubic'] as const;
export type InputBlockKind = (typeof INPUT_BLOCKS)[number];

/** Shared hyperparameter defaults and docs, spread into every built-in model's definition. */
export const INPUT_BLOCK_DEFAULTS: { inputBlock: string; inputFilters: number } = { inputBlock: 'auto', inputFilters: 8 };
export const INPUT_BLOCK_DOCS = {
  inputBlock: `how a finer input grid is brought onto the output grid: ${INPUT_BLOCKS.join(' | ')} (see src/model-kit/input-block.ts)`,
  inputFilters: 'channels of the learned input blocks (strided, patch)',
};

function ratio(spec: ModelSpec): { fy: number; fx: number } {
  return { fy: spec.inputShape[0] / spec.outputShape[0], fx: spec.inputShape[1] / spec.outputShape[1] };
}

function resolveKind(spec: ModelSpec): InputBlockKind {
  const kind = spec.hp.inputBlock as InputBlockKind;
  if (kind !== 'auto') return kind;
  const { fy, fx } = ratio(spec);
  return fy === 1 && fx === 1 ? 'none' : 'cubic';
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

/** Refusal when the input block cannot map inputShape onto outputShape's grid. */
export function checkInputBlock(spec: ModelSpec): string | undefined {
  const kind = spec.hp.inputBlock;
  if (typeof kind !== 'string' || !(INPUT_BLOCKS as readonly string[]).includes(kind)) {
    return `hyperparameter inputBlock must be one of ${INPUT_BLOCKS.join(', ')}, got ${JSON.stringify(kind)}`;
  }
  const f = spec.hp.inputFilters;
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1) return `hyperparameter inputFilters must be a positive integer, got ${JSON.stringify(f)}`;
  const [hi, wi] = spec.inputShape;
  const [ho, wo] = spec.outputShape;
  const { fy, fx } = ratio(spec);
  const grids = `input grid ${hi}×${wi}, output grid ${ho}×${wo}`;
  switch (resolveKind(spec)) {
    case 'none':
      return fy === 1 && fx === 1 ? undefined : `${grids} differ: set inputBlock to cubic, strided or patch to bring the input onto the output grid`;
    case 'strided':
    case 'patch':
      if (!(Number.isInteger(fy) && fy >= 2 && fy === fx)) {
        return `inputBlock ${String(kind)} needs the input grid to be the same whole multiple (≥ 2) of the output grid on both axes` +
          `; ${grids}: use inputBlock cubic (any ratio) or none (equal grids)`;
      }
      return undefined;
    case 'cubic':
      return undefined;
    default:
      return `unknown inputBlock ${String(kind)}`;
  }
}

/** Creates the model input and maps it onto the output grid. */
export function inputBlock(spec: ModelSpec): { input: Sym; x: Sym } {
  const input = tf.input({ shape: spec.inputShape });
  const filters = spec.hp.inputFilters as number;
  const [ho, wo] = spec.outputShape;
  let x = input;
  switch (resolveKind(spec)) {
    case 'none':
      break;
    case 'strided':
      for (const p of primeFactors(ratio(spec).fy)) {
        x = conv(x, filters, { kernelSize: Math.max(3, p % 2 === 0 ? p + 1 : p), strides: p });
        x = conv(x, filters, { kernelSize: 3 });
      }
      break;
    case 'patch': {
      const f = ratio(spec).fy;
      x = conv(x, filters, { kernelSize: f + 1, strides: f });
      break;
    }
    case 'cubic':
      x = cubicResample({ height: ho, width: wo }).apply(x) as Sym;
      break;
    case 'auto':
      throw new Error('unreachable: auto is resolved above');
  }
  return { input, x };
}
