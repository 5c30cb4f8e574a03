// One seed fixes weight init, shuffling and dropout. tfjs initialisers and dropout without an explicit seed
// seed their own generator from Math.random(), so Math.random is swapped for this generator around the
// synchronous code that builds a model or runs a training step — and only there, so nothing else in the
// process draws from (or perturbs) the stream.

/** mulberry32: a small PRNG whose whole state is one uint32, so checkpoints can store and restore it. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = hashSeed(seed);
  }

  static fromState(state: number): SeededRandom {
    const r = new SeededRandom(0);
    r.state = state >>> 0;
    return r;
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

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Runs synchronous `fn` with Math.random drawing from this generator. */
  asMathRandom<T>(fn: () => T): T {
    const saved = Math.random;
    Math.random = () => this.next();
    try {
      return fn();
    } finally {
      Math.random = saved;
    }
  }
}

// Spreads nearby seeds (0, 1, 2…) over the state space so their streams do not start alike.
function hashSeed(seed: number): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
