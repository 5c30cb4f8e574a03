// One seed fixes weight init, shuffling and dropout. tfjs initialisers and dropout without an explicit seed
// seed their own generator from Math.random(), so Math.random is swapped for this generator around the
// synchronous code that builds a model or runs a training step — and only there, so nothing else in the
// process draws from (or perturbs) the stream.
import { Mulberry32, shuffleInPlace, spreadSeed } from '../random/seeded-random.js';

/** Training's mulberry32 stream: its whole state is one uint32, so checkpoints store and restore it. */
export class SeededRandom extends Mulberry32 {
  constructor(seed: number) {
    super(spreadSeed(seed));
  }

  static fromState(state: number): SeededRandom {
    const r = new SeededRandom(0);
    r.state = state >>> 0;
    return r;
  }

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return shuffleInPlace(p, () => this.next());
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
