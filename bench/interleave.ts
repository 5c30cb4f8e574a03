// Timing on a shared machine: contenders run interleaved, A B then B A in alternate rounds, so a load
// change hits all of them alike; each ratio is taken within one round (neighbours in time) and the bench
// reports the median of the round ratios with their range, or says the machine was too noisy instead of
// printing a ratio nobody should believe. Never asserts a time.
import { execFileSync } from 'node:child_process';
import { median } from 'simple-statistics';

export interface Sample {
  /** median ms/epoch of one run, its first (warm-up) epoch left out */
  ms: number;
  peakRssMiB?: number;
}

export interface Contender {
  name: string;
  run: () => Promise<Sample>;
}

/** Every contender once per round, in alternating order (A B C, then C B A, …); samples by contender name. */
export async function interleaved(
  contenders: Contender[], rounds: number, onRun?: (name: string, round: number, s: Sample) => void,
): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const s = await c.run();
      out.get(c.name)!.push(s);
      onRun?.(c.name, r, s);
    }
  }
  return out;
}

/** Median ms/epoch of a run's epochs after the first. */
export function steadyMs(msPerEpoch: number[]): number {
  return median(msPerEpoch.length > 1 ? msPerEpoch.slice(1) : msPerEpoch);
}

/** `median ms (min–max over rounds)` of one contender. */
export function describeTimes(samples: Sample[]): string {
  const ms = samples.map((s) => s.ms);
  return `${median(ms).toFixed(0)} ms/epoch (rounds ${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`;
}

export interface Ratio {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median of the per-round ratios */
  spread: number;
  noisy: boolean;
}

/** Per-round ratios a/b (same round, same index), their median and range; noisy when the range exceeds maxSpread of the median. */
export function roundRatio(a: Sample[], b: Sample[], maxSpread: number): Ratio {
  const ratios = a.map((s, i) => s.ms / b[i].ms);
  const m = median(ratios);
  const min = Math.min(...ratios);
  const max = Math.max(...ratios);
  const spread = (max - min) / m;
  return { median: m, min, max, spread, noisy: ratios.length < 2 || spread > maxSpread };
}

/** `0.78 (rounds 0.74–0.81)`, or `machine too noisy (…)` in place of a ratio. */
export function describeRatio(r: Ratio, maxSpread: number): string {
  const range = `rounds ${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
  if (!r.noisy) return `${r.median.toFixed(2)} (${range})`;
  const spread = `spread ${(100 * r.spread).toFixed(0)}% > ${(100 * maxSpread).toFixed(0)}%`;
  return `machine too noisy for a ratio (${range}: ${spread}; rerun on a quieter machine or with more --rounds)`;
}

/** Whether the PyTorch side can run here (python3 with torch importable); the benches say 'skipped' otherwise. */
export function torchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
