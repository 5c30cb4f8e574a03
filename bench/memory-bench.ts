// `npm run bench:memory`: what one training step of each built-in architecture holds in tensors (measured
// with tf.profile at 1 and 2 samples, as `micro_batch: auto` measures it) at the default profile's size
// (32×32, batch 8) and the full profile's (64×64, batch 300), and the micro-batch auto picks there.
// Peak RSS of real runs is in each unit's timing.json (`peakRssMiB`).
//   node dist/bench/memory-bench.js [model ...]
import { initBackend } from '../src/training/tf.js';
import { lossFn } from '../src/training/losses.js';
import { addressableBytes, HEAP_MARGIN, measureFootprint, planMicroBatch } from '../src/training/memory-plan.js';
import { loadModelFiles, packageRoot } from '../src/model-kit/loader.js';
import { buildModel, listModels } from '../src/model-kit/registry.js';
import { formatTable } from '../src/cli/table.js';

const SIZES = [
  { grid: 32, batch: 8 },
  { grid: 64, batch: 300 },
];

async function main(): Promise<void> {
  await initBackend('wasm');
  await loadModelFiles([packageRoot()]);
  const named = process.argv.slice(2);
  const models = named.length > 0 ? named : listModels().map((m) => m.name);
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const rows: string[][] = [];
  for (const name of models) {
    for (const { grid, batch } of SIZES) {
      const model = buildModel(name, { inputShape: [grid, grid, 3], outputShape: [grid, grid, 1] });
      const fp = await measureFootprint(model, [grid, grid, 3], [grid, grid, 1], lossFn('huber'));
      const plan = planMicroBatch({ setting: 'auto', batch, shards: 1, footprint: fp, limit: addressableBytes(), what: name });
      rows.push([name, `${grid}×${grid}`, String(batch), mib(fp.perSample), mib(fp.base + batch * fp.perSample), String(plan.micro), mib(plan.estimate ?? 0)]);
      model.dispose();
    }
  }
  console.log(`tensor bytes of one training step (wasm, Huber); auto fills at most ${Math.round(HEAP_MARGIN * 100)} % of ${mib(addressableBytes() ?? 0)} MiB`);
  process.stdout.write(
    formatTable([['model', 'grid', 'batch', 'MiB/sample', 'MiB whole batch', 'auto micro-batch', 'MiB per micro-step'], ...rows], [2, 3, 4, 5, 6]),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
