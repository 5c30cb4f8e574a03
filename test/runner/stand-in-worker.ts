// A stand-in for worker-main.js in the executor tests: a unit whose payload is { ms } reports when it
// starts, sleeps that long, reports when it ends, then done.
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: { type: string; job: { payload: { ms: number } } }) => {
  if (msg?.type !== 'unit') return;
  process.send?.({ type: 'progress', text: `start ${Date.now()}` });
  setTimeout(() => {
    process.send?.({ type: 'progress', text: `end ${Date.now()}` });
    process.send?.({ type: 'done' });
  }, msg.job.payload.ms);
});
