// Training-time fusion of a ReLU convolution layer: 'PipeConv2DBiasRelu' computes relu(conv(x, w) + b) in one
// kernel (the bias and ReLU applied to each output row while it is in the cache), and its gradient applies
// the ReLU mask once ('PipeReluGrad') before the two backward convolutions. tfjs-core computes a
// `conv2d({activation: 'relu'})` layer unfused whenever gradients are recorded (Conv2D, Add, Relu forward;
// Step, Cast, Multiply, Sum backward); the kernels here do the same float32 operations in the same order,
// so results are bit-identical to that path. Only convolutions the SIMD kernel covers take it (wasm with
// pipe's SIMD kernels, NHWC, stride 1, dilation 1, float32); inference, other layers and other backends run
// tfjs's own code unchanged.
import { convBias, registerConvBiasGradient } from './conv-bias.js';
import { forward, unitStride } from './direct-conv.js';
import { RELU_GRAD } from './relu-grad.js';
import { readableWithSlack, simdKernelsEnabled, simdKernelsFor } from './simd-module.js';
import { convInfo, sizeOf, wasmKernel, withScope, type KernelArgs, type KernelConfig, type TF, type TensorInfo } from './wasm-context.js';

export const CONV_BIAS_RELU = 'PipeConv2DBiasRelu';

/** conv2d's act flags (assembly/conv.ts): ReLU, with the bias added after the sum. */
const RELU_BIAS_LAST = 1 | 2;

export function convBiasReluKernelConfig(tf: TF): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x, filter, bias } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const { backend, attrs } = args;
    const mod = simdKernelsFor(backend);
    const info = convInfo(tf, x.shape, filter.shape, attrs);
    if (mod && unitStride(info) && readableWithSlack(backend, bias ? [x, filter, bias] : [x, filter])) {
      return forward(mod, backend, info, x, filter, bias, RELU_BIAS_LAST);
    }
    // The unfused kernels, as tfjs-core runs them.
    return withScope(tf, backend, (s) => {
      const conv = s.run('Conv2D', { x, filter }, { ...attrs, dilations: 1 });
      return s.run('Relu', { x: bias ? s.run('Add', { a: conv, b: bias }) : conv });
    });
  };
  return wasmKernel(CONV_BIAS_RELU, kernelFunc);
}

type Tensor = ReturnType<TF['tensor']>;

interface ConvAttrs {
  strides: [number, number];
  pad: 'same' | 'valid';
}

/** relu(conv2d(x, w) + b), recorded with the gradient registered below. */
function convBiasRelu(tf: TF, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttrs): Tensor {
  const inputs: Record<string, Tensor> = b === undefined ? { x, filter: w } : { x, filter: w, bias: b };
  return tf.engine().runKernel(CONV_BIAS_RELU, inputs, { ...attrs, dataFormat: 'NHWC', dilations: [1, 1] } as never) as Tensor;
}

/**
 * The ReLU mask runs once per step and layer, in the gradient function itself (not per input): the engine
 * keeps it with the other gradients until the backward pass ends. Each input's part runs only where the
 * engine asks for it (not for the first layer's input), as for tfjs's own Conv2D gradient.
 */
function registerConvBiasReluGradient(tf: TF): void {
  tf.registerGradient({
    kernelName: CONV_BIAS_RELU,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: Record<string, unknown>) => {
      const [x, w, y] = saved;
      const engine = tf.engine();
      const conv = { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC' };
      const g = engine.runKernel(RELU_GRAD, { dy: dy as Tensor, x: y }) as Tensor;
      return {
        x: () => engine.runKernel('Conv2DBackpropInput', { dy: g, filter: w }, { ...conv, inputShape: x.shape } as never) as Tensor,
        filter: () => engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...conv, filterShape: w.shape } as never) as Tensor,
        bias: () => tf.sum(g, [0, 1, 2]),
      };
    },
  } as never);
}

/** The parts of tfjs-layers' Conv layer (the base of Conv2D) that the patched `call` reads. */
interface ConvLayer {
  rank: number;
  dataFormat: string;
  strides: number[];
  dilationRate: number | number[];
  padding: string;
  activation: { getClassName(): string };
  kernel: { read(): Tensor };
  bias?: { read(): Tensor } | null;
}

type Call = (this: ConvLayer, inputs: Tensor | Tensor[], kwargs: unknown) => Tensor | Tensor[];

/** Which training-time path the layer takes on this input: the fused ReLU kernel, the linear one, or none (its own call). */
function fusedPath(tf: TF, layer: ConvLayer, x: Tensor): 'relu' | 'linear' | undefined {
  const dilations = Array.isArray(layer.dilationRate) ? layer.dilationRate : [layer.dilationRate];
  const usable =
    layer.rank === 2 &&
    layer.dataFormat === 'channelsLast' &&
    dilations.every((d) => d === 1) &&
    (layer.padding === 'same' || layer.padding === 'valid') &&
    x.rank === 4 &&
    x.dtype === 'float32' &&
    sizeOf(x.shape) > 0 &&
    tf.getBackend() === 'wasm' &&
    simdKernelsEnabled() &&
    (tf.engine().state as { gradientDepth: number }).gradientDepth > 0;
  if (!usable) return undefined;
  const activation = layer.activation.getClassName().toLowerCase();
  if (activation === 'linear') return 'linear';
  return activation === 'relu' && layer.strides.every((s) => s === 1) ? 'relu' : undefined;
}

let patched = false;

/**
 * Makes tfjs-layers' convolution layers with a ReLU activation use the fused kernel while gradients are
 * recorded (training), and linear ones PipeConv2DBias (conv-bias.ts); everything else runs the layer's own `call`. Saved models are unaffected (no layer
 * class or config changes).
 */
export function registerFusedConvLayers(tf: TF): void {
  if (patched) return;
  registerConvBiasReluGradient(tf);
  registerConvBiasGradient(tf);
  // The class from the serialization registry: creating a layer to reach it would take a name from
  // tfjs-layers' global counter and shift every later layer's default name (saved in model.json).
  const conv2d = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D?.[0] as { prototype: object } | undefined;
  let proto = (conv2d?.prototype ?? null) as Record<string, unknown> | null;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'call')) proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
  if (!proto) return;
  const original = proto.call as Call;
  proto.call = function (this: ConvLayer, inputs: Tensor | Tensor[], kwargs: unknown) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (Array.isArray(inputs) && inputs.length !== 1) return original.call(this, inputs, kwargs);
    const path = fusedPath(tf, this, x);
    if (path === undefined) return original.call(this, inputs, kwargs);
    const attrs = { strides: this.strides as [number, number], pad: this.padding as 'same' | 'valid' };
    const op = path === 'relu' ? convBiasRelu : convBias;
    return tf.tidy(() => op(tf, x, this.kernel.read(), this.bias?.read(), attrs));
  } as Call;
  patched = true;
}
