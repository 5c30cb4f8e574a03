import type { ArraySet } from '../array-set.js';
import { type FloodOverrides, type FloodParams, resolveFloodParams } from './params.js';
import { simulateOne } from './simulate.js';
import { floodTargetShape, stormVector } from './targets.js';

export { FLOOD_GENERATOR_VERSION } from '../versions.js';

/** Input channels of the flood set's default (depth) target, in order (all in metres); targets.ts has every target's. */
export const FLOOD_X_CHANNELS = ['elevation', 'rain', 'depth_t0'] as const;
export const FLOOD_Y_CHANNELS = ['depth'] as const;

/**
 * Output steps at which samples start: spread evenly over the run so a simulation gives samples before,
 * during and after its storms.
 */
export function sampleStarts(params: Pick<FloodParams, 'steps' | 'horizon' | 'samplesPerSimulation'>): number[] {
  const span = params.steps - params.horizon;
  const k = params.samplesPerSimulation;
  return Array.from({ length: k }, (_, i) => (k === 1 ? 0 : Math.round((i * span) / (k - 1))));
}

/**
 * Generates the flood data set: per simulation and sample start t0, inputs are the terrain elevation,
 * the rain depth that will fall on each cell during (t0, t0 + horizon] and the water depth at t0; the
 * target is the water depth at t0 + horizon. Getting it right needs where water flows, not just where
 * rain falls, which is what makes architectures differ. Other targets (`target:`, src/data/flood/targets.ts)
 * label the same samples: whether water exceeds a threshold within the horizon (per sample or per cell),
 * or, from the depth map after the horizon, the parameters of the storm that made it.
 */
export function generateFlood(overrides: FloodOverrides = {}): ArraySet {
  const g = floodGenerator(overrides);
  for (let s = 0; s < g.simulations; s++) g.simulate(s);
  return g.result();
}

/**
 * generateFlood, yielding to the event loop after every simulation so a Ctrl-C is seen at once: on abort
 * it throws the signal's reason, and nothing has been written (the set lives in memory until it is done).
 */
export async function generateFloodAsync(overrides: FloodOverrides = {}, signal?: AbortSignal): Promise<ArraySet> {
  const g = floodGenerator(overrides);
  for (let s = 0; s < g.simulations; s++) {
    if (signal?.aborted) throw signal.reason;
    g.simulate(s);
    await new Promise((r) => setImmediate(r));
  }
  if (signal?.aborted) throw signal.reason;
  return g.result();
}

function floodGenerator(overrides: FloodOverrides) {
  const params = resolveFloodParams(overrides);
  const { grid, simulations, horizon } = params;
  const target = params.target ?? 'depth';
  const shape = floodTargetShape(target);
  const factor = params.terrainFactor ?? 1;
  const starts = sampleStarts(params);
  const cells = grid * grid;
  const fine = grid * factor;
  const cin = shape.xChannels.length;
  const cout = shape.yChannels.length;
  const n = simulations * starts.length;
  const x = new Float32Array(n * fine * fine * cin);
  const y = new Float32Array(n * (shape.kind === 'grid' ? cells : 1) * cout);
  const simulation = new Int32Array(n);
  const threshold = params.threshold ?? 0;
  const exceed = target === 'exceed_any' || target === 'exceed_cell';

  /** simulation s fills samples s·k … s·k + k − 1 */
  const simulate = (s: number) => {
    let sample = s * starts.length;
    // The exceed targets need each cell's deepest water over the steps (t0, t0 + horizon] of each sample.
    const deepest = exceed ? starts.map(() => new Float64Array(cells)) : [];
    const onStep = exceed
      ? (step: number, depth: Float64Array) => {
          starts.forEach((t0, j) => {
            if (step <= t0 || step > t0 + horizon) return;
            const m = deepest[j]!;
            for (let i = 0; i < cells; i++) if (depth[i]! > m[i]!) m[i] = depth[i]!;
          });
        }
      : undefined;
    const result = simulateOne(params, s, [...starts, ...starts.map((t) => t + horizon)], {}, onStep);
    starts.forEach((t0, j) => {
      const before = result.snapshots.get(t0)!;
      const after = result.snapshots.get(t0 + horizon)!;
      const xo = sample * fine * fine * cin;
      // x on the terrain's grid: elevation as generated, rain and depth repeated from their output cell.
      for (let r = 0; r < fine; r++) {
        for (let c = 0; c < fine; c++) {
          const k = xo + (r * fine + c) * cin;
          const i = Math.floor(r / factor) * grid + Math.floor(c / factor);
          x[k] = result.fineElevation[r * fine + c]!;
          if (target === 'storm') {
            x[k + 1] = after.depth[i]!;
          } else {
            x[k + 1] = after.cumulativeRain[i]! - before.cumulativeRain[i]!;
            x[k + 2] = before.depth[i]!;
          }
        }
      }
      if (target === 'depth') {
        for (let i = 0; i < cells; i++) y[sample * cells + i] = after.depth[i]!;
      } else if (target === 'exceed_cell') {
        for (let i = 0; i < cells; i++) y[sample * cells + i] = deepest[j]![i]! > threshold ? 1 : 0;
      } else if (target === 'exceed_any') {
        y[sample] = deepest[j]!.some((d) => d > threshold) ? 1 : 0;
      } else {
        y.set(stormVector(result.storms[0]!, params), sample * cout);
      }
      simulation[sample] = s;
      sample++;
    });
  };
  const result = (): ArraySet => ({
    x,
    y,
    n,
    h: grid,
    w: grid,
    factor,
    cin,
    cout,
    simulation,
    xChannels: [...shape.xChannels],
    yChannels: [...shape.yChannels],
    ...(shape.kind === 'vector' ? { target: 'vector' as const } : {}),
  });
  return { simulations, simulate, result };
}
