// The dashboard page: the runs table, one run's DAG, stages, trials and curves, routing and the live
// stream. Plain browser JavaScript (no build step), after dom.js, curves.js, parallel-coords.js and
// compare-view.js. Every string that comes from a config, a run log or the lock reaches the page through
// textContent or an attribute, never as HTML.
/* global EventSource, $, el, fmt, secs, when, fillTable, charts, epochCount, curveChart, parallelCoordinates, showCompare */
'use strict';

let runs = [];
let current; // the run shown
let shownId; // the run asked for (undefined: the latest)

// ---- runs list ----------------------------------------------------------------------------------
function renderRuns() {
  fillTable(
    $('runs-table'),
    ['run', 'when', 'status', 'commit', 'profile', 'changed since previous', 'headline', 'time'],
    runs
      .slice()
      .reverse()
      .map((r) => ({
        attrs: { 'data-run': r.id, 'data-status': r.status },
        onclick: () => (location.hash = `#/run/${encodeURIComponent(r.id)}`),
        cells: [
          r.id,
          when(r.started),
          r.status,
          r.commit ? `${r.commit.slice(0, 8)}${r.dirty ? '*' : ''}` : '–',
          r.profile ?? '–',
          r.changed.map((c) => `${c.path}: ${fmt(c.old)} → ${fmt(c.new)}`).join('; ') || '–',
          r.headline ? `${r.headline.label} ${fmt(r.headline.value)}` : '–',
          secs(r.seconds),
        ],
      })),
    { keepOrder: true },
  );
  const ids = runs.map((r) => r.id);
  for (const [sel, dflt] of [
    [$('cmp-a'), ids.at(-2) ?? 'lock'],
    [$('cmp-b'), ids.at(-1) ?? 'lock'],
  ]) {
    const was = sel.value;
    sel.replaceChildren(...[...ids.slice().reverse(), 'lock'].map((id) => el('option', { value: id, text: id === 'lock' ? 'lock (committed)' : id })));
    sel.value = was && [...ids, 'lock'].includes(was) ? was : dflt;
  }
}

// ---- one run ------------------------------------------------------------------------------------
function depthOf(stages) {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const memo = new Map();
  const depth = (n) => {
    if (memo.has(n)) return memo.get(n);
    const s = byName.get(n);
    const d = s ? 1 + Math.max(-1, ...s.needs.filter((x) => byName.has(x)).map(depth)) : 0;
    memo.set(n, d);
    return d;
  };
  return depth;
}

function stageProgress(stage, now) {
  const total = stage.units.length;
  const finished = stage.units.filter((u) => u.state === 'ran' || u.state === 'reused');
  const ran = finished.filter((u) => u.state === 'ran' && u.started && u.ended);
  const running = stage.units.filter((u) => u.state === 'running');
  const queued = stage.units.filter((u) => u.state === 'queued').length;
  let eta;
  if (stage.state === 'running' && total) {
    const mean = ran.length ? ran.reduce((s, u) => s + (u.ended - u.started), 0) / ran.length : undefined;
    const left = running.map((u) => {
      const last = u.epochs.at(-1);
      if (last) return ((now - u.started) / u.epochs.length) * (last.epochs - u.epochs.length);
      return mean !== undefined ? Math.max(0, mean - (now - u.started)) : undefined;
    });
    const unitTime =
      mean ??
      (running.length && running.every((u) => u.epochs.length)
        ? running.reduce((s, u) => s + ((now - u.started) / u.epochs.length) * u.epochs.at(-1).epochs, 0) / running.length
        : undefined);
    if (!left.includes(undefined) && (queued === 0 || unitTime !== undefined)) {
      const slots = Math.max(1, running.length);
      eta = Math.max(0, ...left, (left.reduce((a, b) => a + b, 0) + queued * (unitTime ?? 0)) / slots) / 1000;
    }
  }
  return { done: finished.length, total, eta };
}

function renderRun(run) {
  current = run;
  const now = run.status === 'running' ? Date.now() : run.last;
  $('run-title').textContent = `Run ${run.id} — ${run.status}`;
  $('run-view').dataset.run = run.id;
  $('run-view').dataset.status = run.status;
  const s = run.start;
  const meta = [
    ['pipeline', `${s.pipeline} (${s.config})`],
    ['started', when(s.t)],
    ['duration', secs(((run.end?.t ?? now) - s.t) / 1000)],
    ['commit', s.git.commit ? `${s.git.commit}${s.git.dirty ? ' (uncommitted changes)' : ''}` : 'not a git work tree'],
    ['profile', s.profile ?? '–'],
    ['--set', s.sets.join(' ') || '–'],
    ['host', `${s.host} (pid ${s.pid})`],
    [
      'backend',
      `${s.backend.requested} → ${
        Object.values(run.end?.backends ?? {})
          .filter((b) => b !== 'none')
          .join(', ') || s.backend.expected
      }`,
    ],
    ['jobs', s.jobs],
  ];
  $('run-meta').replaceChildren(...meta.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: fmt(v) })]));

  // the DAG: one column per depth, a box per stage with its live state and why it ran
  const depth = depthOf(run.stages);
  const cols = [];
  for (const st of run.stages) (cols[depth(st.name)] ??= []).push(st);
  $('dag').replaceChildren(
    ...cols.filter(Boolean).map((col) =>
      el(
        'div',
        { class: 'col' },
        ...col.map((st) => {
          const pr = stageProgress(st, now);
          const info = [
            st.state,
            pr.total ? `${pr.done}/${pr.total} units` : '',
            st.outcome ? secs(st.outcome.seconds) : '',
            pr.eta !== undefined ? `ETA ${secs(pr.eta)}` : '',
          ]
            .filter(Boolean)
            .join(' · ');
          return el(
            'div',
            { class: 'node', 'data-stage': st.name, 'data-state': st.state },
            el('div', { class: 'name', text: `${st.name} (${st.kind})` }),
            el('div', { class: 'st', text: info }),
            el('div', { class: 'why', text: st.state === 'fresh' ? 'fresh (cached)' : [...st.reasons, st.outcome?.error ?? ''].filter(Boolean).join('; ') }),
            st.needs.length ? el('div', { class: 'why', text: `needs ${st.needs.join(', ')}` }) : '',
          );
        }),
      ),
    ),
  );

  // per stage: trials table (units that carry parameters) and one learning curve per training unit
  const keep = new Set();
  const sections = [];
  for (const st of run.stages) {
    if (!st.units.length) continue;
    const pr = stageProgress(st, now);
    const sec = el(
      'div',
      { class: 'stage', 'data-stage': st.name },
      el('h4', { text: `${st.name}: ${pr.done}/${pr.total} units done${pr.eta !== undefined ? ` · ETA ${secs(pr.eta)}` : ''}` }),
    );
    const running = st.units.filter((u) => u.state === 'running');
    if (running.length)
      sec.append(
        el(
          'p',
          { class: 'running' },
          'running: ',
          ...running.flatMap((u, i) => [
            i ? ', ' : '',
            `${u.id} (`,
            el('span', { class: 'epoch-count', 'data-unit': u.id, text: u.epochs.length ? epochCount(u.epochs.at(-1)) : 'starting' }),
            ')',
          ]),
        ),
      );
    const labelled = st.units.filter((u) => u.label);
    if (labelled.length) {
      const keys = [...new Set(labelled.flatMap((u) => Object.keys(u.label)))];
      const t = el('table', { class: 'sortable trials', id: `trials-${st.name}`, 'data-stage': st.name }, el('thead'), el('tbody'));
      fillTable(
        t,
        ['trial', ...keys, 'best val', 'epochs', 'state'],
        labelled.map((u) => {
          const vals = u.epochs.map((e) => e.val).filter(Number.isFinite);
          return {
            attrs: { 'data-unit': u.id },
            cells: [u.id, ...keys.map((k) => u.label[k]), vals.length ? Math.min(...vals) : '–', u.epochs.length, u.state],
          };
        }),
      );
      sec.append(el('h4', { text: 'trials (click a column to sort)' }), t);
      const best = [];
      let b = Infinity;
      for (const u of labelled) {
        const vals = u.epochs.map((e) => e.val).filter(Number.isFinite);
        if (u.state === 'ran' && vals.length) b = Math.min(b, ...vals);
        if (Number.isFinite(b)) best.push(`${u.id}: ${fmt(b)}`);
      }
      if (best.length) sec.append(el('p', { class: 'why', text: `best so far: ${best.join(' → ')}` }));
      const space = run.start.plan.find((x) => x.name === st.name)?.parts?.params?.space;
      const pc = parallelCoordinates(labelled, keys, space);
      if (pc) sec.append(el('h4', { text: 'parallel coordinates (one line per trial; the best in green)' }), pc);
    }
    const withCurves = st.units.filter((u) => u.epochs.length || u.state === 'running');
    if (withCurves.length) {
      const box = el('div', { class: 'curves' });
      for (const u of withCurves) {
        const key = `${run.id}|${st.name}/${u.id}`;
        keep.add(key);
        box.append(curveChart(key, `${st.name}/${u.id}`, u, run.baselines?.[st.name]));
      }
      sec.append(box);
    }
    const rest = st.units.filter((u) => !u.epochs.length && u.state !== 'running');
    if (rest.length) sec.append(el('p', { class: 'why', text: rest.map((u) => `${u.id}: ${u.state}${u.text ? ` (${u.text})` : ''}`).join(' · ') }));
    sections.push(sec);
  }
  for (const [k, c] of charts) if (!keep.has(k) && !k.startsWith('cmp|')) (c.chart.destroy(), charts.delete(k));
  $('stages').replaceChildren(...sections);

  const rows = [];
  for (const [stage, m] of Object.entries(run.end?.metrics ?? {})) {
    const kind = run.stages.find((x) => x.name === stage)?.kind;
    if (kind !== 'evaluate') continue;
    for (const [k, v] of Object.entries(m ?? {})) {
      const p = k.split('.');
      rows.push({ cells: p.length === 4 ? [stage, p[0], p[1], `${p[2]}/${p[3]}`, v] : [stage, k, '', '', v] });
    }
  }
  $('metrics-section').hidden = !rows.length;
  if (rows.length) fillTable($('metrics-table'), ['stage', 'metric', 'model', 'set', 'value'], rows);
}

async function showRun(id) {
  const target = id ?? runs.at(-1)?.id;
  if (!target) {
    $('run-view').hidden = true;
    return;
  }
  const r = await fetch(`/api/runs/${encodeURIComponent(target)}`);
  if (!r.ok) return;
  $('run-view').hidden = false;
  renderRun(await r.json());
}

// ---- routing and the live stream ----------------------------------------------------------------
function route() {
  const h = location.hash;
  const compare = h.startsWith('#/compare');
  $('runs-view').hidden = compare;
  $('run-view').hidden = compare;
  $('compare-view').hidden = !compare;
  if (compare) {
    const [, , a, b] = h.split('/');
    if (a) $('cmp-a').value = decodeURIComponent(a);
    if (b) $('cmp-b').value = decodeURIComponent(b);
    void showCompare();
  } else {
    const m = /^#\/run\/(.+)$/.exec(h);
    shownId = m ? decodeURIComponent(m[1]) : undefined;
    void showRun(shownId);
  }
}

for (const id of ['cmp-a', 'cmp-b'])
  $(id).addEventListener('change', () => (location.hash = `#/compare/${encodeURIComponent($('cmp-a').value)}/${encodeURIComponent($('cmp-b').value)}`));
window.addEventListener('hashchange', route);

const events = new EventSource('/api/events');
let first = true;
events.addEventListener('open', () => ($('live').textContent = 'live'));
events.addEventListener('error', () => ($('live').textContent = 'reconnecting…'));
events.addEventListener('runs', (e) => {
  const latestBefore = runs.at(-1)?.id;
  runs = JSON.parse(e.data);
  renderRuns();
  // the latest run is followed: a run started in another terminal takes the page over
  if (first || (!shownId && runs.at(-1)?.id !== latestBefore)) route();
  first = false;
});
events.addEventListener('run', (e) => {
  const run = JSON.parse(e.data);
  const showing = shownId ?? runs.at(-1)?.id;
  if (run.id === showing && !$('run-view').hidden) renderRun(run);
  // a side of the comparison still running: its metrics arrive with its last line
  if (!$('compare-view').hidden && [$('cmp-a').value, $('cmp-b').value].includes(run.id)) void showCompare();
});
