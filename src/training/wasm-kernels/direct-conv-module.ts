// Loads the project's own convolution kernels (assembly/conv.ts, compiled by `npm run build:wasm` into
// dist/wasm/conv.wasm) as a second WebAssembly instance that imports tfjs-backend-wasm's memory, so they
// work on tensors in place. PIPE_CONV_KERNELS=xnnpack turns them off (tfjs's own kernels run instead).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';

// Node's WebAssembly global; its types live in lib.dom, which this project does not load.
/** tfjs-backend-wasm's heap (a WebAssembly.Memory). */
export type WasmMemory = object;
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};

export interface DirectConvModule {
  conv2d(x: number, f: number, bias: number, y: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, act: number): void;
  conv2dFilterGrad(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number): void;
}

export type ConvKernelChoice = 'own' | 'xnnpack';

export function convKernelChoice(): ConvKernelChoice {
  const v = process.env.PIPE_CONV_KERNELS ?? 'own';
  if (v !== 'own' && v !== 'xnnpack') throw new Error(`PIPE_CONV_KERNELS must be 'own' or 'xnnpack' (got '${v}')`);
  return v;
}

let compiled: WasmModule | undefined;
const instances = new WeakMap<WasmMemory, DirectConvModule | null>();

function compile(): WasmModule {
  const file = join(packageRoot(), 'dist', 'wasm', 'conv.wasm');
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' (it also compiles the wasm kernels)`);
  return new WebAssembly.Module(readFileSync(file));
}

/** The kernels bound to `memory` (tfjs-backend-wasm's heap), or null when turned off. */
export function directConvModule(memory: WasmMemory): DirectConvModule | null {
  const hit = instances.get(memory);
  if (hit !== undefined) return hit;
  let mod: DirectConvModule | null = null;
  if (convKernelChoice() === 'own') {
    compiled ??= compile();
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as DirectConvModule;
    mod = { conv2d: exports.conv2d, conv2dFilterGrad: exports.conv2dFilterGrad };
  }
  instances.set(memory, mod);
  return mod;
}
