// The search space of a tune stage: one entry per parameter, keyed by an opaque dotted path
// (`train.lr`, `model.filters`) that the stage resolves; this module never interprets the keys.
//
//   space:
//     lr: { log_uniform: [1.0e-4, 1.0e-2] }
//     filters: { choice: [8, 16, 24] }
//     dropout: { uniform: [0.0, 0.3], grid_points: 4 }   # grid_points: only read by the grid sampler
//     depth: { int: [2, 8], step: 2 }                     # inclusive bounds
import { z } from 'zod';
import type { Random as Rng } from '../random/seeded-random.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export type Dimension =
  | { kind: 'uniform'; low: number; high: number; gridPoints?: number }
  | { kind: 'log_uniform'; low: number; high: number; gridPoints?: number }
  | { kind: 'int'; low: number; high: number; step: number }
  | { kind: 'choice'; values: ParamValue[] };

/** Parameter path → dimension, in the order written in the YAML. */
export type SearchSpace = Record<string, Dimension>;

const KINDS = ['uniform', 'log_uniform', 'int', 'choice'] as const;
const bounds = z.tuple([z.number(), z.number()]);

const rawDimensionSchema = z.strictObject({
  uniform: bounds.optional(),
  log_uniform: bounds.optional(),
  int: z.tuple([z.number().int(), z.number().int()]).optional(),
  choice: z.array(z.union([z.number(), z.string(), z.boolean()])).optional(),
  step: z.number().int().positive().optional(),
  grid_points: z.number().int().min(2).optional(),
});

export const dimensionSchema = rawDimensionSchema
  .superRefine((raw, ctx) => {
    const kinds = KINDS.filter((k) => raw[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? `a parameter needs one of ${KINDS.join(', ')}, e.g. { log_uniform: [1.0e-4, 1.0e-2] }`
            : `a parameter takes exactly one of ${KINDS.join(', ')}; found ${kinds.join(' and ')}`,
      });
      return;
    }
    const kind = kinds[0]!;
    if (raw.step !== undefined && kind !== 'int') {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `step only applies to int, not ${kind}` });
    }
    if (raw.grid_points !== undefined && kind !== 'uniform' && kind !== 'log_uniform') {
      ctx.addIssue({
        code: 'custom',
        path: ['grid_points'],
        message: `grid_points only applies to uniform and log_uniform; ${kind} values are already discrete`,
      });
    }
    if (kind === 'choice') {
      const values = raw.choice!;
      if (values.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['choice'], message: 'choice needs at least one value' });
      }
      const seen = new Set<ParamValue>();
      for (const v of values) {
        if (seen.has(v)) {
          ctx.addIssue({ code: 'custom', path: ['choice'], message: `choice lists ${JSON.stringify(v)} twice` });
        }
        seen.add(v);
      }
      return;
    }
    const [low, high] = raw[kind]!;
    if (!(low < high)) {
      ctx.addIssue({ code: 'custom', path: [kind], message: `${kind} bounds must satisfy low < high, got [${low}, ${high}]` });
      return;
    }
    if (kind === 'log_uniform' && low <= 0) {
      ctx.addIssue({ code: 'custom', path: [kind], message: `log_uniform bounds must be > 0, got [${low}, ${high}]; use uniform for ranges that include 0` });
    }
    if (kind === 'int' && raw.step !== undefined && (high - low) % raw.step !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['step'],
        message: `int range [${low}, ${high}] is not a multiple of step ${raw.step}; adjust high to ${low + Math.floor((high - low) / raw.step) * raw.step}`,
      });
    }
  })
  .transform((raw): Dimension => {
    if (raw.choice !== undefined) return { kind: 'choice', values: raw.choice };
    if (raw.int !== undefined) return { kind: 'int', low: raw.int[0], high: raw.int[1], step: raw.step ?? 1 };
    const gridPoints = raw.grid_points === undefined ? {} : { gridPoints: raw.grid_points };
    if (raw.log_uniform !== undefined) return { kind: 'log_uniform', low: raw.log_uniform[0], high: raw.log_uniform[1], ...gridPoints };
    return { kind: 'uniform', low: raw.uniform![0], high: raw.uniform![1], ...gridPoints };
  });

export const searchSpaceSchema = z
  .record(z.string().min(1, 'parameter paths must not be empty'), dimensionSchema)
  .refine((space) => Object.keys(space).length > 0, 'space must define at least one parameter');

/** The YAML form (input) of a search space. */
export type SearchSpaceInput = z.input<typeof searchSpaceSchema>;

/** Draws one value uniformly (in log space for log_uniform) with `rng`. */
export function sampleDimension(dim: Dimension, rng: Rng): ParamValue {
  const u = rng();
  switch (dim.kind) {
    case 'uniform':
      return dim.low + u * (dim.high - dim.low);
    case 'log_uniform':
      // Clamp: exp(log(high)) may round a hair above high.
      return Math.min(dim.high, Math.max(dim.low, Math.exp(Math.log(dim.low) + u * (Math.log(dim.high) - Math.log(dim.low)))));
    case 'int':
      return dim.low + dim.step * Math.floor(u * intCount(dim));
    case 'choice':
      return dim.values[Math.floor(u * dim.values.length)]!;
  }
}

export function intCount(dim: { low: number; high: number; step: number }): number {
  return Math.floor((dim.high - dim.low) / dim.step) + 1;
}
