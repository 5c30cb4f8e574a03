import { mulberry32, streamSeed } from '../../random/seeded-random.js';
import { FlowGrid, type FlowOptions, type MassBalance } from './flow.js';
import type { FloodParams } from './params.js';
import { rainIntensity, sampleStorms, type Storm } from './rain.js';
import { generateTerrain } from './terrain.js';

/** State after a number of output steps. */
export interface Snapshot {
  depth: Float64Array; // m
  cumulativeRain: Float64Array; // m of rain fallen on each cell since the start
}

export interface SimulationResult {
  grid: number;
  elevation: Float64Array; // m, minimum 0
  /** the terrain on the grid `terrainFactor` times finer (elevation is its f×f block means); = elevation when 1 */
  fineElevation: Float64Array;
  storms: Storm[];
  /** Keyed by output step (0 = before any rain). */
  snapshots: Map<number, Snapshot>;
  /** Volumes at the end of the run plus `error = rain + clamped − stored − outflow − infiltrated` (m³). */
  mass: MassBalance & { error: number; relativeError: number };
  substeps: number;
}

/**
 * Runs simulation number `simulation` of the set described by `params` (its own terrain and storms,
 * drawn from a stream derived from seed and index, so one simulation can be re-run alone).
 */
export function simulateOne(
  params: FloodParams,
  simulation: number,
  recordSteps: readonly number[] = [params.steps],
  /** solver options (time-step factor, friction form), for convergence checks; the data sets use the defaults */
  flowOptions: FlowOptions = {},
  /** called after every output step with the depth then (read it, do not keep it: the array is reused) */
  onStep?: (step: number, depth: Float64Array) => void,
): SimulationResult {
  const { grid, steps, dt, dx } = params;
  for (const s of recordSteps) {
    if (!Number.isInteger(s) || s < 0 || s > steps) throw new RangeError(`record step ${s} is outside 0..${steps}`);
  }
  const random = mulberry32(streamSeed(params.seed, simulation));
  const f = params.terrainFactor ?? 1;
  const fineElevation = f === 1 ? generateTerrain(params, random) : generateTerrain({ ...params, grid: grid * f, dx: dx / f }, random);
  const elevation = f === 1 ? fineElevation : blockMeans(fineElevation, grid, f);
  const storms = sampleStorms(params, random);
  const flow = new FlowGrid(elevation, grid, dx, params.manning, params.infiltrationMmPerHour / 1000 / 3600, flowOptions);
  const rain = new Float64Array(grid * grid);
  const cumulativeRain = new Float64Array(grid * grid);
  const wanted = new Set(recordSteps);
  const snapshots = new Map<number, Snapshot>();
  const record = (step: number) => {
    if (wanted.has(step)) snapshots.set(step, { depth: flow.depth.slice(), cumulativeRain: cumulativeRain.slice() });
  };

  record(0);
  const last = Math.max(0, ...recordSteps);
  for (let step = 0; step < last; step++) {
    rainIntensity(storms, grid, step, rain);
    flow.advance(rain, dt);
    for (let i = 0; i < rain.length; i++) cumulativeRain[i]! += rain[i]! * dt;
    record(step + 1);
    onStep?.(step + 1, flow.depth);
  }

  const balance = flow.massBalance();
  const error = balance.rain + balance.clamped - balance.stored - balance.outflow - balance.infiltrated;
  return {
    grid,
    elevation,
    fineElevation,
    storms,
    snapshots,
    mass: { ...balance, error, relativeError: balance.rain > 0 ? Math.abs(error) / balance.rain : Math.abs(error) },
    substeps: flow.substeps,
  };
}

/** Means of the f×f blocks of a (grid·f)² row-major field: the field on the grid f times coarser. */
export function blockMeans(fine: Float64Array, grid: number, f: number): Float64Array {
  const out = new Float64Array(grid * grid);
  const side = grid * f;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) out[Math.floor(r / f) * grid + Math.floor(c / f)]! += fine[r * side + c]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= f * f;
  return out;
}
