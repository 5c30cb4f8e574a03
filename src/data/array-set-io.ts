import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type ArraySet, validateArraySet } from './array-set.js';
import { DataError } from './data-error.js';
import { readNpy, toFloat32, writeNpy } from './npy.js';

/**
 * On-disk form of an ArraySet, used to cache generated sets and hand them to workers:
 * x.npy [n, h·factor, w·factor, cin] float32, y.npy [n, h, w, cout] float32, simulation.npy [n] int32,
 * meta.json (`factor` only where it is not 1, `target` only for a vector target (y.npy then [n, cout]), so sets
 * on one grid keep the bytes they always had).
 */

const metaSchema = z.object({
  format: z.literal(1),
  n: z.number().int().min(0),
  h: z.number().int().min(1),
  w: z.number().int().min(1),
  factor: z.number().int().min(1).optional(),
  cin: z.number().int().min(1),
  cout: z.number().int().min(1),
  target: z.literal('vector').optional(),
  xChannels: z.array(z.string()),
  yChannels: z.array(z.string()),
});

export const ARRAY_SET_FILES = ['x.npy', 'y.npy', 'simulation.npy', 'meta.json'] as const;

export async function saveArraySet(dir: string, set: ArraySet): Promise<void> {
  validateArraySet(set);
  await mkdir(dir, { recursive: true });
  const { n, h, w, factor, cin, cout } = set;
  const meta: z.infer<typeof metaSchema> = {
    format: 1,
    n,
    h,
    w,
    ...(factor !== 1 ? { factor } : {}),
    cin,
    cout,
    ...(set.target === 'vector' ? { target: 'vector' as const } : {}),
    xChannels: set.xChannels,
    yChannels: set.yChannels,
  };
  await Promise.all([
    writeNpy(join(dir, 'x.npy'), set.x, [n, h * factor, w * factor, cin]),
    writeNpy(join(dir, 'y.npy'), set.y, set.target === 'vector' ? [n, cout] : [n, h, w, cout]),
    writeNpy(join(dir, 'simulation.npy'), set.simulation, [n]),
    writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n'),
  ]);
}

export async function loadArraySet(dir: string): Promise<ArraySet> {
  const metaFile = join(dir, 'meta.json');
  let meta: z.infer<typeof metaSchema>;
  try {
    meta = metaSchema.parse(JSON.parse(await readFile(metaFile, 'utf8')));
  } catch (error) {
    throw new DataError(`not a saved data set: ${(error as Error).message}`, metaFile);
  }
  const [x, y, simulation] = await Promise.all(['x.npy', 'y.npy', 'simulation.npy'].map((f) => readNpy(join(dir, f))));
  const { n, h, w, cin, cout } = meta;
  const factor = meta.factor ?? 1;
  const expect = (file: string, shape: number[], want: number[]) => {
    if (shape.join() !== want.join()) {
      throw new DataError(`shape (${shape.join(', ')}) disagrees with meta.json (${want.join(', ')})`, join(dir, file));
    }
  };
  expect('x.npy', x!.shape, [n, h * factor, w * factor, cin]);
  expect('y.npy', y!.shape, meta.target === 'vector' ? [n, cout] : [n, h, w, cout]);
  expect('simulation.npy', simulation!.shape, [n]);
  if (!(simulation!.values instanceof Int32Array)) throw new DataError(`expected int32 ids, got ${simulation!.dtype}`, join(dir, 'simulation.npy'));
  return validateArraySet(
    {
      x: toFloat32(x!.values),
      y: toFloat32(y!.values),
      n,
      h,
      w,
      factor,
      cin,
      cout,
      simulation: simulation!.values,
      xChannels: meta.xChannels,
      yChannels: meta.yChannels,
      ...(meta.target ? { target: meta.target } : {}),
    },
    dir,
  );
}

/** A saved set's target kind from its meta.json alone (without reading the arrays). */
export async function readTargetKind(dir: string): Promise<'grid' | 'vector'> {
  const metaFile = join(dir, 'meta.json');
  try {
    return metaSchema.parse(JSON.parse(await readFile(metaFile, 'utf8'))).target ?? 'grid';
  } catch (error) {
    throw new DataError(`not a saved data set: ${(error as Error).message}`, metaFile);
  }
}
