// Seeded randomness for the tuner. Every random draw is derived from (study seed, trial number,
// parameter name), never from a shared stream: a trial's draws then depend on nothing that a
// parallel schedule could reorder, and adding a parameter to the space leaves the others' draws
// unchanged.

export type Rng = () => number;

/** splitmix32: a tiny, well-mixed 32-bit generator; returns floats in [0, 1). */
export function splitmix32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return (t >>> 0) / 4294967296;
  };
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(text: string): number {
  // FNV-1a over UTF-16 code units, finalised by fmix32.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Combines seed parts (numbers are taken modulo 2^32, strings hashed) into one 32-bit seed. */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    const v = typeof part === 'string' ? hashString(part) : part >>> 0;
    h = fmix32((h ^ v) + 0x9e3779b9);
  }
  return h;
}

/** The generator for one (seed, parts...) stream. */
export function rngFor(...parts: (number | string)[]): Rng {
  return splitmix32(deriveSeed(...parts));
}

/** Standard normal draw (Box–Muller; the second value is discarded to keep draws stateless). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]: log(0) is impossible
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
