// tfjs-backend-wasm keeps every tensor in one 32-bit WebAssembly heap that grows up to 4 GiB − 64 KiB
// (emscripten's getHeapMax). When it is full, `_malloc` returns 0 and tfjs writes the tensor at address 0
// anyway: the heap is corrupted and a later kernel traps with "memory access out of bounds". Guarding
// `_malloc` turns the first failed allocation into a clear `out-of-memory` failure instead. No tfjs import
// here: tf.ts installs the guard when it starts the backend.
import { PipeError } from '../failure/pipe-error.js';
import { HEAP_ENV, heapCapFromEnv } from './env.js';

/** Bytes tfjs-backend-wasm 4.22's heap can grow to (its emscripten getHeapMax()). */
export const WASM_HEAP_MAX = 4294901760;

/** Bytes a wasm instance may use: WASM_HEAP_MAX, or less under PIPE_WASM_HEAP_MB. */
export function wasmHeapLimit(): number {
  return Math.min(WASM_HEAP_MAX, heapCapFromEnv() ?? WASM_HEAP_MAX);
}

export const formatBytes = (n: number): string =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 2 ** 10).toFixed(1)} KiB`;

export const SHRINK_MODEL_HINT =
  'make the model smaller (fewer filters; for attention models a larger kvPool), use a smaller grid, or train on the native tensorflow backend';

/** The wasm heap is full (or a computation would not fit in it). */
export class OutOfMemoryError extends PipeError {
  constructor(
    message: string,
    hint = 'set train.micro_batch to a smaller number of samples, lower batch_size, or make the model smaller (e.g. a larger kvPool for attention models)',
  ) {
    super('out-of-memory', message, { hint });
  }
}

interface WasmModule {
  _malloc: (n: number) => number;
  _free: (p: number) => void;
  /** the instance's exports; `_malloc` starts as a stub that replaces itself with asm.malloc on first call */
  asm?: { malloc?: (n: number) => number };
  HEAPU8: Uint8Array;
  __pipeMallocGuard?: true;
}

/** Makes a failed allocation on this wasm backend throw OutOfMemoryError (idempotent). */
export function guardWasmMalloc(backend: unknown): void {
  const wasm = (backend as { wasm?: WasmModule }).wasm;
  if (wasm === undefined || wasm.__pipeMallocGuard) return;
  // Wrap the export itself: emscripten's `_malloc` stub would overwrite a wrapper on its first call.
  const malloc = wasm.asm?.malloc ?? wasm._malloc.bind(wasm);
  const limit = wasmHeapLimit();
  wasm._malloc = (n: number): number => {
    const p = malloc(n) >>> 0;
    if (n > 0 && (p === 0 || p + n > limit)) {
      if (p !== 0) wasm._free(p);
      throw new OutOfMemoryError(
        // p + n past the 4 GiB end: the size wrapped around in wasm's 32-bit malloc, as unusable as 0.
        p === 0 || limit >= WASM_HEAP_MAX
          ? `the wasm heap is full: allocating ${formatBytes(n)} failed with ${formatBytes(wasm.HEAPU8.length)} of the ${formatBytes(limit)} it can ` +
            `address taken`
          : `allocating ${formatBytes(n)} would take the wasm heap past its ${formatBytes(limit)} cap (${HEAP_ENV})`,
      );
    }
    return p;
  };
  wasm.__pipeMallocGuard = true;
}

/** A wasm trap caused by running out of heap (or the corruption a full heap leaves) as OutOfMemoryError; other errors unchanged. */
export function asOutOfMemory(err: unknown, what: string): unknown {
  if (err instanceof OutOfMemoryError) return new OutOfMemoryError(`${what}: ${err.message}`, err.hint);
  const RuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
  if (err instanceof RuntimeError && /memory access out of bounds|out of memory/i.test(err.message)) {
    return new OutOfMemoryError(`${what}: the wasm backend ran out of memory (${err.message})`);
  }
  return err;
}
