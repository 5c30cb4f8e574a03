import { type Random, uniform } from '../../random/seeded-random.js';
import type { FloodParams } from './params.js';

/** Integer drawn uniformly from [lo, hi] (both inclusive) for count ranges such as "1 to 3 valleys". */
export function uniformInt(random: Random, [lo, hi]: readonly [number, number]): number {
  return Math.min(Math.floor(hi), Math.floor(uniform(random, Math.ceil(lo), Math.floor(hi) + 1)));
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/**
 * Fractal value noise in [-1, 1]-ish: octave k interpolates random lattice values spaced grid/2^(k+1)
 * cells apart, with amplitude halving per octave. Cheap and enough to create ridges, pits and basins.
 */
function valueNoise(grid: number, octaves: number, random: Random): Float64Array {
  const out = new Float64Array(grid * grid);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const spacing = Math.max(1, grid / 2 ** (o + 1));
    const nodes = Math.ceil(grid / spacing) + 2;
    const lattice = new Float64Array(nodes * nodes);
    for (let i = 0; i < lattice.length; i++) lattice[i] = random() * 2 - 1;
    for (let r = 0; r < grid; r++) {
      const fy = r / spacing;
      const y0 = Math.floor(fy);
      const ty = smooth(fy - y0);
      for (let c = 0; c < grid; c++) {
        const fx = c / spacing;
        const x0 = Math.floor(fx);
        const tx = smooth(fx - x0);
        const a = lattice[y0 * nodes + x0]!;
        const b = lattice[y0 * nodes + x0 + 1]!;
        const d = lattice[(y0 + 1) * nodes + x0]!;
        const e = lattice[(y0 + 1) * nodes + x0 + 1]!;
        out[r * grid + c]! += amplitude * ((a + (b - a) * tx) * (1 - ty) + (d + (e - d) * tx) * ty);
      }
    }
    total += amplitude;
    amplitude *= 0.5;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

/** Squared distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
  const dx = px - (ax + t * vx);
  const dy = py - (ay + t * vy);
  return dx * dx + dy * dy;
}

/**
 * Terrain elevation in metres (row-major, minimum 0): fractal noise + a general slope in a random
 * direction + meandering valleys running down that slope, so that water collects along flow paths that
 * differ from one simulation to the next.
 */
export function generateTerrain(params: FloodParams, random: Random): Float64Array {
  const { grid, dx, terrain } = params;
  const z = valueNoise(grid, terrain.octaves, random);
  const relief = uniform(random, ...terrain.relief);
  const slope = uniform(random, ...terrain.slope);
  const angle = uniform(random, 0, 2 * Math.PI);
  const [sx, sy] = [Math.cos(angle), Math.sin(angle)];
  const centre = (grid - 1) / 2;
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      // Downhill along (sx, sy): elevation falls as the projection grows.
      const along = (c - centre) * sx + (r - centre) * sy;
      z[r * grid + c] = relief * z[r * grid + c]! - slope * along * dx;
    }
  }

  const valleys = uniformInt(random, terrain.valleys);
  for (let v = 0; v < valleys; v++) {
    const depth = uniform(random, ...terrain.valleyDepth);
    const width = uniform(random, ...terrain.valleyWidth);
    const offset = uniform(random, -0.35, 0.35) * grid;
    const amplitude = uniform(random, 0.05, 0.2) * grid;
    const wavelength = uniform(random, 0.5, 1.5) * grid;
    const phase = uniform(random, 0, 2 * Math.PI);
    // Centre line parametrised by s along the slope, meandering across it; it overshoots the grid so
    // valleys leave through the boundary.
    const points: [number, number][] = [];
    const segments = 2 * grid;
    for (let k = 0; k <= segments; k++) {
      const s = (k / segments - 0.5) * 1.6 * grid;
      const across = offset + amplitude * Math.sin((2 * Math.PI * s) / wavelength + phase);
      points.push([centre + s * sx - across * sy, centre + s * sy + across * sx]);
    }
    const reach2 = (3 * width) ** 2;
    for (let r = 0; r < grid; r++) {
      for (let c = 0; c < grid; c++) {
        let best = Infinity;
        for (let k = 0; k < segments; k++) {
          const [ax, ay] = points[k]!;
          const [bx, by] = points[k + 1]!;
          best = Math.min(best, segmentDistance2(c, r, ax, ay, bx, by));
        }
        if (best < reach2) z[r * grid + c]! -= depth * Math.exp(-best / (2 * width * width));
      }
    }
  }

  let min = Infinity;
  for (const v of z) min = Math.min(min, v);
  for (let i = 0; i < z.length; i++) z[i]! -= min;
  return z;
}
