/**
 * Two runs (or a run and the lock) side by side: the resolved params that differ — one row per setting,
 * naming the stages it differs in, so `--set train.lr=…` reads as one change, not one per stage — and
 * every headline metric old → new, with the delta for numbers.
 */
import { canonicalJson } from '../cache/hash.js';
import type { ComparableRun } from './run-history.js';

export interface ParamChange {
  path: string;
  old: unknown;
  new: unknown;
  stages: string[];
}

export interface MetricChange {
  stage: string;
  /** the metric's key as the stage records it, e.g. rae_median.unet.test.test */
  key: string;
  old: unknown;
  new: unknown;
  /** new − old, when both are numbers */
  delta?: number;
  changed: boolean;
}

export interface Comparison {
  old: string;
  new: string;
  params: ParamChange[];
  metrics: MetricChange[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf paths of a config object (arrays are leaves: a changed list is one change). */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = v;
  return out;
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function compareRuns(a: ComparableRun, b: ComparableRun): Comparison {
  const byChange = new Map<string, ParamChange>();
  const stages = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])];
  for (const s of stages) {
    const fa = flatten(a.params[s]);
    const fb = flatten(b.params[s]);
    for (const path of [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()) {
      if (same(fa[path], fb[path])) continue;
      const id = `${path}\u0000${canonicalJson(fa[path] ?? null)}\u0000${canonicalJson(fb[path] ?? null)}`;
      const c = byChange.get(id) ?? { path, old: fa[path], new: fb[path], stages: [] };
      c.stages.push(s);
      byChange.set(id, c);
    }
  }
  const metrics: MetricChange[] = [];
  for (const s of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])]) {
    const ma = a.metrics[s] ?? {};
    const mb = b.metrics[s] ?? {};
    for (const key of [...new Set([...Object.keys(ma), ...Object.keys(mb)])]) {
      const o = ma[key];
      const n = mb[key];
      const delta = typeof o === 'number' && typeof n === 'number' ? n - o : undefined;
      metrics.push({ stage: s, key, old: o, new: n, ...(delta !== undefined ? { delta } : {}), changed: !same(o, n) });
    }
  }
  return { old: a.label, new: b.label, params: [...byChange.values()].sort((x, y) => x.path.localeCompare(y.path)), metrics };
}
