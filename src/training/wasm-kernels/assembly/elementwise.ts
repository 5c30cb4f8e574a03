// Element-wise passes on tfjs-backend-wasm's heap (see conv.ts) that stand in for chains of tfjs kernels.

/**
 * ReLU gradient in one pass: dx = dy · step(x), where step(x) is 1 for x > 0, 0 for x ≤ 0 and NaN for NaN,
 * as tfjs's Relu gradient computes it with Step, Cast and Multiply (three passes and two temporaries).
 * The same float32 multiplication, so the same bits (including −0 for dy < 0 where x ≤ 0).
 * `x` may be the ReLU's input or its output: both are > 0 at the same places.
 */
export function reluGrad(dy: usize, x: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  const nan = f32x4.splat(NaN);
  const bytes = <usize>n << 2;
  const vec = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vec; i += 16) {
    const v = v128.load(x + i);
    const step = v128.bitselect(nan, v128.and(one, f32x4.gt(v, f32x4.splat(0))), f32x4.ne(v, v));
    v128.store(dx + i, f32x4.mul(v128.load(dy + i), step));
  }
  for (; i < bytes; i += 4) {
    const v = load<f32>(x + i);
    const step: f32 = v != v ? NaN : v > 0 ? 1 : 0;
    store<f32>(dx + i, load<f32>(dy + i) * step);
  }
}
