// The dashboard's parallel-coordinates view of a tune stage's trials: one vertical axis per searched
// parameter and one for the trial's value (its best validation loss), one line per trial, the best trial
// drawn last and in green. A parameter sampled log-uniform (the search space in the run's resolved
// config says so) gets a log axis; a choice gets one evenly spaced tick per value. Plain SVG: every
// string reaches the page through textContent.
/* exported parallelCoordinates */
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs = {}, text) => {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};
const pcFmt = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(3))) : typeof v === 'string' ? v : JSON.stringify(v));

/** One axis: where a value goes (0 bottom … 1 top) and its ticks; `spec` is the search-space entry, if known. */
function pcAxis(name, values, spec) {
  const nums = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (spec?.kind === 'choice' || nums.length < values.filter((v) => v !== undefined).length) {
    const cats = spec?.kind === 'choice' ? spec.values.map(pcFmt) : [...new Set(values.filter((v) => v !== undefined).map(pcFmt))].sort();
    const at = (v) => (cats.length < 2 ? 0.5 : cats.indexOf(pcFmt(v)) / (cats.length - 1));
    return { name, log: false, pos: at, ticks: cats.map((c) => [at(c), c]) };
  }
  // nothing to place yet (no trial has a value): a bare axis
  if (!nums.length && typeof spec?.low !== 'number') return { name, log: false, pos: () => 0.5, ticks: [] };
  let lo = Math.min(...nums, ...(typeof spec?.low === 'number' ? [spec.low] : []));
  let hi = Math.max(...nums, ...(typeof spec?.high === 'number' ? [spec.high] : []));
  const log = spec?.kind === 'log_uniform' && lo > 0;
  const f = log ? Math.log10 : (x) => x;
  if (!(f(hi) > f(lo))) ((lo = lo === 0 ? -1 : lo / 2), (hi = hi === 0 ? 1 : hi * 2));
  const pos = (v) => (f(v) - f(lo)) / (f(hi) - f(lo));
  const ticks = [lo, hi].map((v) => [pos(v), pcFmt(v)]);
  if (log) {
    // whole decades between the ends, labelled plainly
    for (let d = Math.ceil(Math.log10(lo)); 10 ** d < hi; d++) if (10 ** d > lo) ticks.push([pos(10 ** d), pcFmt(10 ** d)]);
  }
  return { name: log ? `${name} (log)` : name, log, pos, ticks };
}

/**
 * trials: units with a `label` (their params) and epochs (val per epoch); keys: the params shown;
 * space: the stage's search space from the run's resolved config (may be undefined).
 */
function parallelCoordinates(trials, keys, space) {
  if (!trials.length || !keys.length) return undefined;
  const valueOf = (u) => {
    const vals = u.epochs.map((e) => e.val).filter(Number.isFinite);
    return vals.length ? Math.min(...vals) : undefined;
  };
  const rows = trials.map((u) => ({ id: u.id, state: u.state, params: u.label, value: valueOf(u) }));
  const axes = [
    ...keys.map((k) =>
      pcAxis(
        k,
        rows.map((r) => r.params[k]),
        space?.[k],
      ),
    ),
    pcAxis(
      'value (best val loss)',
      rows.map((r) => r.value),
    ),
  ];
  const W = Math.max(420, 170 * axes.length);
  const H = 260;
  const top = 34;
  const bottom = 22;
  const left = 60;
  const right = 110; // room for the last axis's name
  const x = (i) => left + (i * (W - left - right)) / (axes.length - 1);
  const y = (p) => top + (1 - p) * (H - top - bottom);
  const svg = svgEl('svg', { class: 'parcoords', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img' });
  svg.append(svgEl('title', {}, 'parallel coordinates of the trials: params vs value'));
  for (const [i, a] of axes.entries()) {
    const g = svgEl('g', { class: 'axis', 'data-axis': a.name, 'data-log': a.log });
    g.append(svgEl('line', { x1: x(i), x2: x(i), y1: y(0), y2: y(1) }));
    g.append(svgEl('text', { x: x(i), y: 14, 'text-anchor': 'middle', class: 'axis-name' }, a.name));
    for (const [p, label] of a.ticks) {
      g.append(svgEl('line', { x1: x(i) - 4, x2: x(i), y1: y(p), y2: y(p) }));
      g.append(svgEl('text', { x: x(i) - 7, y: y(p) + 4, 'text-anchor': 'end', class: 'tick' }, label));
    }
    svg.append(g);
  }
  const scored = rows.filter((r) => r.value !== undefined);
  const best = scored.length ? scored.reduce((a, b) => (b.value < a.value ? b : a)) : undefined;
  // the best last, so it is drawn on top
  for (const r of [...rows.filter((r) => r !== best), ...(best ? [best] : [])]) {
    const cells = [...keys.map((k) => r.params[k]), r.value];
    const pts = cells.map((v, i) => (v === undefined ? undefined : `${x(i).toFixed(1)},${y(axes[i].pos(v)).toFixed(1)}`)).filter(Boolean);
    const cls = r === best ? 'trial best' : r.value === undefined ? 'trial pending' : 'trial';
    const line = svgEl('polyline', { class: cls, points: pts.join(' '), 'data-unit': r.id, 'data-state': r.state });
    line.append(
      svgEl(
        'title',
        {},
        `${r.id} (${r.state}): ${keys.map((k) => `${k}=${pcFmt(r.params[k])}`).join(', ')}; value ${r.value === undefined ? '–' : pcFmt(r.value)}`,
      ),
    );
    svg.append(line);
  }
  return svg;
}
