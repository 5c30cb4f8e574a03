/**
 * The event log and its fold: whole lines only (a writer killed mid-line leaves a readable log), reads
 * that continue where they stopped, and a run's status from its last line or, without one, from
 * whether its process is still there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRunIds, newRunId, parseEvents, readNewEvents, readRunLog, RunLogWriter } from '../../src/runs/run-log.js';
import { foldRun, headline } from '../../src/runs/run-state.js';
import type { RunEvent, RunStart } from '../../src/runs/run-events.js';
import type { FingerprintParts } from '../../src/cache/fingerprint.js';

const parts = (params: unknown): FingerprintParts => ({
  kind: 'train',
  params,
  seed: 1,
  backend: 'wasm',
  data: {},
  upstream: {},
  models: {},
  files: {},
  tool: '0',
  tfjs: '0',
});

export function startEvent(id: string, t = 1000): RunStart {
  return {
    type: 'run-start',
    t,
    id,
    pid: 1,
    host: 'h',
    tool: '0',
    pipeline: 'p',
    config: 'pipeline.yaml',
    profile: null,
    sets: [],
    git: { commit: null, dirty: null },
    backend: { requested: 'auto', expected: 'wasm' },
    jobs: 2,
    targets: [],
    force: false,
    plan: [
      { name: 'A', kind: 'train', needs: [], action: 'run', reasons: ['never ran'], fingerprint: 'fa', parts: parts({ train: { lr: 0.1 } }) },
      { name: 'B', kind: 'evaluate', needs: ['A'], action: 'run', reasons: ['upstream A changed'], fingerprint: 'fb', parts: parts({}) },
      { name: 'Z', kind: 'shell', needs: [], action: 'fresh', reasons: [], fingerprint: 'fz', parts: parts({}) },
    ],
  };
}

const epoch = (unit: string, e: number, val: number): RunEvent => ({
  type: 'epoch',
  t: 1100 + e,
  stage: 'A',
  unit,
  epoch: { epoch: e, epochs: 3, train: val * 2, val, seconds: 0.1 },
});

test('run ids sort by time and differ within one second', () => {
  const a = newRunId(new Date('2025-03-04T05:06:07Z'));
  const b = newRunId(new Date('2025-03-04T05:06:07Z'));
  assert.match(a, /^20250304-050607-[0-9a-f]{4}$/);
  assert.ok(newRunId(new Date('2025-03-04T05:06:08Z')) > a);
  // 4 hex digits: a clash is possible but rare; two in a row would mean the suffix is not random
  assert.ok(a !== b || newRunId(new Date('2025-03-04T05:06:07Z')) !== a);
});

test('a log cut in the middle of a line (kill -9) still reads: the unfinished line is skipped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-runlog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new RunLogWriter(dir, 'r1');
  w.append(startEvent('r1'));
  w.append({ type: 'stage-start', t: 1001, stage: 'A', why: ['x'] });
  w.close();
  appendFileSync(w.file, '{"type":"unit-start","t":10');
  const events = readRunLog(w.file);
  assert.deepEqual(
    events.map((e) => e.type),
    ['run-start', 'stage-start'],
  );
  assert.throws(() => new RunLogWriter(dir, 'r1'), /EEXIST/, 'a log is never overwritten');
  assert.deepEqual(listRunIds(dir), ['r1']);
});

test('readNewEvents continues from its offset and never returns half a line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-runlog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new RunLogWriter(dir, 'r2');
  w.append(startEvent('r2'));
  const first = await readNewEvents(w.file, 0);
  assert.equal(first.events.length, 1);
  appendFileSync(w.file, `${JSON.stringify({ type: 'stage-start', t: 2, stage: 'A', why: [] })}\n{"type":"unit-st`);
  const second = await readNewEvents(w.file, first.offset);
  assert.deepEqual(
    second.events.map((e) => e.type),
    ['stage-start'],
  );
  appendFileSync(w.file, 'art","t":3,"stage":"A","unit":"u"}\n');
  const third = await readNewEvents(w.file, second.offset);
  assert.deepEqual(
    third.events.map((e) => e.type),
    ['unit-start'],
  );
  assert.equal(third.offset, readFileSync(w.file).length);
  w.close();
});

test('fold: stage and unit states, curves, and interrupted when the writer is gone without a last line', () => {
  const events: RunEvent[] = [
    startEvent('r3'),
    { type: 'stage-start', t: 1001, stage: 'A', why: ['never ran'] },
    {
      type: 'units-planned',
      t: 1002,
      stage: 'A',
      units: [
        { id: 'u1', key: 'k1' },
        { id: 'u2', key: 'k2', label: { 'train.lr': 0.01 } },
      ],
    },
    { type: 'unit-progress', t: 1003, stage: 'A', unit: 'A', text: 'training u1, u2' },
    { type: 'unit-start', t: 1004, stage: 'A', unit: 'u1' },
    epoch('u1', 0, 0.5),
    epoch('u1', 1, 0.25),
    { type: 'unit-end', t: 1200, stage: 'A', unit: 'u1', how: 'ran', key: 'k1' },
    { type: 'unit-start', t: 1201, stage: 'A', unit: 'u2' },
    epoch('u2', 0, 0.4),
  ];
  const live = foldRun(events, () => true)!;
  assert.equal(live.status, 'running');
  const a = live.stages.find((s) => s.name === 'A')!;
  assert.equal(a.state, 'running');
  assert.equal(a.note, 'training u1, u2');
  assert.deepEqual(
    a.units.map((u) => [u.id, u.state, u.key, u.epochs.length]),
    [
      ['u1', 'ran', 'k1', 2],
      ['u2', 'running', 'k2', 1],
    ],
  );
  assert.deepEqual(a.units[1]!.label, { 'train.lr': 0.01 });
  assert.deepEqual(
    live.stages.map((s) => s.state),
    ['running', 'queued', 'fresh'],
  );

  const dead = foldRun(events, () => false)!;
  assert.equal(dead.status, 'interrupted');
  assert.equal(dead.stages[0]!.state, 'interrupted');
  assert.equal(dead.stages[0]!.units[1]!.state, 'interrupted');
  assert.equal(dead.stages[0]!.units[0]!.state, 'ran', 'finished work stays finished');

  const ended = foldRun(
    [
      ...events,
      { type: 'unit-end', t: 1300, stage: 'A', unit: 'u2', how: 'ran' },
      { type: 'stage-end', t: 1301, outcome: { name: 'A', status: 'ran', seconds: 0.3, units: { ran: 2, reused: 0 }, reasons: [] } },
      {
        type: 'run-end',
        t: 1302,
        status: 'done',
        metrics: { B: { 'rae_median.m1.test.test': 0.5, 'rae_median.dummy.test.test': 0.1, 'rae_median.m2.test.test': 0.4 } },
        backends: {},
      },
    ],
    () => false,
  )!;
  assert.equal(ended.status, 'done', 'a run-end line decides, whatever the process');
  assert.equal(ended.stages[0]!.state, 'done');
  assert.deepEqual(headline(ended.end!.metrics), { label: 'test RAE (m2)', value: 0.4 }, 'the best model, the dummy left out');
});

test('parseEvents skips garbage lines between good ones', () => {
  assert.equal(parseEvents('{"type":"warn","t":1,"message":"a"}\nnot json\n{"type":"warn","t":2,"message":"b"}\n').length, 2);
});
