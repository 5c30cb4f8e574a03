// A stand-in for worker-main.js in the executor tests: a unit whose payload is { ms } reports when it
// starts, sleeps that long, reports when it ends, then done. With { barrier, parties } it also waits
// (up to 30 s) until `parties` units have started, each leaving a file in the barrier folder — so units
// that the pool runs side by side overlap however slowly processes start on a loaded machine.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

process.on('disconnect', () => process.exit(0));
process.on('message', (msg: { type: string; job: { id: string; payload: { ms: number; barrier?: string; parties?: number } } }) => {
  if (msg?.type !== 'unit') return;
  const { ms, barrier, parties } = msg.job.payload;
  process.send?.({ type: 'progress', text: `start ${Date.now()}` });
  if (barrier) {
    if (!existsSync(barrier)) mkdirSync(barrier, { recursive: true });
    writeFileSync(join(barrier, msg.job.id), '');
  }
  const deadline = Date.now() + 30_000;
  const finish = () => {
    if (barrier && readdirSync(barrier).length < (parties ?? 1) && Date.now() < deadline) {
      setTimeout(finish, 20);
      return;
    }
    process.send?.({ type: 'progress', text: `end ${Date.now()}` });
    process.send?.({ type: 'done' });
  };
  setTimeout(finish, ms);
});
