import type { FloodParams, FloodTarget } from './params.js';
import type { Storm } from './rain.js';

/**
 * What each target puts in y and which inputs it sees. `grid` targets have a y map on the output grid,
 * `vector` targets one row of `cout` values per sample (the ArraySet's `target: 'vector'`).
 */
export interface FloodTargetShape {
  kind: 'grid' | 'vector';
  xChannels: string[];
  yChannels: string[];
}

/** The storm target's vector, in this order; positions from the grid's west (x) and north (y) edge. */
export const STORM_CHANNELS = ['peak_mm_per_hour', 'x_m', 'y_m', 'radius_m', 'vx_m_per_s', 'vy_m_per_s', 'start_s', 'duration_s'] as const;

export function floodTargetShape(target: FloodTarget): FloodTargetShape {
  const forecast = ['elevation', 'rain', 'depth_t0'];
  switch (target) {
    case 'depth':
      return { kind: 'grid', xChannels: forecast, yChannels: ['depth'] };
    case 'exceed_any':
      return { kind: 'vector', xChannels: forecast, yChannels: ['exceed_any'] };
    case 'exceed_cell':
      return { kind: 'grid', xChannels: forecast, yChannels: ['exceed'] };
    case 'storm':
      // The inverse problem sees what the water did, not the rain that caused it.
      return { kind: 'vector', xChannels: ['elevation', 'depth'], yChannels: [...STORM_CHANNELS] };
  }
}

/**
 * A storm's parameters in physical units: cell (column, row) indices become metres to the cell centre,
 * steps become seconds, the intensity mm/h (the unit pipeline.yaml's `rain.peak_mm_per_hour` uses).
 */
export function stormVector(storm: Storm, params: Pick<FloodParams, 'dx' | 'dt'>): number[] {
  const { dx, dt } = params;
  return [
    storm.peak * 1000 * 3600,
    (storm.x + 0.5) * dx,
    (storm.y + 0.5) * dx,
    storm.radius * dx,
    (storm.vx * dx) / dt,
    (storm.vy * dx) / dt,
    storm.start * dt,
    storm.duration * dt,
  ];
}
