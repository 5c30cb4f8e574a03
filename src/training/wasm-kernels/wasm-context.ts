// Helpers for kernels composed from other wasm kernels. Kernels run inside the engine, so they work on
// raw TensorInfos (no tf ops, no tape) and must free every intermediate they allocate.
// Type-only imports: at run time tfjs is reached only through src/training/tf.ts, which passes it in.
import type * as tfjs from '@tensorflow/tfjs';

export type TF = typeof tfjs;
export type TensorInfo = tfjs.TensorInfo;
export type KernelConfig = tfjs.KernelConfig;
export type NamedAttrMap = tfjs.NamedAttrMap;

/** The parts of tfjs-backend-wasm's BackendWasm that these kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs: NamedAttrMap;
}

/** Runs registered wasm kernels by name and frees their outputs unless kept. */
export class WasmScope {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly tf: TF,
    readonly backend: WasmBackend,
  ) {}

  run(kernel: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const config = this.tf.getKernel(kernel, 'wasm');
    if (config === undefined) throw new Error(`wasm kernel '${kernel}' is not registered`);
    const out = config.kernelFunc({
      inputs,
      attrs: attrs as NamedAttrMap,
      backend: this.backend as unknown as tfjs.KernelBackend,
    }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** A float32 tensor on the wasm heap, freed with the scope unless kept. */
  alloc(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temps.push(out);
    return out;
  }

  /** Keeps `t` alive past `dispose()`; returns it for `return scope.keep(x)`. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Runs `body` with a scope that is always disposed; the returned tensor is kept. */
export function withScope(tf: TF, backend: WasmBackend, body: (s: WasmScope) => TensorInfo): TensorInfo {
  const scope = new WasmScope(tf, backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}

/** Explicit [top, bottom, left, right] padding from tfjs's conv info. */
export interface Pad4 {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function explicitPad(p: Pad4): [[0, 0], [number, number], [number, number], [0, 0]] {
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/** Elements of a tensor of this shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A kernel for the wasm backend. `fallback` is the kernel it replaces (and runs where it does not apply):
 * its setupFunc, which binds its wasm function, must still run when the backend starts.
 */
export function wasmKernel(kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo | TensorInfo[], fallback?: KernelConfig): KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'], setupFunc: fallback?.setupFunc };
}

/** Runs the kernel a replacement stands in for, on inputs the replacement does not cover. */
export function runFallback(fallback: KernelConfig | undefined, args: KernelArgs): TensorInfo {
  if (fallback === undefined) throw new Error('wasm: no kernel registered for these inputs, and the replacement does not cover them');
  return fallback.kernelFunc(args as never) as TensorInfo;
}

export type Conv2DInfo = ReturnType<TF['backend_util']['computeConv2DInfo']>;

/** tfjs's geometry of a 2-D convolution from a conv kernel's attributes (NHWC or NCHW, any padding). */
export function convInfo(tf: TF, xShape: number[], filterShape: number[], attrs: NamedAttrMap, dilations?: number): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    dilations ?? (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | undefined) ?? 'NHWC'),
  );
}
