// Loads the project's own SIMD kernels (assembly/*.ts, compiled by `npm run build:wasm` into
// dist/wasm/kernels.wasm) as a second WebAssembly instance that imports tfjs-backend-wasm's memory, so they
// work on tensors in place, addressed by heap byte offsets. PIPE_SIMD_KERNELS=off turns them off (tfjs's own
// and this project's composite kernels run instead: for comparisons and bisecting).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';
import { simdKernelsEnabled } from '../env.js';

// Node's WebAssembly global; its types live in lib.dom, which this project does not load.
/** tfjs-backend-wasm's heap (a WebAssembly.Memory). */
export type WasmMemory = object;
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};

/** The exports of assembly/index.ts; every pointer is a byte offset into tfjs-backend-wasm's heap. */
export interface SimdKernels {
  conv2d(x: number, f: number, bias: number, y: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, act: number): void;
  conv2dStrided(x: number, f: number, bias: number, y: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, act: number, sh: number, sw: number,
    yImage: number, yRow: number, yPix: number): void;
  conv2dStrided(x: number, f: number, bias: number, y: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, act: number, sh: number, sw: number,
    yImage: number, yRow: number, yPix: number): void;
  conv2dFilterGrad(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number): void;
  conv2dFilterGradStrided(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, sh: number, sw: number): void;
  conv2dFilterGradStrided(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number, kh: number, kw: number, padT: number, padL: number, sh: number, sw: number): void;
  maxPool2x2Grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number): void;
  resizeNearestUp(x: number, y: number, n: number, h: number, w: number, c: number, rh: number, rw: number): void;
  resizeNearestUpGrad(dy: number, dx: number, n: number, h: number, w: number, c: number, rh: number, rw: number): void;
  sumRows(x: number, out: number, rows: number, cols: number): void;
  avgPoolGradBlocks(dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number,
    kh: number, kw: number, scale: number): void;
  batchNormGrad(x: number, dy: number, mean: number, coef: number, dx: number, s1: number, s2: number, rows: number, c: number): void;
  reluGrad(dy: number, x: number, dx: number, n: number): void;
  copyRuns(src: number, srcStride: number, dst: number, dstStride: number, runBytes: number, count: number): void;
  adamUpdate(w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, n: number,
    b1: number, c1: number, b2: number, c2: number, bc2: number, eps: number, stepSize: number, decay: number, l2: number): void;
}

const NAMES = [
  'conv2d',
  'conv2dStrided',
  'conv2dFilterGrad',
  'conv2dFilterGradStrided',
  'maxPool2x2Grad',
  'resizeNearestUp',
  'resizeNearestUpGrad',
  'sumRows',
  'avgPoolGradBlocks',
  'adamUpdate',
  'batchNormGrad',
  'copyRuns',
  'reluGrad',
] as const;

export { simdKernelsEnabled } from '../env.js';

let compiled: WasmModule | undefined;
const instances = new WeakMap<WasmMemory, SimdKernels | null>();

function compile(): WasmModule {
  const file = join(packageRoot(), 'dist', 'wasm', 'kernels.wasm');
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' (it also compiles the wasm kernels)`);
  return new WebAssembly.Module(readFileSync(file));
}

/** The kernels bound to `memory` (tfjs-backend-wasm's heap), or null when turned off. */
export function simdKernels(memory: WasmMemory): SimdKernels | null {
  const hit = instances.get(memory);
  if (hit !== undefined) return hit;
  let mod: SimdKernels | null = null;
  if (simdKernelsEnabled()) {
    compiled ??= compile();
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    mod = Object.fromEntries(NAMES.map((name) => [name, exports[name]])) as unknown as SimdKernels;
  }
  instances.set(memory, mod);
  return mod;
}

interface HeapBackend {
  wasm: { asm: { memory: WasmMemory } };
  typedArrayFromHeap(t: { dataId: object }): Float32Array;
}

/** The kernels for a wasm backend instance, or null when turned off. */
export function simdKernelsFor(backend: unknown): SimdKernels | null {
  return simdKernels((backend as HeapBackend).wasm.asm.memory);
}

/**
 * Whether every tensor has 16 readable bytes past its end on the heap: kernels that compute channel tails in
 * whole vectors read (never write) up to 12 bytes past a tensor, which must not run off the memory.
 */
export function readableWithSlack(backend: unknown, tensors: { dataId: object }[]): boolean {
  const b = backend as HeapBackend;
  const size = (b.wasm.asm.memory as { buffer: ArrayBuffer }).buffer.byteLength;
  return tensors.every((t) => {
    const v = b.typedArrayFromHeap(t);
    return v.byteOffset + v.byteLength + 16 <= size;
  });
}

/** Heap byte offset of a tensor's data. */
export function heapOffset(backend: unknown, t: { dataId: object }): number {
  return (backend as HeapBackend).typedArrayFromHeap(t).byteOffset;
}
