/**
 * Multi-head self-attention over the cells of a feature map, as a Keras-style layer. It is a custom class
 * (not composed from built-in layers) because tfjs-layers has no attention layer; it is registered with
 * tf.serialization so a saved model reloads once this module has been imported (pipe-ml/models does).
 *
 * Keys and values may be computed on an average-pooled map (`kvPool`): with every cell a query, full
 * attention on a 32×32 grid is a 1024×1024 matrix per head and sample; pooling by 4 makes it 1024×64 while
 * each cell still attends to the whole domain.
 */
import { tf } from '../training/tf.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;
type Shape = (number | null)[];

export interface SelfAttentionArgs extends LayerArgs {
  /** attention heads */
  heads: number;
  /** query/key/value width per head */
  keyDim: number;
  /** average-pool factor for keys and values (1 = full attention); must divide the grid */
  kvPool?: number;
}

export class SpatialSelfAttention extends tf.layers.Layer {
  static className = 'PipeSpatialSelfAttention';
  readonly heads: number;
  readonly keyDim: number;
  readonly kvPool: number;
  private wq?: LayerVariable;
  private wk?: LayerVariable;
  private wv?: LayerVariable;
  private wo?: LayerVariable;
  private bo?: LayerVariable;

  constructor(args: SelfAttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.keyDim = args.keyDim;
    this.kvPool = args.kvPool ?? 1;
    for (const [k, v] of Object.entries({ heads: this.heads, keyDim: this.keyDim, kvPool: this.kvPool })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`SpatialSelfAttention: ${k} must be a positive integer, got ${v}`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (shape.length !== 4 || c === null) throw new Error(`SpatialSelfAttention expects [batch, h, w, channels], got ${JSON.stringify(shape)}`);
    const inner = this.heads * this.keyDim;
    const glorot = () => tf.initializers.glorotUniform({});
    this.wq = this.addWeight('wq', [c, inner], 'float32', glorot());
    this.wk = this.addWeight('wk', [c, inner], 'float32', glorot());
    this.wv = this.addWeight('wv', [c, inner], 'float32', glorot());
    // Zero output projection: the block starts as the identity (residual) and learns how much to attend.
    this.wo = this.addWeight('wo', [inner, c], 'float32', tf.initializers.zeros());
    this.bo = this.addWeight('bo', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      const { heads, keyDim: d, kvPool } = this;
      const inner = heads * d;
      const kv = kvPool > 1 ? tf.avgPool(x, kvPool, kvPool, 'valid') : x;
      const lk = kv.shape[1] * kv.shape[2];
      const project = (t: tf.Tensor, rows: number, weight: LayerVariable) =>
        tf.transpose(tf.reshape(tf.matMul(tf.reshape(t, [n * rows, c]), weight.read()), [n, rows, heads, d]), [0, 2, 1, 3]);
      const q = project(x, h * w, this.wq!);
      const k = project(kv, lk, this.wk!);
      const v = project(kv, lk, this.wv!);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d));
      const attended = tf.matMul(tf.softmax(scores), v); // [n, heads, h*w, d]
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [n * h * w, inner]);
      const out = tf.add(tf.matMul(merged, this.wo!.read()), this.bo!.read());
      return tf.add(x, tf.reshape(out, [n, h, w, c]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, keyDim: this.keyDim, kvPool: this.kvPool };
  }
}

tf.serialization.registerClass(SpatialSelfAttention);

/** Functional-API factory: `selfAttention({ heads: 2, keyDim: 8 }).apply(x)`. */
export function selfAttention(args: SelfAttentionArgs): SpatialSelfAttention {
  return new SpatialSelfAttention(args);
}
