// trials.csv: one row per trial, sorted by number; each parameter is a `params.<path>` column
// (in order of first appearance), then value, state, epochs, seconds. A missing value is empty.
import type { TrialRecord } from './trial-record.js';
import { byNumber } from './trial-record.js';

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return csvField(String(v));
}

export function trialsCsv(records: readonly TrialRecord[]): string {
  const sorted = byNumber(records);
  const paramNames: string[] = [];
  for (const r of sorted) for (const k of Object.keys(r.params)) if (!paramNames.includes(k)) paramNames.push(k);
  const header = ['number', ...paramNames.map((k) => `params.${k}`), 'value', 'state', 'epochs', 'seconds'];
  const rows = sorted.map((r) => [r.number, ...paramNames.map((k) => r.params[k]), r.value, r.state, r.epochs, r.seconds].map(cell).join(','));
  return [header.map(csvField).join(','), ...rows].join('\n') + '\n';
}
