/**
 * A stage's fingerprint: SHA-256 over the canonical JSON of everything that determines its result, in a
 * fixed field order. The parts are kept (in pipeline.lock) so a changed fingerprint can be explained
 * field by field: "params.train.lr changed", "models/unet.ts changed", "upstream A changed".
 */
import { canonicalJson, sha256, type Sha256 } from './hash.js';

export interface FingerprintParts {
  kind: string;
  params: unknown;
  seed: number;
  backend: string;
  data: Record<string, string>;
  upstream: Record<string, string>;
  models: Record<string, { file: string; hash: string }>;
  files: Record<string, string>;
  tool: string;
  tfjs: string;
}

const ORDER: (keyof FingerprintParts)[] = ['kind', 'params', 'seed', 'backend', 'data', 'upstream', 'models', 'files', 'tool', 'tfjs'];

export function fingerprintOf(parts: FingerprintParts): Sha256 {
  return sha256(canonicalJson(ORDER.map((k) => [k, parts[k]])));
}

/** Human reasons why `now` differs from `before`; empty when they are the same. */
export function explainChange(before: FingerprintParts, now: FingerprintParts): string[] {
  const reasons: string[] = [];
  if (before.kind !== now.kind) reasons.push(`kind changed (${before.kind} → ${now.kind})`);
  for (const p of diffPaths(before.params, now.params)) reasons.push(`params.${p.path} ${p.change}`);
  if (before.seed !== now.seed) reasons.push(`seed changed (${before.seed} → ${now.seed})`);
  if (before.backend !== now.backend) reasons.push(`backend changed (${before.backend} → ${now.backend})`);
  for (const [k, change] of diffKeys(before.data, now.data)) reasons.push(`data '${k}' ${change}`);
  for (const [k, change] of diffKeys(before.upstream, now.upstream))
    reasons.push(change === 'changed' ? `upstream ${k} changed` : `dependency on ${k} ${change}`);
  const files = (m: Record<string, { file: string; hash: string }>) => Object.fromEntries(Object.values(m ?? {}).map((v) => [v.file, v.hash]));
  for (const [k, change] of diffKeys(files(before.models), files(now.models))) reasons.push(`${k} ${change}`);
  for (const [k, change] of diffKeys(before.files, now.files)) reasons.push(`${k} ${change}`);
  if (before.tool !== now.tool) reasons.push(`pipe version changed (${before.tool} → ${now.tool})`);
  if (before.tfjs !== now.tfjs) reasons.push(`tfjs version changed (${before.tfjs} → ${now.tfjs})`);
  return reasons;
}

function diffKeys(a: Record<string, string> = {}, b: Record<string, string> = {}): [string, string][] {
  const out: [string, string][] = [];
  for (const k of Object.keys(a)) if (!(k in b)) out.push([k, 'removed']);
  for (const [k, v] of Object.entries(b)) {
    if (!(k in a)) out.push([k, 'added']);
    else if (a[k] !== v) out.push([k, 'changed']);
  }
  return out;
}

function diffPaths(a: unknown, b: unknown, prefix = ''): { path: string; change: string }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const out: { path: string; change: string }[] = [];
    for (const k of Object.keys(a)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (!(k in b) || b[k] === undefined) out.push({ path: p, change: 'removed' });
      else out.push(...diffPaths(a[k], b[k], p));
    }
    for (const k of Object.keys(b)) if (!(k in a) || a[k] === undefined) out.push({ path: prefix ? `${prefix}.${k}` : k, change: 'added' });
    return out;
  }
  if (canonicalJson(a) === canonicalJson(b)) return [];
  return [{ path: prefix || '(all)', change: `changed (${short(a)} → ${short(b)})` }];
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
