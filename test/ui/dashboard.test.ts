/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): `pipe ui` on a free port,
 * a `pipe run` started beside it in the same project, and the page — without a reload — shows the run
 * appear, its DAG's states change, the running unit's learning curve gain points while it trains, B's
 * trials with their params and parallel coordinates, epoch counts, the baseline line, the compare view's
 * changed param and metric deltas, and a run killed with -9 turning into an interrupted one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Project, exitOf, waitFor } from '../e2e/rig.js';
import { tinyStudy } from '../e2e/tiny-study.js';

const CHROMIUM = process.env.PIPE_CHROMIUM ?? '/usr/bin/chromium';
// PIPE_UI_SCREENSHOTS=docs/img writes the README's screenshots
const SHOTS = process.env.PIPE_UI_SCREENSHOTS;

// The page's DOM, typed just enough for the checks (the project compiles without the DOM lib).
interface Dom {
  querySelector(s: string): { getAttribute(a: string): string | null; textContent: string | null } | null;
  querySelectorAll(
    s: string,
  ): ArrayLike<{ getAttribute(a: string): string | null; textContent: string | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }>;
}
declare const document: Dom;

async function until<T>(page: Page, fn: () => T, ok: (v: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = (await page.evaluate(fn)) as T;
    if (ok(v)) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('pipe ui follows a run started in another process, live, then compares two runs', { timeout: 600_000 }, async (t) => {
  const step = (what: string) => t.diagnostic(`${new Date().toISOString().slice(11, 19)} ${what}`);
  const p = new Project({ 'pipeline.yaml': tinyStudy(30) });
  const profile = mkdtempSync(join(tmpdir(), 'pipe-ui-chromium-'));
  const ui = p.spawn(['ui']);
  let context: BrowserContext | undefined;
  // one hook, in order: the browser first (it writes into its profile until closed), then the server
  t.after(async () => {
    await context?.close();
    try {
      process.kill(-ui.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    p.cleanup();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  });
  await waitFor(() => /pipe ui: http:\/\/127\.0\.0\.1:\d+\//.test(ui.output()), 'pipe ui to print its URL', 60_000);
  const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(ui.output())![1]!;

  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // an event stream cut by a navigation is not an error of the page
  page.on('console', (m) => m.type() === 'error' && !/ERR_INCOMPLETE_CHUNKED_ENCODING/.test(m.text()) && errors.push(m.text()));
  await page.goto(url);
  await until(
    page,
    () => document.querySelector('#live')?.textContent,
    (v) => v === 'live',
    'the event stream',
  );
  assert.equal(await page.evaluate(() => document.querySelectorAll('#runs-table tbody tr').length), 0);

  step('page live');
  // a run started elsewhere shows up, and its first stage's curve grows while the run is still running
  const run1 = p.spawn(['run', '--no-plots']);
  let run1Ended = false;
  const run1Exit = exitOf(run1).then((r) => ((run1Ended = true), r));
  const seen: Record<string, Set<string>> = { A: new Set(), B: new Set(), D: new Set() };
  const look = () =>
    page.evaluate(() => ({
      status: document.querySelector('#run-view')?.getAttribute('data-status') ?? null,
      points: Number(document.querySelector('figure.curve[data-unit="A/unet_lite"]')?.getAttribute('data-points') ?? 0),
      epochCount: document.querySelector('figure.curve[data-unit="A/unet_lite"] .epoch-count')?.textContent ?? null,
      runningCount: document.querySelector('.stage[data-stage="A"] .running .epoch-count[data-unit="unet_lite"]')?.textContent ?? null,
      states: Object.fromEntries(
        [...(document.querySelectorAll('.node[data-stage]') as unknown as { getAttribute(a: string): string | null }[])].map((n) => [
          n.getAttribute('data-stage'),
          n.getAttribute('data-state'),
        ]),
      ) as Record<string, string>,
    }));
  const epochCounts = new Set<string>();
  let first: { points: number } | undefined;
  let grew: { points: number } | undefined;
  const t0 = Date.now();
  while (!grew) {
    const v = await look();
    for (const [s, st] of Object.entries(v.states)) seen[s]?.add(st);
    if (v.status === 'running' && v.points >= 1) {
      if (!first) first = v;
      // the epoch counter of the running unit: the curve's caption and the stage's list of running units
      if (v.epochCount) epochCounts.add(v.epochCount);
      if (v.runningCount) epochCounts.add(`running ${v.runningCount}`);
      else if (v.points > first.points) grew = v;
    }
    if (Date.now() - t0 > 180_000 || run1Ended) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(
    first && grew,
    `the curve of A/unet_lite gained points while the run was running (first ${first?.points}, then ${grew?.points}); run output:\n${run1.output()}`,
  );
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'dashboard-live.png'), fullPage: true });
  }
  while (!run1Ended && Date.now() - t0 < 300_000) {
    const v = await look();
    for (const [s, st] of Object.entries(v.states)) seen[s]?.add(st);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await run1Exit).code, 0, run1.output());
  const end = await until(
    page,
    () => document.querySelector('#run-view')?.getAttribute('data-status'),
    (v) => v === 'done',
    'the run to show as done',
  );
  assert.equal(end, 'done');
  const final = await look();
  assert.deepEqual(final.states, { A: 'done', B: 'done', D: 'done' });
  assert.ok(seen.A!.has('running'), `A was seen running: ${[...seen.A!]}`);
  assert.ok(seen.B!.has('queued') && (seen.B!.has('running') || seen.B!.has('done')), `B went from queued on: ${[...seen.B!]}`);

  step('run 1 done');
  // B's trials, with the learning rate each was given
  const trials = await page.evaluate(() => {
    const t = document.querySelector('table.trials[data-stage="B"]');
    const head = [...(document.querySelectorAll('table.trials[data-stage="B"] thead th') as unknown as { textContent: string }[])].map((h) => h.textContent);
    const rows = [
      ...(document.querySelectorAll('table.trials[data-stage="B"] tbody tr') as unknown as {
        querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
      }[]),
    ].map((r) => [...(r.querySelectorAll('td') as unknown as { textContent: string }[])].map((c) => c.textContent));
    return { found: !!t, head, rows };
  });
  assert.ok(trials.found);
  assert.deepEqual(trials.head.slice(0, 2), ['trial', 'train.lr']);
  assert.deepEqual(trials.rows.map((r) => r[0]).sort(), ['trial-0', 'trial-1']);
  for (const r of trials.rows) {
    const lr = Number(r[1]);
    assert.ok(lr >= 0.0005 && lr <= 0.005, `a trial's lr from the search space: ${r[1]}`);
    assert.equal(r.at(-1), 'ran');
  }
  assert.ok((await page.evaluate(() => document.querySelectorAll('#metrics-table tbody tr').length)) > 0, "D's metrics table");
  assert.ok(
    [...epochCounts].some((c) => /^epoch \d+\/30$/.test(c)) && [...epochCounts].some((c) => /^running epoch \d+\/30$/.test(c)),
    `epoch counts "epoch n/30" seen while A/unet_lite trained: ${[...epochCounts]}`,
  );
  // B's parallel coordinates: one line per trial, the best one highlighted, a log axis for the log-uniform lr
  const pc = await page.evaluate(() => ({
    lines: [
      ...(document.querySelectorAll('.stage[data-stage="B"] svg.parcoords polyline.trial') as unknown as { getAttribute(a: string): string | null }[]),
    ].map((l) => l.getAttribute('data-unit')),
    best: document.querySelectorAll('.stage[data-stage="B"] svg.parcoords polyline.best').length,
    axes: [...(document.querySelectorAll('.stage[data-stage="B"] svg.parcoords g.axis') as unknown as { getAttribute(a: string): string | null }[])].map(
      (a) => [a.getAttribute('data-axis'), a.getAttribute('data-log')],
    ),
  }));
  assert.deepEqual(pc.lines.sort(), ['trial-0', 'trial-1']);
  assert.equal(pc.best, 1);
  assert.deepEqual(pc.axes, [
    ['train.lr (log)', 'true'],
    ['value (best val loss)', 'false'],
  ]);
  // the training-mean baseline on the finished unit's learning curve
  const baseline = Number(await page.evaluate(() => document.querySelector('figure.curve[data-unit="A/unet_lite"]')?.getAttribute('data-baseline')));
  assert.ok(baseline > 0, `A/unet_lite's curve has the baseline line: ${baseline}`);
  if (SHOTS) await page.locator('.stage[data-stage="B"]').screenshot({ path: join(SHOTS, 'dashboard-trials.png') });

  step('trials checked');
  // a second run with another learning rate; the compare view names the param and the metric deltas
  const run2 = p.spawn(['run', '--no-plots', '--set', 'train.lr=0.001']);
  assert.equal((await exitOf(run2)).code, 0, run2.output());
  const listed = await until(
    page,
    () =>
      [...(document.querySelectorAll('#runs-table tbody tr') as unknown as { getAttribute(a: string): string | null }[])].map((r) => [
        r.getAttribute('data-run'),
        r.getAttribute('data-status'),
      ]),
    (v) => v.length === 2 && v.every((r) => r[1] === 'done'),
    'two finished runs listed',
  );
  const [newer, older] = listed.map((r) => r[0]) as [string, string];
  await page.goto(`${url}#/compare/${older}/${newer}`);
  const cmp = await until(
    page,
    () => ({
      params: [...(document.querySelectorAll('#cmp-params tbody tr') as unknown as { getAttribute(a: string): string | null; textContent: string }[])].map(
        (r) => [r.getAttribute('data-param'), r.textContent],
      ),
      rae: document.querySelector('#cmp-metrics tr[data-metric="D:rae_median.unet_lite.test.test"]')?.textContent ?? null,
      curves: document.querySelectorAll('#cmp-curves figure').length,
    }),
    (v) => v.params.length > 0 && v.rae !== null,
    'the comparison',
  );
  assert.deepEqual(
    cmp.params.map((x) => x[0]),
    ['train.lr'],
  );
  assert.match(cmp.params[0]![1]!, /0\.002.*0\.001/);
  assert.match(cmp.rae!, /^Drae_median\.unet_lite\.test\.test[\d.]+[\d.]+[+-][\d.e-]+-?[\d.]+%$/);
  assert.ok(cmp.curves >= 1, 'learning curves of both runs overlaid');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'dashboard-compare.png'), fullPage: true });

  step('compare checked');
  // a run killed with -9 turns into an interrupted one on the page, with no reload
  await page.goto(`${url}#/`);
  const run3 = p.spawn(['run', '--no-plots', '--set', 'train.lr=0.003']);
  await until(
    page,
    () => ({ s: document.querySelector('#run-view')?.getAttribute('data-status'), n: document.querySelectorAll('#runs-table tbody tr').length }),
    (v) => v.s === 'running' && v.n === 3,
    'the third run running',
  );
  step('run 3 running');
  process.kill(-run3.pid!, 'SIGKILL');
  await exitOf(run3);
  step('run 3 killed');
  await until(
    page,
    () => document.querySelector('#run-view')?.getAttribute('data-status'),
    (v) => v === 'interrupted',
    'the killed run shown as interrupted',
    30_000,
  );
  assert.deepEqual(errors, [], 'no errors in the page');
});
