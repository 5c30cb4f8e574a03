import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dagSvg, escapeXml, type Dag } from './dag-svg.js';
import { isBaseline } from './colors.js';
import type { MetricsRow } from './metrics-table.js';
import { writeFileAtomic } from './write-atomic.js';
import { configHtml, timingsHtml, trialsHtml, type ResolvedConfig, type StageTiming, type StageTrials } from './report-sections.js';

export type { ResolvedConfig, StageTiming, StageTrials };

export interface ReportOptions {
  resultsDir: string;
  title: string;
  dag: Dag;
  /** Headline table (see `headlineMetrics`); omitted when the study has no evaluate stage yet. */
  metricsTable?: MetricsRow[];
  /** Classification / vector-regression scores of evaluate stages (the RAE table does not fit them). */
  taskTables?: TaskTable[];
  /** PNG paths, shown in this order. */
  images: string[];
  /** the params the results were computed with */
  config?: ResolvedConfig;
  /** each tune stage's trials with their params and value */
  trials?: StageTrials[];
  /** per-stage seconds and whether the latest run ran or reused it */
  timings?: StageTiming[];
}

/** One evaluate stage's task scores: a header row and its rows, as `pipe metrics` prints them. */
export interface TaskTable {
  stage: string;
  /** e.g. 'test / test' when only the held-out part is shown */
  part: string;
  columns: string[];
  rows: unknown[][];
}

function taskTableHtml(t: TaskTable): string {
  const cell = (v: unknown) => (typeof v === 'number' ? fmt(v, 4) : v === null || v === undefined ? '–' : escapeXml(String(v)));
  const head = t.columns.map((c, i) => `<th${typeof t.rows[0]?.[i] === 'number' ? '' : ' class="l"'}>${escapeXml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? '' : ' class="l"'}>${cell(v)}</td>`).join('')}</tr>`);
  return (
    `<h3>Stage ${escapeXml(t.stage)} on ${escapeXml(t.part)}</h3>` +
    `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>` +
    '<p class="muted">Baselines: dummy = the training prior (classification) or training mean (regression), majority = the majority class. ' +
    'Every set and part: <code>pipe metrics</code> and metrics.csv.</p>'
  );
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1280px;padding:24px;color:#222;background:#fff}
h1{margin:0 0 4px}h2{margin-top:36px;border-bottom:1px solid #ddd;padding-bottom:4px}
.muted{color:#666;font-size:14px}
.dag{overflow-x:auto;border:1px solid #eee;border-radius:6px;padding:8px}
table{border-collapse:collapse;font-size:14px;margin-top:8px}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}
tr.best td{font-weight:bold}
code{font-size:13px}
details.config{margin:6px 0}details.config summary{cursor:pointer}
h3{margin-top:20px}
figure{margin:24px 0}figure img{width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:14px}
`;

const fmt = (v: number | null, digits = 3) => (v === null || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString());

function stageTable(dag: Dag): string {
  const rows = dag.nodes.map(
    (n) =>
      `<tr><td class="l">${escapeXml(n.name)}</td><td class="l">${escapeXml(n.kind)}</td><td class="l">${escapeXml(n.status)}</td>` +
      `<td class="l"><code title="${escapeXml(n.fingerprint)}">${escapeXml(n.fingerprint.slice(0, 16))}</code></td></tr>`,
  );
  return (
    `<table><thead><tr><th class="l">stage</th><th class="l">kind</th><th class="l">status</th><th class="l">fingerprint</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function metricsTableHtml(rows: MetricsRow[]): string {
  // Bold the best (lowest median RAE) trained model of each set/part: the row a reader looks for.
  const best = new Map<string, MetricsRow>();
  for (const r of rows) {
    const key = `${r.set}/${r.part}`;
    const b = best.get(key);
    if (!isBaseline(r.model) && r.medianRae !== null && (!b || r.medianRae < b.medianRae!)) best.set(key, r);
  }
  const unit = rows[0]?.unit ?? '';
  const body = rows.map((r) => {
    const cls = best.get(`${r.set}/${r.part}`) === r ? ' class="best"' : '';
    const seen = r.seen === 'train' ? ' (trained on)' : r.seen === 'val' ? ' (early stopping)' : '';
    const skill = r.skillMae === null ? '–' : `${fmt(r.skillMae)} vs ${escapeXml(r.skillVs ?? '')}`;
    const raeSkill = r.skillRae === null ? '–' : `${fmt(r.skillRae)} vs ${escapeXml(r.skillRaeVs ?? '')}`;
    return (
      `<tr${cls}><td class="l">${escapeXml(r.set)} / ${escapeXml(r.part)}${seen}</td><td class="l">${escapeXml(r.model)}</td><td>${r.n}</td>` +
      `<td>${fmt(r.medianRae)}</td><td>${fmt(r.mae)}</td><td>${fmt(r.r2)}</td><td>${raeSkill}</td><td>${skill}</td>` +
      `<td>${r.params.toLocaleString('en-US')}</td><td>${fmt(r.msPerSample)}</td></tr>`
    );
  });
  return (
    `<table><thead><tr><th class="l">set / part</th><th class="l">model</th><th>samples</th><th>median RAE (–)</th>` +
    `<th>MAE (${escapeXml(unit)})</th><th>R² (–, pooled)</th><th>RAE skill (1 − median RAE/baseline)</th>` +
    `<th>MAE skill (1 − MAE/baseline)</th><th>parameters</th><th>inference (ms/sample)</th></tr></thead>` +
    `<tbody>${body.join('')}</tbody></table>` +
    '<p class="muted">Bold: lowest median RAE per set/part among trained models. Baselines: dummy = training mean, zero = 0 everywhere, ' +
    "persistence = the input channel named in the evaluate stage. MAE skill: against the part's strongest baseline " +
    '(&gt; 0 beats every baseline). R² is pooled over all cells of the part. ' +
    '“trained on” / “early stopping”: parts the models saw; the test set is the headline.</p>'
  );
}

function headline(opts: ReportOptions): string {
  const tables = [
    ...(opts.metricsTable && opts.metricsTable.length > 0 ? [metricsTableHtml(opts.metricsTable)] : []),
    ...(opts.taskTables ?? []).filter((t) => t.rows.length > 0).map(taskTableHtml),
  ];
  return tables.length > 0 ? tables.join('\n') : '<p class="muted">No evaluation results yet.</p>';
}

async function figure(file: string): Promise<string> {
  let png: Buffer;
  try {
    png = await readFile(file);
  } catch (error) {
    throw new Error(`report: cannot embed ${file} (${(error as NodeJS.ErrnoException).code ?? error}); run \`pipe plot\` first`);
  }
  const name = path.basename(file, '.png');
  return (
    `<figure id="${escapeXml(name)}"><img alt="${escapeXml(name)}" src="data:image/png;base64,${png.toString('base64')}">` +
    `<figcaption>${escapeXml(name)}</figcaption></figure>`
  );
}

/**
 * Writes `<resultsDir>/report.html`: one self-contained page (PNGs as data URIs, inline CSS and SVG, no
 * scripts or external fonts) so it opens offline from disk or as a CI artifact. Returns its path.
 */
export async function writeReport(opts: ReportOptions): Promise<string> {
  const figures = await Promise.all(opts.images.map(figure));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(opts.title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeXml(opts.title)}</h1>
<p class="muted">Generated by pipe on ${new Date().toISOString()} from ${escapeXml(path.resolve(opts.resultsDir))}</p>
<h2>Stages</h2>
<div class="dag">${dagSvg(opts.dag)}</div>
${stageTable(opts.dag)}
<h2>Headline metrics</h2>
${headline(opts)}
${opts.timings ? `<h2>Timings</h2>\n${timingsHtml(opts.timings)}` : ''}
${opts.trials?.length ? `<h2>Tuning trials</h2>\n${opts.trials.map(trialsHtml).join('\n')}` : ''}
${opts.config ? `<h2>Resolved config</h2>\n${configHtml(opts.config)}` : ''}
<h2>Charts</h2>
${figures.length > 0 ? figures.join('\n') : '<p class="muted">No charts yet: run <code>pipe plot</code>.</p>'}
</body></html>
`;
  return writeFileAtomic(path.join(opts.resultsDir, 'report.html'), html);
}
