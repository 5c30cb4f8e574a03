import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { median } from 'simple-statistics';
import { readHeadlineMetrics, type MetricsRow } from '../../src/plots/metrics-table.js';
import { plotStudy } from '../../src/plots/plot-study.js';
import { writeReport } from '../../src/plots/report.js';
import { pngFacts } from './png-check.js';
import { STAGES, writeSyntheticResults } from './synthetic-results.js';

const CHROMIUM = process.env.PIPE_CHROMIUM ?? '/usr/bin/chromium';

// The page's DOM, typed just enough for the checks below (the project compiles without the DOM lib).
interface PageDom {
  images: ArrayLike<{ alt: string; complete: boolean; naturalWidth: number; naturalHeight: number }>;
  querySelectorAll(selector: string): { length: number };
}

let dir: string;
let report: string;
let images: string[];
let rows: MetricsRow[];

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipe-report-'));
  await writeSyntheticResults(dir);
  // Small charts: this file tests the page, plot-study.test.ts the charts at full size.
  images = await plotStudy({ resultsDir: dir, stages: STAGES, width: 800, height: 500, onSkip: () => {} });
  rows = (await readHeadlineMetrics(path.join(dir, 'D', 'metrics.json')))!;
  report = await writeReport({
    resultsDir: dir,
    title: 'Synthetic study <test>',
    dag: {
      nodes: STAGES.map((s, i) => ({ name: s.name, kind: s.kind, status: i < 5 ? 'fresh' : 'stale', fingerprint: `${i}`.repeat(64) })),
      edges: [
        ['data', 'A'],
        ['A', 'B'],
        ['A', 'C'],
        ['B', 'C'],
        ['C', 'D'],
        ['D', 'E'],
      ],
    },
    metricsTable: rows,
    images,
    config: {
      profile: 'ci',
      sets: ['train.lr=0.001'],
      stages: [
        { name: 'A', kind: 'train', params: { train: { lr: 0.001, epochs: 3 }, models: ['unet', '<b>x</b>'] }, seed: 42, backend: 'wasm', recorded: true },
        { name: 'E', kind: 'shell', params: { cmd: 'echo hi' }, recorded: false },
      ],
    },
    trials: [{ stage: 'B', trials: JSON.parse(await readFile(path.join(dir, 'B', 'trials.json'), 'utf8')) }],
    timings: [
      { stage: 'A', latest: 'ran', seconds: 12.34, units: { ran: 2, reused: 1 }, run: 'r1', at: Date.UTC(2026, 0, 2, 3, 4, 5) },
      { stage: 'B', latest: 'fresh', seconds: 40, units: { ran: 10, reused: 0 }, run: 'r0', at: Date.UTC(2026, 0, 1) },
      { stage: 'E', latest: 'skipped' },
    ],
  });
});
after(() => rm(dir, { recursive: true, force: true }));

test('headline metrics: one row per model × set/part, median RAE from the per-sample values', async () => {
  const metrics = JSON.parse(await readFile(path.join(dir, 'D', 'metrics.json'), 'utf8'));
  assert.equal(rows.length, 3 * 5);
  const row = rows.find((r) => r.model === 'unet' && r.set === 'test' && r.part === 'test')!;
  const rae = metrics.models.unet.sets.test.test.rae.filter((v: number | null) => v !== null);
  assert.equal(row.medianRae, median(rae));
  assert.equal(row.mae, metrics.models.unet.sets.test.test.mae);
  assert.equal(row.msPerSample, metrics.models.unet.inferenceMsPerSample);
  assert.deepEqual([...new Set(rows.map((r) => `${r.set}/${r.part}`))], ['small/train', 'small/val', 'big/train', 'big/val', 'test/test']);
});

test('report.html is self-contained: every chart as a data URI, inline SVG DAG, no external references', async () => {
  assert.equal(report, path.join(dir, 'report.html'));
  const html = await readFile(report, 'utf8');
  assert.equal((html.match(/src="data:image\/png;base64,/g) ?? []).length, images.length);
  assert.ok(html.includes('<svg') && html.includes('Synthetic study &lt;test&gt;'));
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html) && !/<script|@import|url\((?!#)/.test(html), 'external reference or script in report');
  for (const s of STAGES) assert.ok(html.includes(`>${s.name}</td>`), `stage ${s.name} in status table`);
  assert.ok(html.includes('0'.repeat(16)), 'fingerprint shown');
});

test("report: the resolved config, B's trials with their params and value, per-stage timings", async () => {
  const html = await readFile(report, 'utf8');
  // resolved config: profile, --set, one collapsible table per stage with dotted keys, strings escaped
  assert.match(html, /<h2>Resolved config<\/h2>/);
  assert.match(html, /Profile: <code>ci<\/code>.*<code>train\.lr=0\.001<\/code>/);
  assert.match(html, /<details class="config" data-stage="A"><summary>A \(train\) — seed 42 · backend wasm<\/summary>/);
  assert.match(html, /<code>train\.lr<\/code><\/td><td class="l">0\.001<\/td>/);
  assert.ok(html.includes('[&quot;unet&quot;,&quot;&lt;b&gt;x&lt;/b&gt;&quot;]') && !html.includes('<b>x</b>'), 'a list value shown escaped');
  assert.match(html, /E \(shell\) — not run yet: the current config/);
  // trials: one row per trial, a column per param, the best complete trial bold
  const trials = JSON.parse(await readFile(path.join(dir, 'B', 'trials.json'), 'utf8')) as {
    number: number;
    state: string;
    value: number | null;
    params: Record<string, number>;
  }[];
  const table = /<table class="trials" data-stage="B">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
  assert.match(table, /<th>trial<\/th><th class="l">state<\/th><th>lr<\/th><th>filters<\/th><th>value \(val loss\)<\/th>/);
  assert.equal((table.match(/<tr[^>]*data-trial=/g) ?? []).length, trials.length);
  const best = trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!)[0]!;
  const bestRow = new RegExp(
    `<tr class="best" data-trial="${best.number}"><td>${best.number}</td><td class="l">complete</td>` +
      `<td>${Number(best.params.lr!.toPrecision(4))}</td><td>${best.params.filters}</td><td>${Number(best.value!.toPrecision(4))}</td>`,
  );
  assert.match(table, bestRow);
  assert.equal((table.match(/class="best"/g) ?? []).length, 1);
  const failed = trials.find((t) => t.state === 'failed')!;
  const failedRow = `data-trial="${failed.number}"><td>${failed.number}</td><td class="l">failed</td>`;
  assert.match(table, new RegExp(`${failedRow}<td>[\\d.e-]+</td><td>\\d+</td><td>–</td>`));
  // timings: seconds and whether the latest run ran or reused each stage
  assert.match(html, /<tr data-stage="A"><td class="l">A<\/td><td class="l">ran<\/td><td>12\.3<\/td><td>2 ran, 1 reused<\/td>/);
  assert.match(html, /<tr data-stage="A">.*?<td class="l"><code>r1<\/code> 2026-01-02 03:04:05<\/td><\/tr>/);
  assert.match(html, /<tr data-stage="B"><td class="l">B<\/td><td class="l">fresh \(cached\)<\/td><td>40\.0<\/td>/);
  assert.match(html, /<tr data-stage="E"><td class="l">E<\/td><td class="l">skipped<\/td><td>–<\/td><td>–<\/td><td class="l">–<\/td><\/tr>/);
});

test('writeReport names a missing image and says how to fix it', async () => {
  await assert.rejects(
    writeReport({ resultsDir: dir, title: 't', dag: { nodes: [], edges: [] }, images: [path.join(dir, 'nope.png')] }),
    /cannot embed .*nope\.png.*pipe plot/,
  );
});

test('report.html opens offline in headless Chromium: every image loads, nothing fetched, not blank', { timeout: 120_000 }, async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: this test needs it (Debian: \`apt-get install chromium\`, or set PIPE_CHROMIUM to a Chromium binary)`,
  );
  const profile = await mkdtemp(path.join(tmpdir(), 'pipe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    // Functions passed to evaluate run in the page, so they cannot call helpers from this module.
    const imgs = await page.evaluate(() =>
      Array.from((globalThis as unknown as { document: PageDom }).document.images, (i) => ({
        alt: i.alt,
        complete: i.complete,
        width: i.naturalWidth,
        height: i.naturalHeight,
      })),
    );
    assert.equal(imgs.length, images.length);
    for (const img of imgs) assert.ok(img.complete && img.width === 800 && img.height === 500, `image ${img.alt} did not load: ${JSON.stringify(img)}`);
    const svgBoxes = await page.evaluate(() => (globalThis as unknown as { document: PageDom }).document.querySelectorAll('svg rect').length);
    assert.equal(svgBoxes, STAGES.length);
    const external = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    assert.deepEqual(external, [], 'the report fetched something from outside the file');
    const shot = await page.screenshot({ fullPage: true });
    const facts = await pngFacts(shot);
    assert.ok(facts.height > 2000, `full page should hold all charts, screenshot is ${facts.height}px tall`);
    assert.ok(facts.variance > 100, `screenshot looks blank: variance ${facts.variance}`);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});
