// AssemblyScript, compiled by `npm run build:wasm` (asc, entry index.ts) into dist/wasm/kernels.wasm;
// not part of the tsc build. Direct NHWC convolutions, any stride, dilation 1, explicit padding, on the memory of
// tfjs-backend-wasm itself (the module imports it), so tensors are used in place by their heap offsets.
// Multiply then add: relaxed-SIMD fused multiply-add (Node 20: behind a V8 flag) measured slower here
// (forward 19 vs 24 GMAC/s) and would make results depend on the engine.
//
// Why not XNNPACK (what tfjs-backend-wasm's Conv2D runs): it repacks its weight operand on every call,
// which makes the weight-gradient convolution (whose "weights" are the whole output gradient) slow, and it
// is slow for 1..2 channels. Layouts: x [N,H,W,Ci], filter [KH,KW,Ci,Co], y [N,Ho,Wo,Co].
//
// Channel tails (a count not a multiple of 4) are computed in whole vectors whose extra lanes read past the
// channel (the next pixel's values, or up to 12 bytes past the tensor: direct-conv.ts checks the heap has
// them) and are never stored.
//
// Every tile sums an output's taps in the same order (kh, then kw, then ci), starting from the same value, so
// which tile computes an output never changes its bits.
import { activate, ceilDiv, floorDiv, hsum, madd, storeLanes } from './simd';

// ---------------------------------------------------------------------------------------------------
// Forward: y[n,oh,ow,co] = act(bias[co] + sum_{kh,kw,ci} x[n, oh*sh+kh-padT, ow*sw+kw-padL, ci] f[kh,kw,ci,co]).
// Tiles of 2 output pixels x 16 channels where Co % 16 == 0 (27 GMAC/s here, vs 24 for 4 x 8, 16 for 3 x 16,
// which spills), 2 x 12 where Co % 12 == 0 (else a 4 x 4 tail after each 4 x 8: 7x7, 12 -> 12 channels ran
// 15 % faster; 3 x 12 ran a third slower, though it executes fewer instructions), else 4 x 8 and a 4 x 8 or
// 4 x 4 tail, 1 x 4 at the borders; Co == 1 with Ci % 4 == 0: dot products over ci.
// bias == 0 means none; act: 0 linear, 1 relu; | 2: bias added after the sum (the rounding of Conv2D then
// Add then Relu, for the fused training step whose results must not change), else it starts the sum.
// Tiles address pixel ow's first tap (ih0 = oh*sh - padT, iw0 = ow*sw - padL); ps is the input step from one
// output pixel to the next (sw pixels), ys the output's.

/** 4 pixels x 8 channels (of the second vector, the first `lanes` stored), all taps of the 4 pixels in range horizontally. */
@inline function tile4x8(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, Co: i32,
  KH: i32, KW: i32, ps: usize, ys: usize, co: i32, lanes: i32, bias: usize, act: i32): void {
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  if (bias != 0) {
    b0 = v128.load(bias + (<usize>co << 2));
    b1 = v128.load(bias + (<usize>co << 2), 16);
  }
  let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    // The KW taps of a row are KW adjacent pixels: KW * Ci contiguous inputs against contiguous filter rows.
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw0) * <usize>Ci << 2);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w0 = v128.load(wp);
      const w1 = v128.load(wp, 16);
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp + ps);
      const x2 = v128.load32_splat(xp + 2 * ps);
      const x3 = v128.load32_splat(xp + 3 * ps);
      a00 = madd(x0, w0, a00); a01 = madd(x0, w1, a01);
      a10 = madd(x1, w0, a10); a11 = madd(x1, w1, a11);
      a20 = madd(x2, w0, a20); a21 = madd(x2, w1, a21);
      a30 = madd(x3, w0, a30); a31 = madd(x3, w1, a31);
      xp += 4;
      wp += fs;
    }
  }
  const p = yp + (<usize>co << 2);
  v128.store(p, activate(a00, act)); storeLanes(p + 16, activate(a01, act), lanes);
  v128.store(p + ys, activate(a10, act)); storeLanes(p + ys + 16, activate(a11, act), lanes);
  v128.store(p + 2 * ys, activate(a20, act)); storeLanes(p + 2 * ys + 16, activate(a21, act), lanes);
  v128.store(p + 3 * ys, activate(a30, act)); storeLanes(p + 3 * ys + 16, activate(a31, act), lanes);
}

/** 4 pixels x 4 channels (the first `lanes` stored), all taps of the 4 pixels in range horizontally. */
@inline function tile4x4(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, Co: i32,
  KH: i32, KW: i32, ps: usize, ys: usize, co: i32, lanes: i32, bias: usize, act: i32): void {
  const b = bias != 0 ? v128.load(bias + (<usize>co << 2)) : f32x4.splat(0);
  let a0 = b, a1 = b, a2 = b, a3 = b;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw0) * <usize>Ci << 2);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w = v128.load(wp);
      a0 = madd(v128.load32_splat(xp), w, a0);
      a1 = madd(v128.load32_splat(xp + ps), w, a1);
      a2 = madd(v128.load32_splat(xp + 2 * ps), w, a2);
      a3 = madd(v128.load32_splat(xp + 3 * ps), w, a3);
      xp += 4;
      wp += fs;
    }
  }
  const p = yp + (<usize>co << 2);
  storeLanes(p, activate(a0, act), lanes);
  storeLanes(p + ys, activate(a1, act), lanes);
  storeLanes(p + 2 * ys, activate(a2, act), lanes);
  storeLanes(p + 3 * ys, activate(a3, act), lanes);
}

/** 2 pixels x 12 channels, all taps of the pixels in range horizontally (6 accumulators + 3 weights + 1 input). */
@inline function tile2x12(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, Co: i32,
  KH: i32, KW: i32, ps: usize, ys: usize, co: i32, bias: usize, act: i32): void {
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
  if (bias != 0) {
    const bp = bias + (<usize>co << 2);
    b0 = v128.load(bp); b1 = v128.load(bp, 16); b2 = v128.load(bp, 32);
  }
  let a0 = b0, a1 = b1, a2 = b2;
  let c0 = b0, c1 = b1, c2 = b2;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw0) * <usize>Ci << 2);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32);
      const x0 = v128.load32_splat(xp);
      a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1); a2 = madd(x0, w2, a2);
      const x1 = v128.load32_splat(xp + ps);
      c0 = madd(x1, w0, c0); c1 = madd(x1, w1, c1); c2 = madd(x1, w2, c2);
      xp += 4;
      wp += fs;
    }
  }
  const p = yp + (<usize>co << 2);
  v128.store(p, activate(a0, act)); v128.store(p, activate(a1, act), 16); v128.store(p, activate(a2, act), 32);
  v128.store(p + ys, activate(c0, act)); v128.store(p + ys, activate(c1, act), 16); v128.store(p + ys, activate(c2, act), 32);
}

/** 2 pixels x 16 channels, all taps of the pixels in range horizontally (8 accumulators; 3 pixels spill). */
@inline function tile2x16(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, Co: i32,
  KH: i32, KW: i32, ps: usize, ys: usize, co: i32, bias: usize, act: i32): void {
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  if (bias != 0) {
    const bp = bias + (<usize>co << 2);
    b0 = v128.load(bp); b1 = v128.load(bp, 16); b2 = v128.load(bp, 32); b3 = v128.load(bp, 48);
  }
  let a0 = b0, a1 = b1, a2 = b2, a3 = b3;
  let c0 = b0, c1 = b1, c2 = b2, c3 = b3;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw0) * <usize>Ci << 2);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      const x0 = v128.load32_splat(xp);
      a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1); a2 = madd(x0, w2, a2); a3 = madd(x0, w3, a3);
      const x1 = v128.load32_splat(xp + ps);
      c0 = madd(x1, w0, c0); c1 = madd(x1, w1, c1); c2 = madd(x1, w2, c2); c3 = madd(x1, w3, c3);
      xp += 4;
      wp += fs;
    }
  }
  const p = yp + (<usize>co << 2);
  v128.store(p, activate(a0, act)); v128.store(p, activate(a1, act), 16);
  v128.store(p, activate(a2, act), 32); v128.store(p, activate(a3, act), 48);
  v128.store(p + ys, activate(c0, act)); v128.store(p + ys, activate(c1, act), 16);
  v128.store(p + ys, activate(c2, act), 32); v128.store(p + ys, activate(c3, act), 48);
}

/** One pixel x 4 channels (the first min(4, Co - co) stored), any pixel (taps out of range are skipped). */
@inline function tile1x4(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, Co: i32,
  KH: i32, KW: i32, co: i32, bias: usize, act: i32): void {
  let a = bias != 0 ? v128.load(bias + (<usize>co << 2)) : f32x4.splat(0);
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const iw = iw0 + kw;
      if (iw < 0 || iw >= W) continue;
      let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw) * <usize>Ci << 2);
      let wp = f + ((<usize>(kh * KW + kw) * <usize>Ci) * fs) + (<usize>co << 2);
      for (let ci = 0; ci < Ci; ci++) {
        a = madd(v128.load32_splat(xp), v128.load(wp), a);
        xp += 4;
        wp += fs;
      }
    }
  }
  storeLanes(yp + (<usize>co << 2), activate(a, act), min(4, Co - co));
}

/** One pixel, Co == 1, Ci % 4 == 0. */
@inline function dot1(nrow: usize, f: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, KH: i32, KW: i32): f32 {
  let a = f32x4.splat(0);
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const iw = iw0 + kw;
      if (iw < 0 || iw >= W) continue;
      let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw) * <usize>Ci << 2);
      let wp = f + (<usize>(kh * KW + kw) * <usize>Ci << 2);
      for (let ci = 0; ci < Ci; ci += 4) {
        a = madd(v128.load(xp), v128.load(wp), a);
        xp += 16;
        wp += 16;
      }
    }
  }
  return hsum(a);
}

/** Four output pixels (ps apart in the input, ys in the output), Co == 1, Ci % 4 == 0, all taps in range horizontally. */
@inline function dot4(nrow: usize, f: usize, yp: usize, ih0: i32, iw0: i32, H: i32, W: i32, Ci: i32, KH: i32, KW: i32,
  ps: usize, ys: usize, bias: usize, relu: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let kh = 0; kh < KH; kh++) {
    const ih = ih0 + kh;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>iw0) * <usize>Ci << 2);
    let wp = f + (<usize>(kh * KW) * <usize>Ci << 2);
    for (let k = 0, K = KW * Ci; k < K; k += 4) {
      const w = v128.load(wp);
      a0 = madd(v128.load(xp), w, a0);
      a1 = madd(v128.load(xp + ps), w, a1);
      a2 = madd(v128.load(xp + 2 * ps), w, a2);
      a3 = madd(v128.load(xp + 3 * ps), w, a3);
      xp += 16;
      wp += 16;
    }
  }
  store<f32>(yp, post1(hsum(a0), bias, relu));
  store<f32>(yp + ys, post1(hsum(a1), bias, relu));
  store<f32>(yp + 2 * ys, post1(hsum(a2), bias, relu));
  store<f32>(yp + 3 * ys, post1(hsum(a3), bias, relu));
}

/** The dense NHWC convolution with stride 1 (y [N,Ho,Wo,Co] contiguous). */
export function conv2d(x: usize, f: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32, act: i32): void {
  const ys = <usize>Co << 2;
  conv2dStrided(x, f, bias, y, N, H, W, Ci, Ho, Wo, Co, KH, KW, padT, padL, act, 1, 1,
    <usize>Ho * <usize>Wo * ys, <usize>Wo * ys, ys);
}

/**
 * Strides sh, sw; the output is written at y + n * yImage + oh * yRow + ow * yPix (bytes): dense, or one
 * phase of the transposed convolution (conv2d-grads.ts), whose rows and columns interleave with the others'.
 */
export function conv2dStrided(x: usize, f: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32, act: i32, sh: i32, sw: i32,
  yImage: usize, yRow: usize, yPix: usize): void {
  // Output columns whose taps are all in range horizontally: ow*sw - padL >= 0 and ow*sw - padL + KW - 1 < W.
  const lo = min(max(ceilDiv(padL, sw), 0), Wo);
  const hi = max(min(floorDiv(W - KW + padL, sw) + 1, Wo), lo);
  const late = (act & 2) != 0;
  const relu = act & 1;
  const tb: usize = late ? 0 : bias;
  const ta = late ? 0 : relu;
  const ps = (<usize>sw * <usize>Ci) << 2;
  const ys = yPix;
  for (let n = 0; n < N; n++) {
    const nrow = x + ((<usize>n * <usize>H * <usize>W * <usize>Ci) << 2);
    for (let oh = 0; oh < Ho; oh++) {
      const yrow = y + <usize>n * yImage + <usize>oh * yRow;
      const ih0 = oh * sh - padT;
      if (Co == 1 && Ci % 4 == 0) {
        for (let ow = 0; ow < lo; ow++) {
          store<f32>(yrow + <usize>ow * ys, post1(dot1(nrow, f, ih0, ow * sw - padL, H, W, Ci, KH, KW), bias, relu));
        }
        let ow = lo;
        for (; ow + 4 <= hi; ow += 4) dot4(nrow, f, yrow + <usize>ow * ys, ih0, ow * sw - padL, H, W, Ci, KH, KW, ps, ys, bias, relu);
        for (; ow < Wo; ow++) {
          store<f32>(yrow + <usize>ow * ys, post1(dot1(nrow, f, ih0, ow * sw - padL, H, W, Ci, KH, KW), bias, relu));
        }
        continue;
      }
      for (let ow = 0; ow < lo; ow++) {
        for (let co = 0; co < Co; co += 4) tile1x4(nrow, f, yrow + <usize>ow * ys, ih0, ow * sw - padL, H, W, Ci, Co, KH, KW, co, tb, ta);
      }
      let ow = lo;
      if (Co % 16 == 0) {
        for (; ow + 2 <= hi; ow += 2) {
          const yp = yrow + <usize>ow * ys;
          for (let co = 0; co < Co; co += 16) tile2x16(nrow, f, yp, ih0, ow * sw - padL, H, W, Ci, Co, KH, KW, ps, ys, co, tb, ta);
        }
      } else if (Co % 12 == 0) {
        for (; ow + 2 <= hi; ow += 2) {
          const yp = yrow + <usize>ow * ys;
          for (let co = 0; co < Co; co += 12) tile2x12(nrow, f, yp, ih0, ow * sw - padL, H, W, Ci, Co, KH, KW, ps, ys, co, tb, ta);
        }
      }
      for (; ow + 4 <= hi; ow += 4) {
        const yp = yrow + <usize>ow * ys;
        const iw0 = ow * sw - padL;
        let co = 0;
        for (; co + 8 <= Co; co += 8) tile4x8(nrow, f, yp, ih0, iw0, H, W, Ci, Co, KH, KW, ps, ys, co, 4, tb, ta);
        const rest = Co - co;
        if (rest > 4) tile4x8(nrow, f, yp, ih0, iw0, H, W, Ci, Co, KH, KW, ps, ys, co, rest - 4, tb, ta);
        else if (rest > 0) tile4x4(nrow, f, yp, ih0, iw0, H, W, Ci, Co, KH, KW, ps, ys, co, rest, tb, ta);
      }
      for (; ow < Wo; ow++) {
        for (let co = 0; co < Co; co += 4) tile1x4(nrow, f, yrow + <usize>ow * ys, ih0, ow * sw - padL, H, W, Ci, Co, KH, KW, co, tb, ta);
      }
      if (late && (bias != 0 || relu != 0)) biasActRow(yrow, Wo, Co, ys, bias, relu);
    }
  }
}

@inline function post1(v: f32, bias: usize, relu: i32): f32 {
  const b = bias != 0 ? v + load<f32>(bias) : v;
  return relu == 1 ? max(b, 0) : b;
}

/** y = act(y + bias) over one output row of Wo pixels (ys bytes apart) x Co channels (still in the L1 cache). */
function biasActRow(yrow: usize, Wo: i32, Co: i32, ys: usize, bias: usize, relu: i32): void {
  const vecCo = Co & ~3;
  let p = yrow;
  for (let ow = 0; ow < Wo; ow++) {
    let co = 0;
    for (; co < vecCo; co += 4) {
      const q = p + (<usize>co << 2);
      let v = v128.load(q);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + (<usize>co << 2)));
      v128.store(q, activate(v, relu));
    }
    for (; co < Co; co++) {
      const q = p + (<usize>co << 2);
      let v = load<f32>(q);
      if (bias != 0) v += load<f32>(bias + (<usize>co << 2));
      store<f32>(q, relu == 1 ? max(v, 0) : v);
    }
    p += ys;
  }
}
