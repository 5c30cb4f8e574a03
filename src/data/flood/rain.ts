import { type Random, uniform } from '../../random/seeded-random.js';
import type { FloodParams } from './params.js';
import { uniformInt } from './terrain.js';

/** One moving storm cell: Gaussian in space, a smooth sin² pulse in time. */
export interface Storm {
  x: number; // centre column at start (cells)
  y: number; // centre row at start (cells)
  vx: number; // cells per step
  vy: number;
  radius: number; // cells (Gaussian sigma)
  peak: number; // m/s at the centre at the peak of the pulse
  start: number; // step the pulse begins
  duration: number; // steps
}

export function sampleStorms(params: FloodParams, random: Random): Storm[] {
  const { grid, steps, rain } = params;
  const count = uniformInt(random, rain.events);
  const storms: Storm[] = [];
  for (let i = 0; i < count; i++) {
    const duration = Math.max(1, uniform(random, ...rain.duration) * steps);
    const speed = uniform(random, ...rain.speed);
    const heading = uniform(random, 0, 2 * Math.PI);
    storms.push({
      x: uniform(random, -0.1, 1.1) * grid,
      y: uniform(random, -0.1, 1.1) * grid,
      vx: speed * Math.cos(heading),
      vy: speed * Math.sin(heading),
      radius: uniform(random, ...rain.radius) * grid,
      peak: uniform(random, ...rain.peakMmPerHour) / 1000 / 3600,
      // The first storm starts early so that few samples are all dry (their RAE would be undefined);
      // later ones may still be raining at the end.
      start: i === 0 ? uniform(random, 0, 0.15 * steps) : uniform(random, 0, Math.max(0, steps - duration * 0.5)),
      duration,
    });
  }
  return storms;
}

/**
 * Rainfall intensity (m/s) of every cell during step `step`, evaluated at the step's midpoint and held
 * constant over the step, so the rain volume the solver adds is exactly intensity × dt × dx² per cell.
 */
export function rainIntensity(storms: readonly Storm[], grid: number, step: number, out: Float64Array): Float64Array {
  out.fill(0);
  const t = step + 0.5;
  for (const s of storms) {
    const phase = (t - s.start) / s.duration;
    if (phase <= 0 || phase >= 1) continue;
    const pulse = Math.sin(Math.PI * phase) ** 2;
    const cx = s.x + s.vx * (t - s.start);
    const cy = s.y + s.vy * (t - s.start);
    const inv = 1 / (2 * s.radius * s.radius);
    const amp = s.peak * pulse;
    for (let r = 0; r < grid; r++) {
      const dy2 = (r - cy) * (r - cy);
      for (let c = 0; c < grid; c++) {
        out[r * grid + c]! += amp * Math.exp(-((c - cx) * (c - cx) + dy2) * inv);
      }
    }
  }
  return out;
}
