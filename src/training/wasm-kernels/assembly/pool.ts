// Pooling and nearest-neighbour resize kernels, NHWC, on tfjs-backend-wasm's heap (see conv.ts).

/**
 * Gradient of a 2×2 stride-2 max-pool whose windows lie inside the input, C % 4 == 0. Each dy goes to the
 * first maximum of its window in row-major order (TensorFlow's tie rule); cells outside every window get 0.
 */
export function maxPool2x2Grad(x: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32): void {
  memory.fill(dx, 0, (<usize>N * <usize>H * <usize>W * <usize>C) << 2);
  const ps = <usize>C << 2;
  const rs = <usize>W * ps;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const base = (((<usize>n * <usize>H + <usize>(2 * i)) * <usize>W + <usize>(2 * j)) * <usize>C) << 2;
        const g0 = dy + ((((<usize>n * <usize>Ho + <usize>i) * <usize>Wo + <usize>j) * <usize>C) << 2);
        for (let c: usize = 0; c < ps; c += 16) {
          const p = base + c;
          const a = v128.load(x + p);
          const b = v128.load(x + p + ps);
          const e = v128.load(x + p + rs);
          const d = v128.load(x + p + rs + ps);
          const m = f32x4.max(f32x4.max(a, b), f32x4.max(e, d));
          const g = v128.load(g0 + c);
          const ma = f32x4.eq(a, m);
          const mb = v128.andnot(f32x4.eq(b, m), ma);
          let taken = v128.or(ma, mb);
          const me = v128.andnot(f32x4.eq(e, m), taken);
          taken = v128.or(taken, me);
          v128.store(dx + p, v128.and(g, ma));
          v128.store(dx + p + ps, v128.and(g, mb));
          v128.store(dx + p + rs, v128.and(g, me));
          v128.store(dx + p + rs + ps, v128.andnot(g, taken));
        }
      }
    }
  }
}

/** y[n, i, j, c] = x[n, i / rh, j / rw, c]: nearest-neighbour upsampling by whole factors. */
export function resizeNearestUp(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, rh: i32, rw: i32): void {
  const ps = <usize>C << 2;
  const outRow = <usize>W * <usize>rw * ps;
  let dst = y;
  let src = x;
  for (let r = 0; r < N * H; r++) {
    const rowStart = dst;
    for (let j = 0; j < W; j++) {
      for (let k = 0; k < rw; k++) {
        memory.copy(dst, src, ps);
        dst += ps;
      }
      src += ps;
    }
    for (let k = 1; k < rh; k++) {
      memory.copy(dst, rowStart, outRow);
      dst += outRow;
    }
  }
}

/** dx[n, i, j, c] = Σ of the rh×rw block of dy above it: the gradient of resizeNearestUp. */
export function resizeNearestUpGrad(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, rh: i32, rw: i32): void {
  const ps = <usize>C << 2;
  const outRow = <usize>W * <usize>rw * ps;
  const vecBytes = ps & ~(<usize>15);
  for (let r = 0; r < N * H; r++) {
    const blockRow = dy + <usize>r * <usize>rh * outRow;
    for (let j = 0; j < W; j++) {
      const out = dx + ((<usize>r * <usize>W + <usize>j) * ps);
      const top = blockRow + <usize>j * <usize>rw * ps;
      let c: usize = 0;
      if (rh == 2 && rw == 2) {
        // UpSampling2D's usual factor: four loads, three adds per vector.
        for (; c < vecBytes; c += 16) {
          const p = top + c;
          const s = f32x4.add(f32x4.add(v128.load(p), v128.load(p + ps)), f32x4.add(v128.load(p + outRow), v128.load(p + outRow + ps)));
          v128.store(out + c, s);
        }
      }
      for (; c < vecBytes; c += 16) {
        let s = f32x4.splat(0);
        for (let a = 0; a < rh; a++) {
          let p = top + <usize>a * outRow + c;
          for (let b = 0; b < rw; b++) {
            s = f32x4.add(s, v128.load(p));
            p += ps;
          }
        }
        v128.store(out + c, s);
      }
      for (; c < ps; c += 4) {
        let s: f32 = 0;
        for (let a = 0; a < rh; a++) {
          let p = top + <usize>a * outRow + c;
          for (let b = 0; b < rw; b++) {
            s += load<f32>(p);
            p += ps;
          }
        }
        store<f32>(out + c, s);
      }
    }
  }
}

/**
 * Gradient of an average pool whose windows (kh × kw, stride = window) tile the input from the top-left
 * corner: each cell of a window gets its window's dy × scale (1 / window size); cells outside every window 0.
 */
export function avgPoolGradBlocks(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, Ho: i32, Wo: i32,
  kh: i32, kw: i32, scale: f32): void {
  memory.fill(dx, 0, (<usize>N * <usize>H * <usize>W * <usize>C) << 2);
  const ps = <usize>C << 2;
  const vecBytes = ps & ~(<usize>15);
  const s = f32x4.splat(scale);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const g = dy + ((((<usize>n * <usize>Ho + <usize>i) * <usize>Wo + <usize>j) * <usize>C) << 2);
        for (let a = 0; a < kh; a++) {
          let p = dx + ((((<usize>n * <usize>H + <usize>(i * kh + a)) * <usize>W + <usize>(j * kw)) * <usize>C) << 2);
          for (let b = 0; b < kw; b++) {
            let c: usize = 0;
            for (; c < vecBytes; c += 16) v128.store(p + c, f32x4.mul(v128.load(g + c), s));
            for (; c < ps; c += 4) store<f32>(p + c, load<f32>(g + c) * scale);
            p += ps;
          }
        }
      }
    }
  }
}
