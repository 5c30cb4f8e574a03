// `pipe run --ui`: the dashboard is served from the run's own process while the run goes on, prints its
// URL before the run starts, answers with this run while it runs, stops when the run ends, and leaves the
// run's exit code alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Project, exitOf } from './rig.js';
import { tinyStudy } from './tiny-study.js';

async function get(url: string): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const r = await fetch(url);
    return { status: r.status, body: await r.json() };
  } catch {
    return undefined; // refused: nothing listens
  }
}

test('pipe run --ui serves the dashboard of the run while it runs, then stops with it', { timeout: 300_000 }, async (t) => {
  const p = new Project({ 'pipeline.yaml': tinyStudy(12) });
  t.after(() => p.cleanup());
  const run = p.spawn(['run', '--no-plots', '--ui', '-j', '1']);
  let ended = false;
  const exit = exitOf(run).then((r) => ((ended = true), r));
  let url: string | undefined;
  let seenRunning: { id: string; status: string } | undefined;
  let page: { status: number } | undefined;
  while (!ended && !seenRunning) {
    url ??= /pipe ui: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1];
    if (url) {
      // the URL comes before the run's first stage starts
      assert.doesNotMatch(run.output().split('pipe ui:')[0]!, /▶ /, run.output());
      const r = await get(`${url}api/runs`);
      const runs = (r?.body as { runs?: { id: string; status: string }[] } | undefined)?.runs ?? [];
      seenRunning = runs.find((x) => x.status === 'running');
      if (seenRunning) page = await get(`${url}api/runs/${seenRunning.id}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(url, `the URL printed:\n${run.output()}`);
  assert.ok(seenRunning, `the dashboard listed the run as running while it ran:\n${run.output()}`);
  assert.equal(page?.status, 200);
  const { code } = await exit;
  assert.equal(code, 0, run.output());
  assert.match(run.output(), /it stops when the run ends/);
  assert.doesNotMatch(run.output(), /opening a browser/, 'no browser under CI');
  assert.match(run.output(), /pipe ui: stopped with the run/);
  assert.equal(await get(`${url}api/runs`), undefined, 'nothing listens once the run has ended');
  // nothing left to run: no server, and it says so
  const again = p.run(['run', '--ui']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /http:/);
  assert.match(again.stderr, /--ui: nothing runs, so no dashboard was started; `pipe ui` shows the recorded runs/);
});

test('pipe run --ui-port without --ui, with a bad port or a port in use, is a usage error', async () => {
  const p = new Project({ 'pipeline.yaml': tinyStudy(2) });
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (taken.address() as AddressInfo).port;
    const busy = p.run(['run', '--ui', '--ui-port', String(port)]);
    assert.equal(busy.code, 2, busy.stderr);
    assert.match(busy.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    assert.match(busy.stderr, /leave out --ui-port/);
    assert.ok(!p.exists('results/A'), 'nothing ran');
    const alone = p.run(['run', '--ui-port', '8080']);
    assert.equal(alone.code, 2, alone.stderr);
    assert.match(alone.stderr, /--ui-port needs --ui/);
    const bad = p.run(['run', '--ui', '--ui-port', 'x']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--ui-port x: expected a port number/);
  } finally {
    taken.close();
    p.cleanup();
  }
});
