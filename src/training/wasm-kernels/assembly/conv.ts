// AssemblyScript, compiled by `npm run build:wasm` (asc, entry index.ts) into dist/wasm/kernels.wasm;
// not part of the tsc build. Direct NHWC convolutions, stride 1 and dilation 1, explicit padding, on the memory of
// tfjs-backend-wasm itself (the module imports it), so tensors are used in place by their heap offsets.
// Multiply then add: relaxed-SIMD fused multiply-add (Node 20: behind a V8 flag) measured slower here
// (forward 19 vs 24 GMAC/s) and would make results depend on the engine.
//
// Why not XNNPACK (what tfjs-backend-wasm's Conv2D runs): it repacks its weight operand on every call,
// which makes the weight-gradient convolution (whose "weights" are the whole output gradient) slow, and it
// is slow for 1..2 channels. Layouts: x [N,H,W,Ci], filter [KH,KW,Ci,Co], y [N,Ho,Wo,Co].

@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function activate(v: v128, act: i32): v128 {
  return act == 1 ? f32x4.max(v, f32x4.splat(0)) : v;
}

/** Stores the first `lanes` (1..4) lanes of v: channel tails, where a whole vector would overwrite the next pixel. */
@inline function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// Channel tails (a count not a multiple of 4) are computed in whole vectors whose extra lanes read past the
// channel (the next pixel's values, or up to 12 bytes past the tensor: direct-conv.ts checks the heap has
// them) and are never stored.

// ---------------------------------------------------------------------------------------------------
// Forward: y[n,oh,ow,co] = act(bias[co] + sum_{kh,kw,ci} x[n, oh+kh-padT, ow+kw-padL, ci] f[kh,kw,ci,co]).
// Tiles of 2 output pixels x 16 channels where Co % 16 == 0 (27 GMAC/s here, vs 24 for 4 x 8, 16 for 3 x 16,
// which spills), else 4 x 8 and a 4 x 8 or 4 x 4 tail, 1 x 4 at the borders; Co == 1 with Ci % 4 == 0: dot
// products over ci.
// bias == 0 means none; act: 0 linear, 1 relu; | 2: bias added after the sum (the rounding of Conv2D then
// Add then Relu, for the fused training step whose results must not change), else it starts the sum.

/** 4 pixels x 8 channels (of the second vector, the first `lanes` stored), all taps of the 4 pixels in range horizontally. */
@inline function tile4x8(ow: i32, H: i32, W: i32, Ci: i32, Co: i32, f: usize, lanes: i32,
  KH: i32, KW: i32, oh: i32, padT: i32, padL: i32, co: i32, bias: usize, act: i32, nrow: usize, yrow: usize): void {
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  if (bias != 0) {
    b0 = v128.load(bias + (<usize>co << 2));
    b1 = v128.load(bias + (<usize>co << 2), 16);
  }
  let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  const xs = <usize>Ci << 2;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    // The KW taps of a row are KW adjacent pixels: KW * Ci contiguous inputs against contiguous filter rows.
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>(ow - padL)) * xs);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w0 = v128.load(wp);
      const w1 = v128.load(wp, 16);
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp + xs);
      const x2 = v128.load32_splat(xp + 2 * xs);
      const x3 = v128.load32_splat(xp + 3 * xs);
      a00 = madd(x0, w0, a00); a01 = madd(x0, w1, a01);
      a10 = madd(x1, w0, a10); a11 = madd(x1, w1, a11);
      a20 = madd(x2, w0, a20); a21 = madd(x2, w1, a21);
      a30 = madd(x3, w0, a30); a31 = madd(x3, w1, a31);
      xp += 4;
      wp += fs;
    }
  }
  const yp = yrow + ((<usize>ow * <usize>Co + <usize>co) << 2);
  v128.store(yp, activate(a00, act)); storeLanes(yp + 16, activate(a01, act), lanes);
  v128.store(yp + fs, activate(a10, act)); storeLanes(yp + fs + 16, activate(a11, act), lanes);
  v128.store(yp + 2 * fs, activate(a20, act)); storeLanes(yp + 2 * fs + 16, activate(a21, act), lanes);
  v128.store(yp + 3 * fs, activate(a30, act)); storeLanes(yp + 3 * fs + 16, activate(a31, act), lanes);
}

/** 4 pixels x 4 channels (the first `lanes` stored), all taps of the 4 pixels in range horizontally. */
@inline function tile4x4(ow: i32, H: i32, W: i32, Ci: i32, Co: i32, f: usize, lanes: i32,
  KH: i32, KW: i32, oh: i32, padT: i32, padL: i32, co: i32, bias: usize, act: i32, nrow: usize, yrow: usize): void {
  const b = bias != 0 ? v128.load(bias + (<usize>co << 2)) : f32x4.splat(0);
  let a0 = b, a1 = b, a2 = b, a3 = b;
  const xs = <usize>Ci << 2;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>(ow - padL)) * xs);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w = v128.load(wp);
      a0 = madd(v128.load32_splat(xp), w, a0);
      a1 = madd(v128.load32_splat(xp + xs), w, a1);
      a2 = madd(v128.load32_splat(xp + 2 * xs), w, a2);
      a3 = madd(v128.load32_splat(xp + 3 * xs), w, a3);
      xp += 4;
      wp += fs;
    }
  }
  const yp = yrow + ((<usize>ow * <usize>Co + <usize>co) << 2);
  storeLanes(yp, activate(a0, act), lanes);
  storeLanes(yp + fs, activate(a1, act), lanes);
  storeLanes(yp + 2 * fs, activate(a2, act), lanes);
  storeLanes(yp + 3 * fs, activate(a3, act), lanes);
}

/** 2 pixels x 16 channels, all taps of the pixels in range horizontally (8 accumulators; 3 pixels spill). */
@inline function tile2x16(f: usize, H: i32, W: i32, Ci: i32, Co: i32, KH: i32, KW: i32, oh: i32, ow: i32,
  padT: i32, padL: i32, co: i32, bias: usize, act: i32, nrow: usize, yrow: usize): void {
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  if (bias != 0) {
    const bp = bias + (<usize>co << 2);
    b0 = v128.load(bp); b1 = v128.load(bp, 16); b2 = v128.load(bp, 32); b3 = v128.load(bp, 48);
  }
  let a0 = b0, a1 = b1, a2 = b2, a3 = b3;
  let c0 = b0, c1 = b1, c2 = b2, c3 = b3;
  const xs = <usize>Ci << 2;
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>(ow - padL)) * xs);
    let wp = f + ((<usize>(kh * KW) * <usize>Ci) * fs) + (<usize>co << 2);
    for (let k = 0, K = KW * Ci; k < K; k++) {
      const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      const x0 = v128.load32_splat(xp);
      a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1); a2 = madd(x0, w2, a2); a3 = madd(x0, w3, a3);
      const x1 = v128.load32_splat(xp + xs);
      c0 = madd(x1, w0, c0); c1 = madd(x1, w1, c1); c2 = madd(x1, w2, c2); c3 = madd(x1, w3, c3);
      xp += 4;
      wp += fs;
    }
  }
  const yp = yrow + ((<usize>ow * <usize>Co + <usize>co) << 2);
  v128.store(yp, activate(a0, act)); v128.store(yp, activate(a1, act), 16);
  v128.store(yp, activate(a2, act), 32); v128.store(yp, activate(a3, act), 48);
  v128.store(yp + fs, activate(c0, act)); v128.store(yp + fs, activate(c1, act), 16);
  v128.store(yp + fs, activate(c2, act), 32); v128.store(yp + fs, activate(c3, act), 48);
}

/** One pixel x 4 channels (the first min(4, Co - co) stored), any pixel (taps out of range are skipped). */
@inline function tile1x4(f: usize, H: i32, W: i32, Ci: i32, Co: i32, KH: i32, KW: i32, oh: i32, ow: i32,
  padT: i32, padL: i32, co: i32, bias: usize, act: i32, nrow: usize, yrow: usize): void {
  let a = bias != 0 ? v128.load(bias + (<usize>co << 2)) : f32x4.splat(0);
  const fs = <usize>Co << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const iw = ow + kw - padL;
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
  storeLanes(yrow + ((<usize>ow * <usize>Co + <usize>co) << 2), activate(a, act), min(4, Co - co));
}

/** One pixel, Co == 1, Ci % 4 == 0. */
@inline function dot1(f: usize, H: i32, W: i32, Ci: i32, KH: i32, KW: i32, oh: i32, ow: i32,
  padT: i32, padL: i32, nrow: usize): f32 {
  let a = f32x4.splat(0);
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    for (let kw = 0; kw < KW; kw++) {
      const iw = ow + kw - padL;
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

/** Four horizontally adjacent pixels, Co == 1, Ci % 4 == 0, all taps in range horizontally. */
@inline function dot4(y: usize, f: usize, H: i32, W: i32, Ci: i32, KH: i32, KW: i32, oh: i32, ow: i32,
  padT: i32, padL: i32, nrow: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const xs = <usize>Ci << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = oh + kh - padT;
    if (ih < 0 || ih >= H) continue;
    let xp = nrow + (((<usize>ih * <usize>W) + <usize>(ow - padL)) * xs);
    let wp = f + (<usize>(kh * KW) * <usize>Ci << 2);
    for (let k = 0, K = KW * Ci; k < K; k += 4) {
      const w = v128.load(wp);
      a0 = madd(v128.load(xp), w, a0);
      a1 = madd(v128.load(xp + xs), w, a1);
      a2 = madd(v128.load(xp + 2 * xs), w, a2);
      a3 = madd(v128.load(xp + 3 * xs), w, a3);
      xp += 16;
      wp += 16;
    }
  }
  store<f32>(y, hsum(a0));
  store<f32>(y, hsum(a1), 4);
  store<f32>(y, hsum(a2), 8);
  store<f32>(y, hsum(a3), 12);
}

export function conv2d(x: usize, f: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32, act: i32): void {
  // Output columns whose taps are all in range horizontally: ow - padL >= 0 and ow - padL + KW - 1 < W.
  const lo = min(max(padL, 0), Wo);
  const hi = max(min(W - KW + 1 + padL, Wo), lo);
  const late = (act & 2) != 0;
  const relu = act & 1;
  const tb: usize = late ? 0 : bias;
  const ta = late ? 0 : relu;
  for (let n = 0; n < N; n++) {
    const nrow = x + ((<usize>n * <usize>H * <usize>W * <usize>Ci) << 2);
    for (let oh = 0; oh < Ho; oh++) {
      const yrow = y + (((<usize>n * <usize>Ho + <usize>oh) * <usize>Wo * <usize>Co) << 2);
      if (Co == 1 && Ci % 4 == 0) {
        for (let ow = 0; ow < lo; ow++) store<f32>(yrow + (<usize>ow << 2), post1(dot1(f, H, W, Ci, KH, KW, oh, ow, padT, padL, nrow), bias, relu));
        let ow = lo;
        for (; ow + 4 <= hi; ow += 4) {
          const yp = yrow + (<usize>ow << 2);
          dot4(yp, f, H, W, Ci, KH, KW, oh, ow, padT, padL, nrow);
          for (let i = 0; i < 4; i++) store<f32>(yp + (<usize>i << 2), post1(load<f32>(yp + (<usize>i << 2)), bias, relu));
        }
        for (; ow < Wo; ow++) store<f32>(yrow + (<usize>ow << 2), post1(dot1(f, H, W, Ci, KH, KW, oh, ow, padT, padL, nrow), bias, relu));
        continue;
      }
      for (let ow = 0; ow < lo; ow++) {
        for (let co = 0; co < Co; co += 4) tile1x4(f, H, W, Ci, Co, KH, KW, oh, ow, padT, padL, co, tb, ta, nrow, yrow);
      }
      let ow = lo;
      if (Co % 16 == 0) {
        for (; ow + 2 <= hi; ow += 2) {
          for (let co = 0; co < Co; co += 16) tile2x16(f, H, W, Ci, Co, KH, KW, oh, ow, padT, padL, co, tb, ta, nrow, yrow);
        }
      }
      for (; ow + 4 <= hi; ow += 4) {
        let co = 0;
        for (; co + 8 <= Co; co += 8) tile4x8(ow, H, W, Ci, Co, f, 4, KH, KW, oh, padT, padL, co, tb, ta, nrow, yrow);
        const rest = Co - co;
        if (rest > 4) tile4x8(ow, H, W, Ci, Co, f, rest - 4, KH, KW, oh, padT, padL, co, tb, ta, nrow, yrow);
        else if (rest > 0) tile4x4(ow, H, W, Ci, Co, f, rest, KH, KW, oh, padT, padL, co, tb, ta, nrow, yrow);
      }
      for (; ow < Wo; ow++) {
        for (let co = 0; co < Co; co += 4) tile1x4(f, H, W, Ci, Co, KH, KW, oh, ow, padT, padL, co, tb, ta, nrow, yrow);
      }
      if (late && (bias != 0 || relu != 0)) biasActRow(yrow, Wo, Co, bias, relu);
    }
  }
}

@inline function post1(v: f32, bias: usize, relu: i32): f32 {
  const b = bias != 0 ? v + load<f32>(bias) : v;
  return relu == 1 ? max(b, 0) : b;
}

/** y = act(y + bias) over one output row of Wo pixels x Co channels (still in the L1 cache). */
function biasActRow(yrow: usize, Wo: i32, Co: i32, bias: usize, relu: i32): void {
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
    p += <usize>Co << 2;
  }
}

// ---------------------------------------------------------------------------------------------------
// Weight gradient: dw[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh+kh-padT, ow+kw-padL, ci] dy[n,oh,ow,co].
// Register tiles of 2 input channels x 16 output channels, then x 4 (the last one a channel tail); Co == 1
// with Ci % 4 == 0: tiles of 16 (4) input channels. The sum runs over chunks of output rows small enough for the L2 cache,
// the tile is loaded from and stored to dw once per chunk.

const CHUNK_ROWS: i32 = 16;

export function conv2dFilterGrad(x: usize, dy: usize, dw: usize, N: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, KH: i32, KW: i32, padT: i32, padL: i32): void {
  memory.fill(dw, 0, (<usize>KH * <usize>KW * <usize>Ci * <usize>Co) << 2);
  const rows = N * Ho;
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const r1 = min(r0 + CHUNK_ROWS, rows);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        // Output columns whose tap (kh, kw) lies inside the input row.
        const lo = min(max(padL - kw, 0), Wo);
        const hi = max(min(W + padL - kw, Wo), lo);
        if (hi <= lo) continue;
        const wtap = dw + ((<usize>(kh * KW + kw) * <usize>Ci * <usize>Co) << 2);
        if (Co == 1 && Ci % 4 == 0) {
          gradDot(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, kh, kw, padT, padL, lo, hi);
        } else {
          let ci = 0;
          for (; ci + 2 <= Ci; ci += 2) gradTile2(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, Co, kh, kw, padT, padL, lo, hi, ci);
          if (ci < Ci) gradTile1(x, dy, wtap, r0, r1, H, W, Ci, Ho, Wo, Co, kh, kw, padT, padL, lo, hi, ci);
        }
      }
    }
  }
}

/** Two input channels (ci, ci+1) x all output channels, in tiles of 16, then 4. */
@inline function gradTile2(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32, ci: i32): void {
  const xs = <usize>Ci << 2;
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
      const oh = r % Ho;
      const ih = oh + kh - padT;
      if (ih < 0 || ih >= H) continue;
      const n = r / Ho;
      let xp = x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo + kw - padL)) * <usize>Ci + <usize>ci) << 2);
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const x0 = v128.load32_splat(xp);
        const x1 = v128.load32_splat(xp, 4);
        const d0 = v128.load(dp), d1 = v128.load(dp, 16), d2 = v128.load(dp, 32), d3 = v128.load(dp, 48);
        a0 = madd(x0, d0, a0); a1 = madd(x0, d1, a1); a2 = madd(x0, d2, a2); a3 = madd(x0, d3, a3);
        b0 = madd(x1, d0, b0); b1 = madd(x1, d1, b1); b2 = madd(x1, d2, b2); b3 = madd(x1, d3, b3);
        xp += xs;
        dp += ds;
      }
    }
    v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32); v128.store(o0, a3, 48);
    v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32); v128.store(o1, b3, 48);
  }
  for (; co < Co; co += 4) {
    const o0 = out0 + (<usize>co << 2);
    const o1 = out1 + (<usize>co << 2);
    let a0 = v128.load(o0);
    let b0 = v128.load(o1);
    for (let r = r0; r < r1; r++) {
      const oh = r % Ho;
      const ih = oh + kh - padT;
      if (ih < 0 || ih >= H) continue;
      const n = r / Ho;
      let xp = x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo + kw - padL)) * <usize>Ci + <usize>ci) << 2);
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const d0 = v128.load(dp);
        a0 = madd(v128.load32_splat(xp), d0, a0);
        b0 = madd(v128.load32_splat(xp, 4), d0, b0);
        xp += xs;
        dp += ds;
      }
    }
    const lanes = min(4, Co - co);
    storeLanes(o0, a0, lanes);
    storeLanes(o1, b0, lanes);
  }
}

/** One input channel x all output channels, in tiles of 4. */
@inline function gradTile1(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, Co: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32, ci: i32): void {
  const xs = <usize>Ci << 2;
  const ds = <usize>Co << 2;
  const out0 = wtap + ((<usize>ci * <usize>Co) << 2);
  for (let co = 0; co < Co; co += 4) {
    const o0 = out0 + (<usize>co << 2);
    let a0 = v128.load(o0);
    for (let r = r0; r < r1; r++) {
      const oh = r % Ho;
      const ih = oh + kh - padT;
      if (ih < 0 || ih >= H) continue;
      const n = r / Ho;
      let xp = x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo + kw - padL)) * <usize>Ci + <usize>ci) << 2);
      let dp = dy + ((((<usize>r) * <usize>Wo + <usize>lo) * <usize>Co + <usize>co) << 2);
      for (let ow = lo; ow < hi; ow++) {
        a0 = madd(v128.load32_splat(xp), v128.load(dp), a0);
        xp += xs;
        dp += ds;
      }
    }
    storeLanes(o0, a0, min(4, Co - co));
  }
}

/** Co == 1: input channels in tiles of 16 or 4 (Ci % 4 == 0), dy broadcast. */
@inline function gradDot(x: usize, dy: usize, wtap: usize, r0: i32, r1: i32, H: i32, W: i32, Ci: i32,
  Ho: i32, Wo: i32, kh: i32, kw: i32, padT: i32, padL: i32, lo: i32, hi: i32): void {
  const xs = <usize>Ci << 2;
  let ci = 0;
  for (; ci < Ci; ci += 16) {
    if (ci + 16 > Ci) break;
    const o = wtap + (<usize>ci << 2);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    for (let r = r0; r < r1; r++) {
      const oh = r % Ho;
      const ih = oh + kh - padT;
      if (ih < 0 || ih >= H) continue;
      const n = r / Ho;
      let xp = x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo + kw - padL)) * <usize>Ci + <usize>ci) << 2);
      let dp = dy + (((<usize>r) * <usize>Wo + <usize>lo) << 2);
      for (let ow = lo; ow < hi; ow++) {
        const d = v128.load32_splat(dp);
        a0 = madd(v128.load(xp), d, a0);
        a1 = madd(v128.load(xp, 16), d, a1);
        a2 = madd(v128.load(xp, 32), d, a2);
        a3 = madd(v128.load(xp, 48), d, a3);
        xp += xs;
        dp += 4;
      }
    }
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
  for (; ci < Ci; ci += 4) {
    const o = wtap + (<usize>ci << 2);
    let a0 = v128.load(o);
    for (let r = r0; r < r1; r++) {
      const oh = r % Ho;
      const ih = oh + kh - padT;
      if (ih < 0 || ih >= H) continue;
      const n = r / Ho;
      let xp = x + ((((<usize>n * <usize>H + <usize>ih) * <usize>W + <usize>(lo + kw - padL)) * <usize>Ci + <usize>ci) << 2);
      let dp = dy + (((<usize>r) * <usize>Wo + <usize>lo) << 2);
      for (let ow = lo; ow < hi; ow++) {
        a0 = madd(v128.load(xp), v128.load32_splat(dp), a0);
        xp += xs;
        dp += 4;
      }
    }
    v128.store(o, a0);
  }
}
