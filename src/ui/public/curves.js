// The dashboard's live learning curves (Chart.js): train and validation loss per epoch on a log axis,
// the best epoch marked, the stage's training-mean baseline as a grey dotted line, the epoch count in
// the caption. One chart per unit, kept across updates (only its data changes).
/* global Chart, el, fmt */
/* exported charts, epochCount, curveChart */
'use strict';

const charts = new Map();

const epochCount = (last) => `epoch ${last.epoch + 1}/${last.epochs}`;

function curveChart(key, caption, unit, baseline) {
  let c = charts.get(key);
  if (!c) {
    const canvas = el('canvas');
    const cap = el(
      'figcaption',
      {},
      el('span', { class: 'what' }),
      ' ',
      el('span', { class: 'epoch-count' }),
      el('span', { class: 'best' }),
      el('span', { class: 'baseline' }),
    );
    const fig = el('figure', { class: 'curve', 'data-unit': key.split('|')[1] }, cap, el('div', { class: 'box' }, canvas));
    const chart = new Chart(canvas, {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          { label: 'train', data: [], borderColor: '#1f77d0', backgroundColor: '#1f77d0', pointRadius: 0, borderWidth: 2 },
          { label: 'val', data: [], borderColor: '#e8710a', backgroundColor: '#e8710a', borderDash: [6, 4], pointRadius: 0, borderWidth: 2 },
          { label: 'best', data: [], type: 'scatter', borderColor: '#2e9a4b', backgroundColor: '#2e9a4b', pointRadius: 5 },
          {
            label: 'training-mean baseline (val)',
            data: [],
            borderColor: '#8a929e',
            backgroundColor: '#8a929e',
            borderDash: [2, 3],
            pointRadius: 0,
            borderWidth: 1.5,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, ticks: { precision: 0 } },
          y: { type: 'logarithmic', title: { display: true, text: 'loss' } },
        },
        plugins: { legend: { labels: { boxWidth: 12 } } },
      },
    });
    c = { fig, chart };
    charts.set(key, c);
  }
  const pts = unit.epochs;
  const train = pts.map((e) => ({ x: e.epoch + 1, y: e.train }));
  const val = pts.map((e) => ({ x: e.epoch + 1, y: e.val }));
  let best;
  for (const p of val) if (Number.isFinite(p.y) && (!best || p.y < best.y)) best = p;
  c.chart.data.datasets[0].data = train;
  c.chart.data.datasets[1].data = val;
  c.chart.data.datasets[2].data = best ? [best] : [];
  const last = pts.at(-1);
  // the baseline spans the epochs the unit will run, so a line that starts high shows how far it has come
  const span = Math.max(1, last ? last.epochs : 1, val.length);
  c.chart.data.datasets[3].data = baseline
    ? [
        { x: 1, y: baseline.val },
        { x: span, y: baseline.val },
      ]
    : [];
  c.chart.update('none');
  c.fig.dataset.points = String(pts.length);
  c.fig.dataset.state = unit.state;
  c.fig.dataset.baseline = baseline ? String(baseline.val) : '';
  const q = (sel) => c.fig.querySelector(sel);
  q('.what').textContent = `${caption} — ${unit.state}`;
  q('.epoch-count').textContent = last ? epochCount(last) : '';
  q('.best').textContent = best ? `, best val ${fmt(best.y)} @ ${best.x}` : '';
  q('.baseline').textContent = baseline
    ? ` · grey dotted: validation loss of predicting the training mean, ${fmt(baseline.val)} (read from ${baseline.unit})`
    : '';
  return c.fig;
}
