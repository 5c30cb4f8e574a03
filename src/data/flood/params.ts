import { z } from 'zod';
import { DataError } from '../data-error.js';

/**
 * Parameters of the embedded flood data set. The schema reads the snake_case keys of pipeline.yaml's
 * `data:` section and yields the camelCase `FloodParams` the code uses; every key has a default, so
 * `floodParamsSchema.parse({})` is the reference set. Time is counted in output steps of `dt` seconds
 * (the solver sub-steps inside a step as its stability limit requires).
 */

const range = (lo: number, hi: number, what: string) =>
  z
    .tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)])
    .refine(([a, b]) => a <= b, { message: `${what}: [min, max] with min <= max` })
    .describe(`${what}, drawn uniformly per simulation from [min, max]`);

const terrainSchema = z
  .object({
    relief: range(0, 1000, 'amplitude of the fractal noise in metres').default([3, 10]),
    slope: range(0, 1, 'general slope of the terrain (m/m), random direction').default([0.002, 0.015]),
    valleys: range(0, 10, 'number of valleys carved along the slope').default([1, 3]),
    valley_depth: range(0, 100, 'depth of a valley in metres').default([1, 4]),
    valley_width: range(0.1, 100, 'valley half-width in cells').default([1.5, 4]),
    octaves: z.number().int().min(1).max(8).default(4).describe('octaves of value noise'),
  })
  .strict();

const rainSchema = z
  .object({
    // No schema default: it depends on the target (a storm target recovers one storm), filled in below.
    events: range(1, 20, 'number of storm cells per simulation; default [2, 4], [1, 1] for target storm').optional(),
    peak_mm_per_hour: range(0, 1000, 'peak rainfall intensity of a storm cell in mm/h').default([30, 120]),
    radius: range(0.1, 10, 'storm radius as a fraction of the grid side').default([0.15, 0.5]),
    duration: range(0, 1, 'storm duration as a fraction of the simulated steps').default([0.1, 0.4]),
    speed: range(0, 10, 'storm speed in cells per step').default([0, 0.3]),
  })
  .strict();

/**
 * Default thresholds, chosen so that about a quarter of the labels are positive at the default sizes
 * (measured: exceed_any 24 % of samples over 0.6 m, exceed_cell 21 % of cells over 5 mm); the issue's
 * 10 cm would make exceed_any positive for 82 % of samples and exceed_cell for 1.3 % of cells.
 */
export const EXCEED_ANY_THRESHOLD = 0.6;
export const EXCEED_CELL_THRESHOLD = 0.005;

/** What the generated set's y holds (see src/data/flood/targets.ts). */
export const FLOOD_TARGETS = ['depth', 'exceed_any', 'exceed_cell', 'storm'] as const;
export type FloodTarget = (typeof FLOOD_TARGETS)[number];

/** The keys alone (snake_case, defaults, no cross-field checks), for config layers that extend or merge. */
export const floodParamsObjectSchema = z
  .object({
    seed: z.number().int().default(1).describe('seed of terrain, rain and sampling'),
    grid: z.number().int().min(4).max(2048).default(32).describe('cells per side (h = w)'),
    simulations: z.number().int().min(1).default(40).describe('independent simulations (terrain + rain each)'),
    steps: z.number().int().min(2).default(120).describe('output time steps simulated, each dt seconds'),
    samples_per_simulation: z.number().int().min(1).default(4).describe('samples taken from each simulation'),
    horizon: z.number().int().min(1).default(30).describe('steps between a sample input and its target depth'),
    dx: z.number().positive().default(20).describe('cell size in metres'),
    terrain_factor: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe(
        'terrain elevation in x on a grid this many times finer than the output' +
          ' (each output cell is the mean of f×f terrain cells; rain and depth are repeated onto it); 1 = same grid',
      ),
    dt: z.number().positive().default(60).describe('output time step in seconds'),
    manning: z.number().positive().default(0.05).describe("Manning's roughness n (s/m^(1/3))"),
    infiltration_mm_per_hour: z.number().min(0).default(5).describe('constant infiltration rate of wet cells in mm/h'),
    target: z
      .enum(FLOOD_TARGETS)
      .default('depth')
      .describe(
        'what y holds: depth (the depth map after the horizon), exceed_any (1 if any cell exceeds threshold within the horizon),' +
          " exceed_cell (that, per cell), storm (the storm's parameters in physical units, from the depth map; one storm per simulation)",
      ),
    threshold: z
      .number()
      .positive()
      .optional()
      .describe(`depth in metres for the exceed targets; default ${EXCEED_ANY_THRESHOLD} for exceed_any, ${EXCEED_CELL_THRESHOLD} for exceed_cell`),
    terrain: terrainSchema.prefault({}),
    rain: rainSchema.prefault({}),
  })
  .strict();

/** Upper bounds on generated data: cell updates of the simulator, and bytes of the input array. */
export const MAX_CELL_STEPS = 1e10;
export const MAX_X_BYTES = 2 * 2 ** 30;

export const floodParamsSchema = floodParamsObjectSchema
  .superRefine((p, ctx) => {
    // Sizes that would run for hours or exhaust memory are typos far more often than intent.
    const fine = p.grid * p.terrain_factor;
    const work = p.simulations * p.steps * fine * fine;
    const xBytes = p.simulations * p.samples_per_simulation * fine * fine * 3 * 4;
    if (work > MAX_CELL_STEPS) {
      ctx.addIssue({
        code: 'custom',
        path: ['simulations'],
        message:
          `simulations × steps × (grid × terrain_factor)² = ${work.toExponential(2)} cell-steps is over pipe's limit of ` +
          `${MAX_CELL_STEPS.toExponential(0)} (1.8e9 took 47 s on a 2-core machine)`,
        hint: 'lower simulations, steps or grid; a larger set is better generated in parts or supplied as files (data: files:)',
      } as never);
      return;
    }
    if (xBytes > MAX_X_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['samples_per_simulation'],
        message:
          `the inputs would take ${(xBytes / 2 ** 30).toFixed(1)} GiB (simulations × samples_per_simulation × (grid × terrain_factor)² × 3 ` +
          `float32), over pipe's limit of ${MAX_X_BYTES / 2 ** 30} GiB`,
        hint: 'lower simulations, samples_per_simulation or grid',
      } as never);
      return;
    }
    const exceed = p.target === 'exceed_any' || p.target === 'exceed_cell';
    if (p.threshold !== undefined && !exceed) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `threshold applies to the targets exceed_any and exceed_cell, not ${p.target}` });
    }
    const events = p.rain.events;
    if (p.target === 'storm' && events && (events[0] !== 1 || events[1] !== 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rain', 'events'],
        message: `target storm recovers the parameters of one storm, but rain.events is [${events.join(', ')}]`,
        hint: 'remove rain.events (a storm target has one storm per simulation) or set it to [1, 1]',
      } as never);
    }
    if (p.horizon >= p.steps) {
      ctx.addIssue({ code: 'custom', path: ['horizon'], message: `horizon (${p.horizon}) must be smaller than steps (${p.steps})` });
    } else if (p.samples_per_simulation > p.steps - p.horizon + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['samples_per_simulation'],
        message: `at most steps - horizon + 1 = ${p.steps - p.horizon + 1} distinct sample times fit; lower it or raise steps`,
      });
    }
  })
  .transform((p) => ({
    seed: p.seed,
    grid: p.grid,
    simulations: p.simulations,
    steps: p.steps,
    samplesPerSimulation: p.samples_per_simulation,
    horizon: p.horizon,
    dx: p.dx,
    // Only when not 1: the resolved parameters are hashed into the data's cache key, and sets on one grid
    // keep the key they had before this option existed.
    ...(p.terrain_factor !== 1 ? { terrainFactor: p.terrain_factor } : {}),
    dt: p.dt,
    manning: p.manning,
    infiltrationMmPerHour: p.infiltration_mm_per_hour,
    // Like terrainFactor, only where it is not the default: the depth set keeps its data hash.
    ...(p.target !== 'depth' ? { target: p.target as FloodTarget } : {}),
    ...(p.target === 'exceed_any' || p.target === 'exceed_cell'
      ? { threshold: p.threshold ?? (p.target === 'exceed_any' ? EXCEED_ANY_THRESHOLD : EXCEED_CELL_THRESHOLD) }
      : {}),
    terrain: {
      relief: p.terrain.relief,
      slope: p.terrain.slope,
      valleys: p.terrain.valleys,
      valleyDepth: p.terrain.valley_depth,
      valleyWidth: p.terrain.valley_width,
      octaves: p.terrain.octaves,
    },
    rain: {
      events: p.rain.events ?? ((p.target === 'storm' ? [1, 1] : [2, 4]) as [number, number]),
      peakMmPerHour: p.rain.peak_mm_per_hour,
      radius: p.rain.radius,
      duration: p.rain.duration,
      speed: p.rain.speed,
    },
  }));

/** Fully resolved parameters (camelCase). */
export type FloodParams = z.output<typeof floodParamsSchema>;
/** What pipeline.yaml may hold (snake_case, every key optional). */
export type FloodParamsInput = z.input<typeof floodParamsSchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
/** camelCase overrides for callers in code, e.g. `{ seed: 3, grid: 16, samplesPerSimulation: 2 }`. */
export type FloodOverrides = DeepPartial<FloodParams>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
function toSnakeKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), toSnakeKeys(v)]));
}

/**
 * Resolves camelCase overrides against the defaults through the same schema as pipeline.yaml, so the
 * rules are checked once, in one place.
 */
export function resolveFloodParams(overrides: FloodOverrides = {}): FloodParams {
  const parsed = floodParamsSchema.safeParse(toSnakeKeys(overrides));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DataError(`invalid flood parameters: ${issues}`);
  }
  return parsed.data;
}
