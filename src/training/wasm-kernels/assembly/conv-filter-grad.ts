// Weight gradient of the NHWC convolutions in conv.ts (any stride, dilation 1):
// dw[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*sh+kh-padT, ow*sw+kw-padL, ci] dy[n,oh,ow,co].
// Register tiles of 2 input channels x 16 output channels, then x 12 and x 8 and x 4 (the last one a channel
// tail); Co == 1 with Ci % 4 == 0: tiles of 16 (4) input channels. The sum runs over chunks of output rows
// small enough for the L2 cache, the tile is loaded from and stored to dw once per chunk. Each dw element
// sums the same terms in the same order whichever tile computes it.
import { ceilDiv, floorDiv, madd, storeLanes } from './simd';

const CHUNK_ROWS: i32 = 16;

/** Stride 1. */
export function conv2dFilterGrad(x: usize, dy: usize, dw: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32): void {
  conv2dFilterGradStrided(x, dy, dw, N, H, W, Ci, Ho, Wo, Co, KH, KW, padT, padL, 1, 1);
}

export function conv2dFilterGradStrided(x: usize, dy: usize, dw: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32, sh: i32, sw: i32): void {
  memory.fill(dw, 0, (<usize>KH * <usize>KW * <usize>Ci * <usize>Co) << 2);
  const rows = N * Ho;
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const r1 = min(r0 + CHUNK_ROWS, rows);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        // Output columns whose tap (kh, kw) lies inside the input row: 0 <= ow*sw + kw - padL < W.
        const lo = min(max(ceilDiv(padL - kw, sw), 0), Wo);
        const hi = max(min(floorDiv(W - 1 + padL - kw, sw) + 1, Wo), lo);
        if (hi <= lo) continue;
        const wtap = dw + ((<usize>(kh * KW + kw) * <usize>Ci * <usize>Co) << 2);
        if (Co == 1 && Ci % 4 == 0) {
          gradDot(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, kh, kw, padT, padL, lo, hi, sh, sw);
        } else {
          let ci = 0;
          for (; ci + 2 <= Ci; ci += 2) gradTile2(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, Co, kh, kw, padT, padL, lo, hi, ci, sh, sw);
          if (ci < Ci) gradTile1(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, Co, kh, kw, padT, padL, lo, hi, ci, sh, sw);
        }
      }
    }
  }
}

/** x at (n, ih, first column lo, channel ci) for output row r (= n * Ho + oh), or 0 when that row's tap is padding. */
@inline function xRow(x: usize, r: i32, H: i32, W: i32, Ci: i32, Ho: i32, kh: i32, kw: i32, padT: i32, padL: i32,
  lo: i32, ci: i32, sh: i32, sw: i32): usize {
  const oh = r % Ho;
  const ih = oh * sh + kh - padT;
  if (ih < 0 || ih >= H) return 0;
  const n = r / Ho;
  return x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo * sw + kw - padL)) * <usize>Ci + <usize>ci) << 2);
}

/** Two input channels (ci, ci+1) x all output channels, in tiles of 16, 12, 8, then 4. */
@inline function gradTile2(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32, ci: i32, sh: i32, sw: i32): void {
  const ps = (<usize>sw * <usize>Ci) << 2;
  const ds = <usize>Co << 2;
  const out0 = wtap + ((<usize>ci * <usize>Co) << 2);
  const out1 = out0 + ds;
  let co = 0;
  for (; co + 16 <= Co; co += 16) {
    const o0 = out0 + (<usize>co << 2);
    const o1 = out1 + (<usize>co << 2);
    let a0 = v128.load(o0), a1 = v128.load(o0, 16), a2 = v128.load(o0, 32), a3 = v128.load(o0, 48);
    let b0 = v128.load(o1), b1 = v128.load(o1, 16), b2 = v128.load(o1, 32), b3 = v128.load(o1, 48);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const x0 = v128.load32_splat(xp);
        const x1 = v128.load32_splat(xp, 4);
        const d0 = v128.load(dp), d1 = v128.load(dp, 16), d2 = v128.load(dp, 32), d3 = v128.load(dp, 48);
        a0 = madd(x0, d0, a0); a1 = madd(x0, d1, a1); a2 = madd(x0, d2, a2); a3 = madd(x0, d3, a3);
        b0 = madd(x1, d0, b0); b1 = madd(x1, d1, b1); b2 = madd(x1, d2, b2); b3 = madd(x1, d3, b3);
        xp += ps;
        dp += ds;
      }
    }
    v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32); v128.store(o0, a3, 48);
    v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32); v128.store(o1, b3, 48);
  }
  for (; co + 12 <= Co; co += 12) {
    const o0 = out0 + (<usize>co << 2);
    const o1 = out1 + (<usize>co << 2);
    let a0 = v128.load(o0), a1 = v128.load(o0, 16), a2 = v128.load(o0, 32);
    let b0 = v128.load(o1), b1 = v128.load(o1, 16), b2 = v128.load(o1, 32);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const x0 = v128.load32_splat(xp);
        const x1 = v128.load32_splat(xp, 4);
        const d0 = v128.load(dp), d1 = v128.load(dp, 16), d2 = v128.load(dp, 32);
        a0 = madd(x0, d0, a0); a1 = madd(x0, d1, a1); a2 = madd(x0, d2, a2);
        b0 = madd(x1, d0, b0); b1 = madd(x1, d1, b1); b2 = madd(x1, d2, b2);
        xp += ps;
        dp += ds;
      }
    }
    v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32);
    v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32);
  }
  for (; co + 8 <= Co; co += 8) {
    const o0 = out0 + (<usize>co << 2);
    const o1 = out1 + (<usize>co << 2);
    let a0 = v128.load(o0), a1 = v128.load(o0, 16);
    let b0 = v128.load(o1), b1 = v128.load(o1, 16);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const x0 = v128.load32_splat(xp);
        const x1 = v128.load32_splat(xp, 4);
        const d0 = v128.load(dp), d1 = v128.load(dp, 16);
        a0 = madd(x0, d0, a0); a1 = madd(x0, d1, a1);
        b0 = madd(x1, d0, b0); b1 = madd(x1, d1, b1);
        xp += ps;
        dp += ds;
      }
    }
    v128.store(o0, a0); v128.store(o0, a1, 16);
    v128.store(o1, b0); v128.store(o1, b1, 16);
  }
  for (; co < Co; co += 4) {
    const o0 = out0 + (<usize>co << 2);
    const o1 = out1 + (<usize>co << 2);
    let a0 = v128.load(o0);
    let b0 = v128.load(o1);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const d0 = v128.load(dp);
        a0 = madd(v128.load32_splat(xp), d0, a0);
        b0 = madd(v128.load32_splat(xp, 4), d0, b0);
        xp += ps;
        dp += ds;
      }
    }
    const lanes = min(4, Co - co);
    storeLanes(o0, a0, lanes);
    storeLanes(o1, b0, lanes);
  }
}

/** One input channel (the last of an odd count, e.g. the third of an RGB input) x all output channels, in tiles of 12, then 4. */
@inline function gradTile1(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32, ci: i32, sh: i32, sw: i32): void {
  const ps = (<usize>sw * <usize>Ci) << 2;
  const ds = <usize>Co << 2;
  const out0 = wtap + ((<usize>ci * <usize>Co) << 2);
  let co = 0;
  for (; co + 12 <= Co; co += 12) {
    const o0 = out0 + (<usize>co << 2);
    let a0 = v128.load(o0), a1 = v128.load(o0, 16), a2 = v128.load(o0, 32);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const x0 = v128.load32_splat(xp);
        a0 = madd(x0, v128.load(dp), a0);
        a1 = madd(x0, v128.load(dp, 16), a1);
        a2 = madd(x0, v128.load(dp, 32), a2);
        xp += ps;
        dp += ds;
      }
    }
    v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32);
  }
  for (; co < Co; co += 4) {
    const o0 = out0 + (<usize>co << 2);
    let a0 = v128.load(o0);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        a0 = madd(v128.load32_splat(xp), v128.load(dp), a0);
        xp += ps;
        dp += ds;
      }
    }
    storeLanes(o0, a0, min(4, Co - co));
  }
}

/** Co == 1: input channels in tiles of 16 or 4 (Ci % 4 == 0), dy broadcast. */
@inline function gradDot(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32, sh: i32, sw: i32): void {
  const ps = (<usize>sw * <usize>Ci) << 2;
  let ci = 0;
  for (; ci + 16 <= Ci; ci += 16) {
    const o = wtap + (<usize>ci << 2);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + (((<usize>r) * <usize>Wo + <usize>lo) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const d = v128.load32_splat(dp);
        a0 = madd(v128.load(xp), d, a0);
        a1 = madd(v128.load(xp, 16), d, a1);
        a2 = madd(v128.load(xp, 32), d, a2);
        a3 = madd(v128.load(xp, 48), d, a3);
        xp += ps;
        dp += 4;
      }
    }
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
  for (; ci < Ci; ci += 4) {
    const o = wtap + (<usize>ci << 2);
    let a0 = v128.load(o);
    for (let r = r0; r < r1; r++) {
      let xp = xRow(x, r, H, W, Ci, Ho, kh, kw, padT, padL, lo, ci, sh, sw);
      if (xp == 0) continue;
      let dp = dy + (((<usize>r) * <usize>Wo + <usize>lo) << 2);
      for (let ow = lo; ow < hi; ow++) {
        a0 = madd(v128.load(xp), v128.load32_splat(dp), a0);
        xp += ps;
        dp += 4;
      }
    }
    v128.store(o, a0);
  }
}
