import { SET_NAMES } from '../data/set-names.js';
import { isBaseline } from './colors.js';
import type { Metrics } from './result-files.js';

// Reading order of sets and parts: the development sets first, the held-out test last.
const SET_ORDER: readonly string[] = SET_NAMES;
const PART_ORDER = ['train', 'val', 'test'];

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
}

export interface SetPart {
  set: string;
  part: string;
  label: string;
}

/** Every (set, part) any model of metrics.json has, in reading order (small, big, test; train, val, test). */
export function setParts(metrics: Metrics): SetPart[] {
  const seen = new Map<string, SetPart>();
  for (const model of Object.values(metrics.models)) {
    for (const [set, parts] of Object.entries(model.sets)) {
      for (const part of Object.keys(parts)) if (!seen.has(`${set}\u0000${part}`)) seen.set(`${set}\u0000${part}`, { set, part, label: `${set} / ${part}` });
    }
  }
  // Mark the parts the trained models saw, so no chart passes them off as held out.
  for (const [name, model] of Object.entries(metrics.models)) {
    if (isBaseline(name)) continue;
    for (const [set, parts] of Object.entries(model.sets)) {
      for (const [part, pm] of Object.entries(parts)) {
        const sp = seen.get(`${set}\u0000${part}`)!;
        if (pm.seen && !sp.label.includes('(')) sp.label += pm.seen === 'train' ? ' (trained on)' : ' (early stopping)';
      }
    }
  }
  return [...seen.values()].sort(
    (a, b) =>
      rank(SET_ORDER, a.set) - rank(SET_ORDER, b.set) || a.set.localeCompare(b.set) ||
      rank(PART_ORDER, a.part) - rank(PART_ORDER, b.part) || a.part.localeCompare(b.part),
  );
}

/** Model names with the baselines last, so the legend reads contenders first. */
export function modelOrder(metrics: Metrics): string[] {
  return Object.keys(metrics.models).sort((a, b) => Number(isBaseline(a)) - Number(isBaseline(b)) || a.localeCompare(b));
}
