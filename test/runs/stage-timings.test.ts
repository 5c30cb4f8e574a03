/**
 * The report's per-stage timings from the run history: a stage's seconds are those of the last run that
 * actually ran it, its "latest" what the newest run did with it (fresh: reused from the cache).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldRun } from '../../src/runs/run-state.js';
import { stageTimings } from '../../src/runs/stage-timings.js';
import type { RunEvent } from '../../src/runs/run-events.js';
import type { RunStart } from '../../src/runs/run-events.js';
import type { FingerprintParts } from '../../src/cache/fingerprint.js';

const parts = { kind: 'train', params: {}, seed: 1, backend: 'wasm', data: {}, upstream: {}, models: {}, files: {}, tool: '0', tfjs: '0' } as FingerprintParts;
const planned = (name: string, action: 'run' | 'fresh') => ({ name, kind: 'train', needs: [], action, reasons: [], fingerprint: `f${name}`, parts });

function startEvent(id: string, t: number, bPlanned: boolean): RunStart {
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
    jobs: 1,
    targets: [],
    force: false,
    plan: [planned('A', 'run'), planned('B', bPlanned ? 'run' : 'fresh'), planned('Z', 'fresh')],
  };
}

const outcome = (name: string, status: 'ran' | 'fresh' | 'restored', seconds: number, ran: number, reused: number) => ({
  name,
  status,
  seconds,
  units: { ran, reused },
  reasons: [],
});

function run(id: string, t: number, a: 'ran' | 'fresh' | 'restored', aSeconds: number, withB: boolean) {
  const start = startEvent(id, t, withB);
  const events: RunEvent[] = [
    start,
    { type: 'stage-start', t: t + 1, stage: 'A', why: [] },
    { type: 'stage-end', t: t + 2, outcome: outcome('A', a, aSeconds, a === 'ran' ? 2 : 0, a === 'ran' ? 0 : 2) },
  ];
  if (withB) events.push({ type: 'stage-start', t: t + 3, stage: 'B', why: [] }, { type: 'stage-end', t: t + 4, outcome: outcome('B', 'ran', 4.5, 1, 0) });
  events.push({ type: 'run-end', t: t + 5, status: 'done', metrics: {}, backends: {} });
  return foldRun(events, () => false)!;
}

test('a stage reused by the latest run keeps the seconds of the run that computed it', () => {
  const runs = [run('r1', 1000, 'ran', 12.5, true), run('r2', 2000, 'fresh', 0, false)];
  const rows = stageTimings(runs, ['A', 'B', 'Z', 'never']);
  assert.deepEqual(rows, [
    { stage: 'A', latest: 'fresh', seconds: 12.5, units: { ran: 2, reused: 0 }, run: 'r1', at: 1001 },
    // B was fresh in r2's plan: its seconds are r1's
    { stage: 'B', latest: 'fresh', seconds: 4.5, units: { ran: 1, reused: 0 }, run: 'r1', at: 1003 },
    // Z is fresh in every run's plan and never ran: no seconds
    { stage: 'Z', latest: 'fresh' },
  ]);
  // runs of another profile are left out by `keep`
  assert.deepEqual(
    stageTimings(runs, ['A'], (r) => r.id === 'r2'),
    [{ stage: 'A', latest: 'fresh' }],
  );
});
