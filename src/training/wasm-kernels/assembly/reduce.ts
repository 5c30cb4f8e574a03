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
