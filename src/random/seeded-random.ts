/**
 * Every seeded random draw in pipe comes from here: Math.random cannot be seeded, and generated data,
 * splits, weight initialisation, shuffling and the tuner must give the same numbers on any machine. Two
 * generators are in use and each is written once; which part of pipe draws from which is fixed, because
 * switching would change every result in the locks:
 * - mulberry32 (whole state one uint32, so a training checkpoint can store it): data generation, splits,
 *   training (weights, dropout, batch order);
 * - splitmix32: the tuner, one fresh stream per (study seed, trial, parameter) via `deriveSeed`.
 * Seeds are mixed with one finaliser (murmur3's fmix32).
 */
export type Random = () => number;

/** murmur3's 32-bit finaliser: spreads nearby integers (0, 1, 2 …) over the whole uint32 range. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 with its state in view (get/restore it for checkpoints). */
export class Mulberry32 {
  protected state: number;

  constructor(state: number) {
    this.state = state >>> 0;
  }

  getState(): number {
    return this.state;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A mulberry32 stream of uniform numbers in [0, 1), its state starting at `seed` (any 32-bit integer). */
export function mulberry32(seed: number): Random {
  const g = new Mulberry32(seed);
  return () => g.next();
}

/** splitmix32: a tiny, well-mixed 32-bit generator; uniform numbers in [0, 1). */
export function splitmix32(seed: number): Random {
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

/** The start of a seed's mulberry32 stream for training: nearby seeds (0, 1, 2 …) must not start alike. */
export function spreadSeed(seed: number): number {
  return fmix32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
}

/** A seed for stream `stream` of `seed` (data generation: simulation 7 of seed 1 and simulation 1 of
 *  seed 7 get unrelated streams). */
export function streamSeed(seed: number, stream: number): number {
  return fmix32((Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(stream >>> 0, 0x85ebca6b) + 0x632be59b) >>> 0);
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

/** Combines seed parts (numbers are taken modulo 2^32, strings hashed) into one 32-bit seed (the tuner's
 *  per-trial, per-parameter streams). */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    const v = typeof part === 'string' ? hashString(part) : part >>> 0;
    h = fmix32((h ^ v) + 0x9e3779b9);
  }
  return h;
}

/** Uniform number in [lo, hi). */
export function uniform(random: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/** Standard normal draw (Box–Muller; the second value is discarded to keep draws stateless). */
export function normal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) is impossible
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher–Yates shuffle in place (last position first). */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(items: A, random: Random): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** A shuffled copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  return shuffleInPlace(items.slice(), random);
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, random: Random): number[] {
  return shuffleInPlace(Array.from({ length: n }, (_, i) => i), random);
}

/** The tuner's generator for one (seed, parts …) stream. */
export function rngFor(...parts: (number | string)[]): Random {
  return splitmix32(deriveSeed(...parts));
}
