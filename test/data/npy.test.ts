import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../src/data/data-error.js';
import { encodeNpy, type NpyValues, parseNpy, readNpy, toFloat32, writeNpy } from '../../src/data/npy.js';
import { encodeNpz, parseNpz, readNpz } from '../../src/data/npz.js';
import { fixture } from './fixture-path.js';

const base = Array.from({ length: 24 }, (_, i) => i - 5.5);

test('every supported dtype survives an encode/parse round trip with its values and shape', () => {
  const cases: [string, NpyValues][] = [
    ['f4', Float32Array.from([1.5, -2.25, 3e-8, 0, 7, 8])],
    ['f8', Float64Array.from([1.5, -2.25, 1e-300, 0, 7, 8])],
    ['i1', Int8Array.from([-128, 127, 0, 1, 2, 3])],
    ['i2', Int16Array.from([-32768, 32767, 0, 1, 2, 3])],
    ['i4', Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 1, 2, 3])],
    ['u1', Uint8Array.from([0, 255, 1, 2, 3, 4])],
    ['u2', Uint16Array.from([0, 65535, 1, 2, 3, 4])],
    ['u4', Uint32Array.from([0, 2 ** 32 - 1, 1, 2, 3, 4])],
  ];
  for (const [dtype, values] of cases) {
    const bytes = encodeNpy(values, [2, 3]);
    // numpy aligns the data to 64 bytes; readers that mmap rely on it.
    assert.equal((bytes.length - values.byteLength) % 64, 0, dtype);
    const parsed = parseNpy(bytes, `${dtype}.npy`);
    assert.equal(parsed.dtype, dtype);
    assert.deepEqual(parsed.shape, [2, 3]);
    assert.equal(parsed.values.constructor, values.constructor, dtype);
    assert.deepEqual(Array.from(parsed.values), Array.from(values), dtype);
    assert.deepEqual(toFloat32(parsed.values), Float32Array.from(values), dtype);
  }
});

test('files written by numpy are read: float64, int16, big-endian float32, int64', async () => {
  const f8 = await readNpy(fixture('f8-2x3x4.npy'));
  assert.deepEqual(f8.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(f8.values), base);
  const i2 = await readNpy(fixture('i2-2x3x4.npy'));
  assert.deepEqual(Array.from(i2.values), base.map((v) => Math.trunc(v) + 0));
  const big = await readNpy(fixture('big-f4-2x3x4.npy'));
  assert.ok(big.values instanceof Float32Array);
  assert.deepEqual(Array.from(big.values), base);
  const i8 = await readNpy(fixture('i8.npy'));
  assert.deepEqual(Array.from(i8.values), [-3, 0, 2 ** 40]);
});

test('scalar and 1-D shapes are parsed', () => {
  assert.deepEqual(parseNpy(encodeNpy(Float32Array.of(4), []), 's.npy').shape, []);
  assert.deepEqual(parseNpy(encodeNpy(Float32Array.of(1, 2, 3), [3]), 'v.npy').shape, [3]);
});

test('Fortran order is refused with a message that names the file and the fix', async () => {
  const file = fixture('fortran-f4.npy');
  await assert.rejects(readNpy(file), (error: unknown) => {
    assert.ok(error instanceof DataError);
    assert.equal(error.file, file);
    assert.match(error.message, /Fortran/);
    assert.match(error.message, /ascontiguousarray/);
    return true;
  });
});

test('an unsupported dtype is refused, listing what is supported', async () => {
  await assert.rejects(readNpy(fixture('c8.npy')), /c8\.npy: unsupported dtype '<c8'; supported: float32/);
});

test('a truncated file is refused, naming the file and the missing bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pipe-npy-'));
  try {
    const file = join(dir, 'cut.npy');
    const bytes = encodeNpy(new Float32Array(10), [10]);
    await writeFile(file, bytes.subarray(0, bytes.length - 3));
    await assert.rejects(readNpy(file), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.equal(error.file, file);
      assert.match(error.message, /truncated: shape \(10\) of <f4 needs 40 data bytes, the file has 37/);
      return true;
    });
    await writeFile(file, bytes.subarray(0, 8));
    await assert.rejects(readNpy(file), /cut\.npy: not a \.npy file/);
    await assert.rejects(readNpy(join(dir, 'missing.npy')), /missing\.npy: cannot read/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeNpy writes a file readNpy reads back, creating the folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pipe-npy-'));
  try {
    const file = join(dir, 'sub', 'a.npy');
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    await writeNpy(file, values, [1, 3, 4]);
    const back = await readNpy(file);
    assert.deepEqual(back.shape, [1, 3, 4]);
    assert.deepEqual(back.values, values);
    // The header is the one numpy writes, byte for byte.
    const bytes = await readFile(file);
    const header = new TextDecoder().decode(bytes.subarray(10, bytes.length - values.byteLength));
    assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 4), }");
    assert.ok(header.endsWith(' \n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('encodeNpy refuses a shape that does not match the values', () => {
  assert.throws(() => encodeNpy(new Float32Array(5), [2, 3]), /shape \(2, 3\) holds 6 values, got 5/);
});

test('.npz written by numpy (compressed) and by encodeNpz round trip', async () => {
  const arrays = await readNpz(fixture('set.npz'));
  assert.deepEqual([...arrays.keys()].sort(), ['simulation', 'x', 'y']);
  assert.deepEqual(arrays.get('x')!.shape, [2, 3, 4, 2]);
  assert.ok(Math.abs(arrays.get('x')!.values[47]! - 4.7) < 1e-6);
  for (const compress of [false, true]) {
    const bytes = encodeNpz({ a: { values: Int32Array.of(1, 2, 3), shape: [3] }, b: { values: Float32Array.of(0.5), shape: [1, 1] } }, compress);
    const back = parseNpz(bytes, 'mem.npz', ['b']);
    assert.deepEqual([...back.keys()], ['b']);
    assert.deepEqual(back.get('b')!.shape, [1, 1]);
    assert.deepEqual(Array.from(parseNpz(bytes, 'mem.npz').get('a')!.values), [1, 2, 3]);
  }
  assert.throws(() => parseNpz(Uint8Array.of(1, 2, 3), 'junk.npz'), /junk\.npz: not a readable \.npz/);
});
