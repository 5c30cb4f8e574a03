/**
 * The report's tables beyond the DAG and the headline metrics: the resolved config the results came
 * from, each tune stage's trials with their parameters and value, and per-stage timings. Pure functions
 * from plain data to escaped HTML (no scripts: the report stays one offline file).
 */
import { escapeXml } from './dag-svg.js';
import type { Trial } from './result-files.js';

export interface ResolvedConfig {
  /** the profile the results belong to (null: none) */
  profile: string | null;
  /** --set values of the run that last ran a stage, when known */
  sets?: string[];
  stages: { name: string; kind: string; params: unknown; seed?: number; backend?: string; recorded: boolean }[];
}

export interface StageTrials {
  stage: string;
  trials: Trial[];
}

export interface StageTiming {
  stage: string;
  /** what the latest recorded run did with the stage: ran, restored, fresh (cached), failed, skipped */
  latest: string;
  /** seconds the stage took the last time it ran (restored or fresh: the run that computed it) */
  seconds?: number;
  units?: { ran: number; reused: number };
  /** id of the run the seconds are from */
  run?: string;
  at?: number;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
const cell = (v: unknown) => (v === undefined || v === null ? '–' : typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v));

/** YAML-like lines of a params object: nested keys dotted, one `key: value` per line. */
export function flattenParams(params: unknown, prefix = ''): [string, string][] {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return [[prefix || '(value)', cell(params)]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) out.push(...flattenParams(v, key));
    else out.push([key, cell(v)]);
  }
  return out;
}

export function configHtml(c: ResolvedConfig): string {
  const head =
    `<p class="muted">Profile: <code>${escapeXml(c.profile ?? 'none')}</code>` +
    `${c.sets?.length ? ` · --set of the run that produced them: <code>${escapeXml(c.sets.join(' '))}</code>` : ''}` +
    " · the parameters each stage's results were computed with (pipeline.lock's fingerprint parts: pipeline.yaml after the profile and --set)</p>";
  const stages = c.stages.map((s) => {
    const rows = flattenParams(s.params).map(([k, v]) => `<tr><td class="l"><code>${escapeXml(k)}</code></td><td class="l">${escapeXml(v)}</td></tr>`);
    const extra = [s.seed !== undefined ? `seed ${s.seed}` : '', s.backend ? `backend ${s.backend}` : '', s.recorded ? '' : 'not run yet: the current config']
      .filter(Boolean)
      .join(' · ');
    return (
      `<details class="config" data-stage="${escapeXml(s.name)}">` +
      `<summary>${escapeXml(s.name)} (${escapeXml(s.kind)})${extra ? ` — ${escapeXml(extra)}` : ''}</summary>` +
      `<table><thead><tr><th class="l">param</th><th class="l">value</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`
    );
  });
  return head + stages.join('\n');
}

/** The trial with the lowest complete value (the tuner minimises). */
function bestTrial(trials: readonly Trial[]): Trial | undefined {
  let best: Trial | undefined;
  for (const t of trials) if (t.state === 'complete' && t.value != null && Number.isFinite(t.value) && (!best || t.value < best.value!)) best = t;
  return best;
}

export function trialsHtml({ stage, trials }: StageTrials): string {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const best = bestTrial(trials);
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map(
      (t) =>
        `<tr${t === best ? ' class="best"' : ''} data-trial="${t.number}"><td>${t.number}</td><td class="l">${escapeXml(t.state)}</td>` +
        keys.map((k) => `<td>${escapeXml(cell(t.params[k]))}</td>`).join('') +
        `<td>${t.value == null ? '–' : escapeXml(cell(t.value))}</td><td>${t.epochs ?? '–'}</td>` +
        `<td>${t.seconds === undefined ? '–' : t.seconds.toFixed(1)}</td></tr>`,
    );
  return (
    `<h3>Stage ${escapeXml(stage)}: ${trials.length} trials</h3>` +
    `<table class="trials" data-stage="${escapeXml(stage)}"><thead><tr><th>trial</th><th class="l">state</th>` +
    keys.map((k) => `<th>${escapeXml(k)}</th>`).join('') +
    '<th>value (val loss)</th><th>epochs</th><th>seconds</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>` +
    `<p class="muted">Bold: the best complete trial${best ? ` (trial ${best.number})` : ''}. A pruned trial's value is its last reported one.</p>`
  );
}

export function timingsHtml(rows: StageTiming[]): string {
  if (!rows.length) return '<p class="muted">No recorded runs (.pipe/runs) for these results.</p>';
  const body = rows.map((r) => {
    const units = r.units ? `${r.units.ran} ran, ${r.units.reused} reused` : '–';
    const when = r.at ? new Date(r.at).toISOString().replace('T', ' ').slice(0, 19) : '';
    return (
      `<tr data-stage="${escapeXml(r.stage)}"><td class="l">${escapeXml(r.stage)}</td>` +
      `<td class="l">${escapeXml(r.latest === 'fresh' ? 'fresh (cached)' : r.latest)}</td>` +
      `<td>${r.seconds === undefined ? '–' : r.seconds.toFixed(1)}</td><td>${units}</td>` +
      `<td class="l">${r.run ? `<code>${escapeXml(r.run)}</code> ${when}` : '–'}</td></tr>`
    );
  });
  return (
    '<table class="timings"><thead><tr><th class="l">stage</th><th class="l">latest run</th>' +
    '<th>seconds (when it ran)</th><th>units</th><th class="l">run</th></tr></thead>' +
    `<tbody>${body.join('')}</tbody></table>` +
    '<p class="muted">“fresh (cached)”: the latest run reused the stage\'s cached result; its seconds are from the run that computed it. ' +
    'Restored: copied from the cache.</p>'
  );
}
