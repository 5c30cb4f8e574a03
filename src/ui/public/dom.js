// The dashboard's DOM helpers: elements built from text (never HTML), number formats, sortable tables.
// Plain browser JavaScript loaded before app.js (no build step); every string reaches the page through
// textContent or an attribute.
/* exported $, el, fmt, secs, when, fillTable */
'use strict';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};
const fmt = (v) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? String(v)
      : String(Number(v.toPrecision(4)))
    : v === undefined || v === null
      ? '–'
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);
const secs = (s) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`);
const when = (t) => new Date(t).toLocaleString();

const sortState = new Map();

// ---- tables -------------------------------------------------------------------------------------
function fillTable(table, head, rows, opts = {}) {
  const thead = table.tHead;
  thead.replaceChildren(
    el('tr', {}, ...head.map((h, i) => el('th', { text: h, onclick: table.classList.contains('sortable') ? () => sortBy(table, i) : () => {} }))),
  );
  const body = table.tBodies[0];
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = el('tr', r.attrs ?? {});
      if (r.onclick) {
        tr.classList.add('clickable');
        tr.addEventListener('click', r.onclick);
      }
      for (const c of r.cells) tr.append(el('td', { text: fmt(c), class: typeof c === 'number' ? 'num' : '' }));
      return tr;
    }),
  );
  const s = sortState.get(table.id);
  if (s && !opts.keepOrder) applySort(table, s.col, s.dir);
}
function sortBy(table, col) {
  const s = sortState.get(table.id);
  const dir = s && s.col === col ? -s.dir : 1;
  sortState.set(table.id, { col, dir });
  applySort(table, col, dir);
}
function applySort(table, col, dir) {
  const body = table.tBodies[0];
  const key = (tr) => {
    const t = tr.children[col]?.textContent ?? '';
    const n = Number(t.replace(/[, %]/g, ''));
    return t !== '' && t !== '–' && Number.isFinite(n) ? n : t;
  };
  const rows = [...body.rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    return String(x).localeCompare(String(y)) * dir;
  });
  body.replaceChildren(...rows);
  for (const [i, th] of [...table.tHead.rows[0].cells].entries()) th.dataset.sorted = i === col ? (dir > 0 ? 'asc' : 'desc') : '';
}
