/**
 * Bicubic (or bilinear) resampling of a [batch, H, W, C] map to a fixed [height, width] grid, as a layer
 * without weights. tfjs has no bicubic resize, and its bilinear one samples without half-pixel centres
 * (TensorFlow 1's rule; the wasm backend's gradient ignores halfPixelCenters), so the resampling is two
 * fixed matrices (rows, then columns) applied with matMul — differentiable, any ratio, up or down.
 * `kernel: 'linear'` up-sampling equals PyTorch's bilinear interpolate with align_corners=False.
 *
 * The kernel is Keys' cubic convolution (a = −0.5). When shrinking, the kernel is stretched by the ratio so
 * every fine cell contributes (anti-aliasing, as PIL and scikit-image do): a 10× finer terrain is averaged,
 * not sampled at every 10th cell. Weights near the border are renormalised (edge cells are not darkened).
 */
import { tf } from '../training/tf.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Shape = (number | null)[];

export type ResampleKernel = 'cubic' | 'linear';

export interface CubicResampleArgs extends LayerArgs {
  height: number;
  width: number;
  /** default cubic */
  kernel?: ResampleKernel;
}

const linear = (x: number) => Math.max(0, 1 - Math.abs(x));

function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
  if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
  return 0;
}

/** [from, to] matrix M with out = inᵀ·M along one axis (cell centres aligned, half-pixel convention). */
export function cubicMatrix(from: number, to: number, kernel: ResampleKernel = 'cubic'): Float32Array {
  const k = kernel === 'cubic' ? cubic : linear;
  const reach = kernel === 'cubic' ? 2 : 1;
  const m = new Float32Array(from * to);
  const scale = from / to;
  const stretch = Math.max(1, scale);
  const support = reach * stretch;
  for (let j = 0; j < to; j++) {
    const centre = (j + 0.5) * scale - 0.5;
    let total = 0;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(from - 1, Math.ceil(centre + support));
    for (let i = lo; i <= hi; i++) total += k((i - centre) / stretch);
    for (let i = lo; i <= hi; i++) m[i * to + j] = k((i - centre) / stretch) / total;
  }
  return m;
}

export class CubicResample extends tf.layers.Layer {
  static className = 'PipeCubicResample';
  readonly height: number;
  readonly width: number;
  readonly kernel: ResampleKernel;

  constructor(args: CubicResampleArgs) {
    super({ ...args, trainable: false });
    this.height = args.height;
    this.width = args.width;
    this.kernel = args.kernel ?? 'cubic';
    if (this.kernel !== 'cubic' && this.kernel !== 'linear') throw new Error(`CubicResample: kernel must be cubic or linear, got ${String(this.kernel)}`);
    if (!(Number.isInteger(this.height) && Number.isInteger(this.width) && this.height > 0 && this.width > 0)) {
      throw new Error(`CubicResample: height and width must be positive integers, got ${this.height}×${this.width}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], this.height, this.width, s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, hIn, wIn, c] = x.shape;
      const { height: h, width: w } = this;
      const rows = tf.tensor2d(cubicMatrix(hIn, h, this.kernel), [hIn, h]);
      const cols = tf.tensor2d(cubicMatrix(wIn, w, this.kernel), [wIn, w]);
      // [n,H,W,c] → [n,c,H,W]: resample W, then H, as plain 2-D matMuls (no batched broadcasting needed).
      const t = tf.transpose(x, [0, 3, 1, 2]);
      const alongW = tf.reshape(tf.matMul(tf.reshape(t, [n * c * hIn, wIn]), cols), [n * c, hIn, w]);
      const swapped = tf.reshape(tf.transpose(alongW, [0, 2, 1]), [n * c * w, hIn]);
      const alongH = tf.reshape(tf.matMul(swapped, rows), [n, c, w, h]);
      return tf.transpose(alongH, [0, 3, 2, 1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    // kernel only when linear: saved cubic layers keep their exact config bytes
    return { ...super.getConfig(), height: this.height, width: this.width, ...(this.kernel === 'linear' ? { kernel: this.kernel } : {}) };
  }
}

tf.serialization.registerClass(CubicResample);

export function cubicResample(args: CubicResampleArgs): CubicResample {
  return new CubicResample(args);
}
