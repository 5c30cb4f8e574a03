// Reductions on tfjs-backend-wasm's heap (see conv.ts).

/** out[j] = Σ_i x[i, j] for x [rows, cols]: a sum over leading axes, such as a bias gradient. */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const vecBytes = rowBytes & ~(<usize>15);
  memory.fill(out, 0, rowBytes);
  let p = x;
  for (let i = 0; i < rows; i++) {
    let c: usize = 0;
    for (; c < vecBytes; c += 16) v128.store(out + c, f32x4.add(v128.load(out + c), v128.load(p + c)));
    for (; c < rowBytes; c += 4) store<f32>(out + c, load<f32>(out + c) + load<f32>(p + c));
    p += rowBytes;
  }
}

/**
 * Batch-norm gradient pass over x, dy [rows, C]: dx = dy * coef[c] (coef = scale / sqrt(var + eps)),
 * s1[c] = Σ dy, s2[c] = Σ dy * (x - mean[c]).
 */
export function batchNormGrad(x: usize, dy: usize, mean: usize, coef: usize, dx: usize, s1: usize, s2: usize, rows: i32, C: i32): void {
  const rowBytes = <usize>C << 2;
  const vecBytes = rowBytes & ~(<usize>15);
  memory.fill(s1, 0, rowBytes);
  memory.fill(s2, 0, rowBytes);
  let off: usize = 0;
  for (let r = 0; r < rows; r++) {
    let c: usize = 0;
    for (; c < vecBytes; c += 16) {
      const g = v128.load(dy + off + c);
      v128.store(dx + off + c, f32x4.mul(g, v128.load(coef + c)));
      v128.store(s1 + c, f32x4.add(v128.load(s1 + c), g));
      v128.store(s2 + c, f32x4.add(v128.load(s2 + c), f32x4.mul(g, f32x4.sub(v128.load(x + off + c), v128.load(mean + c)))));
    }
    for (; c < rowBytes; c += 4) {
      const g = load<f32>(dy + off + c);
      store<f32>(dx + off + c, g * load<f32>(coef + c));
      store<f32>(s1 + c, load<f32>(s1 + c) + g);
      store<f32>(s2 + c, load<f32>(s2 + c) + g * (load<f32>(x + off + c) - load<f32>(mean + c)));
    }
    off += rowBytes;
  }
}
