// The dashboard's compare view: two runs (or the lock) side by side — params that differ, metric deltas,
// validation curves overlaid.
/* global Chart, $, el, fmt, fillTable, charts */
/* exported showCompare */
'use strict';

async function showCompare() {
  const a = $('cmp-a').value;
  const b = $('cmp-b').value;
  if (!a || !b) return;
  const r = await fetch(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  if (!r.ok) return;
  const { comparison: c, curves } = await r.json();
  $('compare-view').dataset.old = c.old;
  $('compare-view').dataset.new = c.new;
  fillTable(
    $('cmp-params'),
    ['param', 'old', 'new', 'stages'],
    c.params.map((p) => ({ attrs: { 'data-param': p.path }, cells: [p.path, fmt(p.old), fmt(p.new), p.stages.join(', ')] })),
  );
  const changed = c.metrics.filter((m) => m.changed);
  fillTable(
    $('cmp-metrics'),
    ['stage', 'metric', 'old', 'new', 'delta', 'delta %'],
    changed.map((m) => ({
      attrs: { 'data-metric': `${m.stage}:${m.key}` },
      cells: [
        m.stage,
        m.key,
        m.old,
        m.new,
        m.delta === undefined ? '–' : `${m.delta >= 0 ? '+' : ''}${fmt(m.delta)}`,
        m.delta !== undefined && typeof m.old === 'number' && m.old !== 0 ? `${((m.delta / Math.abs(m.old)) * 100).toFixed(1)}%` : '–',
      ],
    })),
  );
  for (const [k, ch] of charts) if (k.startsWith('cmp|')) (ch.chart.destroy(), charts.delete(k));
  const units = Object.keys(curves.new).filter((u) => curves.old[u]);
  $('cmp-curves').replaceChildren(
    ...units.map((u) => {
      const canvas = el('canvas');
      const fig = el('figure', { class: 'curve', 'data-unit': u }, el('figcaption', { text: u }), el('div', { class: 'box' }, canvas));
      const pts = (arr) => arr.map((y, i) => ({ x: i + 1, y }));
      const chart = new Chart(canvas, {
        type: 'line',
        data: {
          datasets: [
            { label: `old (${c.old})`, data: pts(curves.old[u]), borderColor: '#98a1ad', borderDash: [6, 4], pointRadius: 0 },
            { label: `new (${c.new})`, data: pts(curves.new[u]), borderColor: '#e8710a', pointRadius: 0 },
          ],
        },
        options: { animation: false, maintainAspectRatio: false, parsing: false, scales: { x: { type: 'linear' }, y: { type: 'logarithmic' } } },
      });
      charts.set(`cmp|${u}`, { fig, chart });
      return fig;
    }),
  );
}
