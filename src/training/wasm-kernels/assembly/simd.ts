// Small SIMD helpers shared by the convolution kernels (conv.ts, conv-filter-grad.ts).

/** a * b + c, multiply then add (two roundings: see conv.ts for why not fused multiply-add). */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline export function activate(v: v128, act: i32): v128 {
  return act == 1 ? f32x4.max(v, f32x4.splat(0)) : v;
}

/** Stores the first `lanes` (1..4) lanes of v: channel tails, where a whole vector would overwrite the next pixel. */
@inline export function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** ceil(a / b) for b > 0 and any a (i32 division truncates toward zero). */
@inline export function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/** floor(a / b) for b > 0 and any a. */
@inline export function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
