/**
 * Ticks for a log axis: 1-2-5 in every decade, or fewer per decade when that would crowd the axis, with
 * plain labels ("0.05", "2", "300") instead of Chart.js' own mix of odd ends and scientific notation.
 */

/** The 1-2-5 (or 1-3, or 1) values from `min` to `max`, at most `maxTicks` of them where a sparser set allows. */
export function logTicks(min: number, max: number, maxTicks = 12): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  let ticks: number[] = [];
  for (const mantissas of [[1, 2, 5], [1, 3], [1]]) {
    ticks = [];
    for (let e = lo; e <= hi; e++) {
      for (const m of mantissas) {
        // toPrecision: 3 × 10^-1 is 0.30000000000000004 in floating point
        const v = Number((m * 10 ** e).toPrecision(1));
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
      }
    }
    if (ticks.length <= maxTicks) break;
  }
  // only decades left and still too many: every k-th decade
  if (ticks.length > maxTicks) {
    const k = Math.ceil(ticks.length / maxTicks);
    ticks = ticks.filter((v) => Math.round(Math.log10(v)) % k === 0);
  }
  return ticks;
}

/** A tick value as a person writes it: 0.002, 0.5, 20, 3000, 2e-7 only below 1e-6 or from 1e9 on. */
export function plainNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-6 || a >= 1e9) return v.toExponential(0).replace('e+', 'e');
  const digits = Math.max(0, -Math.floor(Math.log10(a) + 1e-9));
  return Number(v.toPrecision(3))
    .toFixed(digits + 2)
    .replace(/\.?0+$/, '');
}
