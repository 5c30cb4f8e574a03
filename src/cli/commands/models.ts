/**
 * `pipe models [--json]`: every architecture (built-in and the project's models/), its source file,
 * parameter count and size in bytes for the configured grid, and whether it fits that grid.
 */
import { resolve } from 'node:path';
import { formatTable } from '../table.js';
import { loadContext, type GlobalOptions } from '../context.js';

/** [h, w, cin] → [h, w, cout] of one sample as the pipeline's data section defines it. */
export async function configuredShapes(
  data: import('../../config/schema.js').DataConfig | undefined,
  dir: string,
): Promise<{ input: [number, number, number]; output: [number, number, number]; vector?: true }> {
  if (!data) return { input: [32, 32, 3], output: [32, 32, 1] };
  if (data.flood) {
    const { FLOOD_X_CHANNELS, FLOOD_Y_CHANNELS } = await import('../../data/flood/generate.js');
    const fine = data.flood.grid * (data.flood.terrainFactor ?? 1);
    return { input: [fine, fine, FLOOD_X_CHANNELS.length], output: [data.flood.grid, data.flood.grid, FLOOD_Y_CHANNELS.length] };
  }
  const { loadArrayFiles } = await import('../../data/load-array-files.js');
  const set = await loadArrayFiles(data.files as never, dir);
  // a vector target: the models are built for `cout` values per sample
  return {
    input: [set.h * set.factor, set.w * set.factor, set.cin],
    output: [set.h, set.w, set.cout],
    ...(set.target === 'vector' ? { vector: true as const } : {}),
  };
}

export async function modelsCommand(flags: GlobalOptions): Promise<number> {
  const ctx = await loadContext(flags);
  const shapes = await configuredShapes(ctx.pipeline.data, ctx.pipeline.dir);
  const { initBackend } = await import('../../training/tf.js');
  await initBackend('wasm');
  const { modelsReport } = await import('../../model-kit/models-report.js');
  const hp = (ctx.pipeline.stages.find((s) => s.params.model_params)?.params.model_params ?? {}) as Record<string, Record<string, unknown>>;
  const rows = await modelsReport({
    dirs: ctx.paths.modelDirs,
    inputShape: shapes.input,
    outputShape: shapes.output,
    hp,
    ...(shapes.vector ? { output: 'vector' as const } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ grid: shapes, models: rows.map((r) => ({ ...r, file: resolve(r.file) })) })}\n`);
    return 0;
  }
  const grid = shapes.vector
    ? `${shapes.input.join('×')} → ${shapes.output[2]}`
    : shapes.input[0] === shapes.output[0]
      ? shapes.input.join('×')
      : `${shapes.input.join('×')} → ${shapes.output.join('×')}`;
  const table = [
    ['model', 'source', 'params', 'bytes', `fits ${grid}`],
    ...rows.map((r) => {
      const n = (v: number | undefined) => v?.toLocaleString('en-US') ?? '–';
      return [r.name, r.file, n(r.params), n(r.bytes), r.fits ? 'yes' : `no: ${r.why}`];
    }),
  ];
  process.stdout.write(formatTable(table, [2, 3]));
  return 0;
}
