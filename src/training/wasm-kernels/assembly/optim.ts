// Optimizer updates on tfjs-backend-wasm's heap (see conv.ts).

/**
 * One Adam(W) step for a variable of n floats, the same float32 operations in the same order as the
 * element-wise form in src/training/optimizers.ts (so the result is the same bit for bit), in one pass:
 *   g' = l2 > 0 ? g + w*l2 : g;  m' = m*b1 + g'*c1;  v' = v*b2 + (g'*g')*c2
 *   w' = (decay == 1 ? w : w*decay) - (m' / (sqrt(v' / bc2) + eps)) * stepSize
 */
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, wOut: usize, mOut: usize, vOut: usize, n: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, bc2: f32, eps: f32, stepSize: f32, decay: f32, l2: f32): void {
  const B1 = f32x4.splat(b1), C1 = f32x4.splat(c1), B2 = f32x4.splat(b2), C2 = f32x4.splat(c2);
  const BC2 = f32x4.splat(bc2), EPS = f32x4.splat(eps), STEP = f32x4.splat(stepSize), DECAY = f32x4.splat(decay);
  const L2 = f32x4.splat(l2);
  const bytes = <usize>n << 2;
  const vecBytes = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vecBytes; i += 16) {
    const wv = v128.load(w + i);
    let gv = v128.load(g + i);
    if (l2 > 0) gv = f32x4.add(gv, f32x4.mul(wv, L2));
    const m1 = f32x4.add(f32x4.mul(v128.load(m + i), B1), f32x4.mul(gv, C1));
    const v1 = f32x4.add(f32x4.mul(v128.load(v + i), B2), f32x4.mul(f32x4.mul(gv, gv), C2));
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(v1, BC2)), EPS);
    const base = decay == 1 ? wv : f32x4.mul(wv, DECAY);
    v128.store(mOut + i, m1);
    v128.store(vOut + i, v1);
    v128.store(wOut + i, f32x4.sub(base, f32x4.mul(f32x4.div(m1, denom), STEP)));
  }
  for (; i < bytes; i += 4) {
    const wv = load<f32>(w + i);
    let gv = load<f32>(g + i);
    if (l2 > 0) gv = gv + wv * l2;
    const m1 = load<f32>(m + i) * b1 + gv * c1;
    const v1 = load<f32>(v + i) * b2 + (gv * gv) * c2;
    const denom = sqrt<f32>(v1 / bc2) + eps;
    const base = decay == 1 ? wv : wv * decay;
    store<f32>(mOut + i, m1);
    store<f32>(vOut + i, v1);
    store<f32>(wOut + i, base - (m1 / denom) * stepSize);
  }
}
