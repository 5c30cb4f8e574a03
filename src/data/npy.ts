import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataError } from './data-error.js';

/**
 * NumPy .npy reader/writer (format versions 1–3, C order). Reading keeps the stored element type so
 * integer ids stay exact; `toFloat32` converts for the data path.
 */

export type NpyValues = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

interface DtypeInfo {
  size: number;
  make: (buffer: ArrayBuffer) => NpyValues;
  read: (view: DataView, offset: number, littleEndian: boolean) => number;
}

const DTYPES: Record<string, DtypeInfo> = {
  f4: { size: 4, make: (b) => new Float32Array(b), read: (v, o, le) => v.getFloat32(o, le) },
  f8: { size: 8, make: (b) => new Float64Array(b), read: (v, o, le) => v.getFloat64(o, le) },
  i1: { size: 1, make: (b) => new Int8Array(b), read: (v, o) => v.getInt8(o) },
  i2: { size: 2, make: (b) => new Int16Array(b), read: (v, o, le) => v.getInt16(o, le) },
  i4: { size: 4, make: (b) => new Int32Array(b), read: (v, o, le) => v.getInt32(o, le) },
  u1: { size: 1, make: (b) => new Uint8Array(b), read: (v, o) => v.getUint8(o) },
  u2: { size: 2, make: (b) => new Uint16Array(b), read: (v, o, le) => v.getUint16(o, le) },
  u4: { size: 4, make: (b) => new Uint32Array(b), read: (v, o, le) => v.getUint32(o, le) },
};
// 64-bit integers (numpy's default int, so typical for simulation ids) become float64, exact to 2^53.
const INT64: Record<string, (v: DataView, o: number, le: boolean) => bigint> = {
  i8: (v, o, le) => v.getBigInt64(o, le),
  u8: (v, o, le) => v.getBigUint64(o, le),
};
const SUPPORTED = 'float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64';

export interface NpyArray {
  shape: number[];
  /** Type code as stored, without byte order, e.g. 'f4', 'i4' ('i8'/'u8' arrive as float64 values). */
  dtype: string;
  values: NpyValues;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses the bytes of a .npy file; `file` names it in every error. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (message: string): never => {
    throw new DataError(message, file);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return fail(`unsupported .npy format version ${major}.${bytes[7]} (1, 2 and 3 are read)`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) fail(`truncated .npy header: ${headerLength} header bytes announced, file has ${bytes.length} bytes`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`malformed .npy header: ${header.trim()}`);
  }
  if (fortran === 'True') {
    fail('array is stored in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))');
  }
  const order = descr[0]!;
  const code = /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
  const int64 = INT64[code];
  const info = int64 ? { ...DTYPES.f8!, read: (v: DataView, o: number, le: boolean) => Number(int64(v, o, le)) } : DTYPES[code];
  if (info === undefined || !['<', '>', '|', '='].includes(order)) {
    return fail(`unsupported dtype '${descr}'; supported: ${SUPPORTED}. Convert with a.astype(np.float32)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`malformed shape (${shapeText}) in .npy header`);

  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * info.size;
  const available = bytes.length - dataStart;
  if (available < expected) {
    fail(`truncated: shape (${shape.join(', ')}) of ${descr} needs ${expected} data bytes, the file has ${available}`);
  }
  if (available > expected) fail(`${available - expected} unexpected bytes after the data of shape (${shape.join(', ')})`);

  const bigEndian = order === '>';
  let values: NpyValues;
  if (int64) {
    values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = int64(view, dataStart + i * 8, !bigEndian);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        fail(`${descr} value ${v} at flat index ${i} does not fit a double exactly`);
      }
      values[i] = Number(v);
    }
  } else if (!bigEndian || info.size === 1) {
    // Copy: typed arrays need an aligned offset, which the data start inside a read buffer may not be.
    // (new Uint8Array(view) copies; Buffer#slice would not.)
    const copy = new Uint8Array(bytes.subarray(dataStart, dataStart + expected));
    values = info.make(copy.buffer);
  } else {
    values = info.make(new ArrayBuffer(expected));
    for (let i = 0; i < count; i++) values[i] = info.read(view, dataStart + i * info.size, false);
  }
  return { shape, dtype: code, values };
}

export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(`cannot read: ${(error as Error).message}`, path);
  }
  return parseNpy(bytes, path);
}

/** Float32 view of the values (no copy when already float32). */
export function toFloat32(values: NpyValues): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function dtypeOf(values: NpyValues): string {
  if (values instanceof Float32Array) return '<f4';
  if (values instanceof Float64Array) return '<f8';
  if (values instanceof Int8Array) return '|i1';
  if (values instanceof Int16Array) return '<i2';
  if (values instanceof Int32Array) return '<i4';
  if (values instanceof Uint8Array) return '|u1';
  if (values instanceof Uint16Array) return '<u2';
  return '<u4';
}

/** Encodes a little-endian, C-order .npy (version 1.0, or 2.0 for headers over 64 KiB). */
export function encodeNpy(values: NpyValues, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new RangeError(`shape (${shape.join(', ')}) holds ${count} values, got ${values.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtypeOf(values)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy pads the header with spaces and a newline so the data starts on a 64-byte boundary.
  let prefix = 10;
  let padded = dict.length + 1;
  if (prefix + padded > 0xffff) prefix = 12;
  padded += (64 - ((prefix + padded) % 64)) % 64;
  const header = dict.padEnd(padded - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + padded + values.byteLength);
  out.set(MAGIC);
  out[6] = prefix === 10 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), prefix + padded);
  return out;
}

export async function writeNpy(path: string, values: NpyValues, shape: readonly number[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeNpy(values, shape));
}
