// Float64 reference implementations of the ops whose gradients the wasm kernels compute, and central
// finite differences over them. Geometry follows TensorFlow's SAME/VALID rules, written out here so the
// references do not share code with the kernels under test.
export type Shape4 = [number, number, number, number];

export interface Geometry {
  out: number;
  before: number;
}

export function geometry(size: number, k: number, stride: number, dilation: number, pad: 'same' | 'valid'): Geometry {
  const span = (k - 1) * dilation + 1;
  if (pad === 'valid') return { out: Math.floor((size - span) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  return { out, before: Math.floor(total / 2) };
}

export interface ConvSpec {
  stride: number;
  dilation: number;
  pad: 'same' | 'valid';
  depthwise?: boolean;
}

/** y[n,i,j,o] of a (depthwise) 2-D convolution, NHWC, filter [kh,kw,cin,cout or multiplier]. */
export function conv2dRef(x: Float64Array, xs: Shape4, f: Float64Array, fs: Shape4, spec: ConvSpec): { y: Float64Array; shape: Shape4 } {
  const [n, h, w, c] = xs;
  const [kh, kw, , co] = fs;
  const gh = geometry(h, kh, spec.stride, spec.dilation, spec.pad);
  const gw = geometry(w, kw, spec.stride, spec.dilation, spec.pad);
  const outC = spec.depthwise ? c * co : co;
  const y = new Float64Array(n * gh.out * gw.out * outC);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < gh.out; i++)
      for (let j = 0; j < gw.out; j++)
        for (let a = 0; a < kh; a++) {
          const r = i * spec.stride + a * spec.dilation - gh.before;
          if (r < 0 || r >= h) continue;
          for (let q = 0; q < kw; q++) {
            const s = j * spec.stride + q * spec.dilation - gw.before;
            if (s < 0 || s >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              const xv = x[((b * h + r) * w + s) * c + ch];
              for (let o = 0; o < co; o++) {
                const fv = f[((a * kw + q) * c + ch) * co + o];
                const oc = spec.depthwise ? ch * co + o : o;
                y[((b * gh.out + i) * gw.out + j) * outC + oc] += xv * fv;
              }
            }
          }
        }
  return { y, shape: [n, gh.out, gw.out, outC] };
}

/** Exact gradients of Σ conv2d(x, f) ⊙ r (non-depthwise) with respect to x and f, the adjoint of conv2dRef. */
export function conv2dGradsRef(
  x: Float64Array,
  xs: Shape4,
  f: Float64Array,
  fs: Shape4,
  spec: ConvSpec,
  r: Float64Array,
): { dx: Float64Array; df: Float64Array } {
  const [n, h, w, c] = xs;
  const [kh, kw, , co] = fs;
  const gh = geometry(h, kh, spec.stride, spec.dilation, spec.pad);
  const gw = geometry(w, kw, spec.stride, spec.dilation, spec.pad);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < gh.out; i++)
      for (let j = 0; j < gw.out; j++)
        for (let a = 0; a < kh; a++) {
          const rr = i * spec.stride + a * spec.dilation - gh.before;
          if (rr < 0 || rr >= h) continue;
          for (let q = 0; q < kw; q++) {
            const s = j * spec.stride + q * spec.dilation - gw.before;
            if (s < 0 || s >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              const xi = ((b * h + rr) * w + s) * c + ch;
              for (let o = 0; o < co; o++) {
                const fi = ((a * kw + q) * c + ch) * co + o;
                const g = r[((b * gh.out + i) * gw.out + j) * co + o];
                dx[xi] += g * f[fi];
                df[fi] += g * x[xi];
              }
            }
          }
        }
  return { dx, df };
}

export function maxPoolRef(x: Float64Array, xs: Shape4, k: number, stride: number, pad: 'same' | 'valid'): Float64Array {
  const [n, h, w, c] = xs;
  const gh = geometry(h, k, stride, 1, pad);
  const gw = geometry(w, k, stride, 1, pad);
  const y = new Float64Array(n * gh.out * gw.out * c).fill(-Infinity);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < gh.out; i++)
      for (let j = 0; j < gw.out; j++)
        for (let a = 0; a < k; a++)
          for (let q = 0; q < k; q++) {
            const r = i * stride + a - gh.before;
            const s = j * stride + q - gw.before;
            if (r < 0 || r >= h || s < 0 || s >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              const o = ((b * gh.out + i) * gw.out + j) * c + ch;
              y[o] = Math.max(y[o], x[((b * h + r) * w + s) * c + ch]);
            }
          }
  return y;
}

/** Nearest-neighbour resize with tf.image defaults (alignCorners false, halfPixelCenters false) or alignCorners. */
export function resizeNearestRef(x: Float64Array, xs: Shape4, oh: number, ow: number, alignCorners: boolean): Float64Array {
  const [n, h, w, c] = xs;
  const src = (i: number, inS: number, outS: number): number => {
    if (alignCorners && outS > 1) return Math.min(inS - 1, Math.round((i * (inS - 1)) / (outS - 1)));
    return Math.min(inS - 1, Math.floor((i * inS) / outS));
  };
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++)
          y[((b * oh + i) * ow + j) * c + ch] = x[((b * h + src(i, h, oh)) * w + src(j, w, ow)) * c + ch];
  return y;
}

/** Bilinear resize, tf.image defaults (alignCorners false, halfPixelCenters false). */
export function resizeBilinearRef(x: Float64Array, xs: Shape4, oh: number, ow: number): Float64Array {
  const [n, h, w, c] = xs;
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const fr = (i * h) / oh;
      const r0 = Math.floor(fr);
      const r1 = Math.min(h - 1, r0 + 1);
      const dr = fr - r0;
      for (let j = 0; j < ow; j++) {
        const fc = (j * w) / ow;
        const c0 = Math.floor(fc);
        const c1 = Math.min(w - 1, c0 + 1);
        const dc = fc - c0;
        for (let ch = 0; ch < c; ch++) {
          const at = (r: number, q: number): number => x[((b * h + r) * w + q) * c + ch];
          const top = at(r0, c0) + (at(r0, c1) - at(r0, c0)) * dc;
          const bot = at(r1, c0) + (at(r1, c1) - at(r1, c0)) * dc;
          y[((b * oh + i) * ow + j) * c + ch] = top + (bot - top) * dr;
        }
      }
    }
  return y;
}

/** Central finite differences of a scalar function of v (float64). */
export function finiteDiff(f: (v: Float64Array) => number, v: Float64Array, eps = 1e-4): Float64Array {
  const g = new Float64Array(v.length);
  const probe = Float64Array.from(v);
  for (let i = 0; i < v.length; i++) {
    probe[i] = v[i] + eps;
    const up = f(probe);
    probe[i] = v[i] - eps;
    const down = f(probe);
    probe[i] = v[i];
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max|a−b| / max|b|: relative error in the max norm, robust to near-zero entries. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Deterministic well-conditioned values in [-1, 1] (distinct, so max-pool windows have no ties). */
export function values(n: number, seed: number): Float64Array {
  const v = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = (s / 2 ** 32) * 2 - 1;
  }
  return v;
}
