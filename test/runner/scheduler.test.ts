// The scheduler alone: which stages start when, with stand-in stage runs that finish when the test says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanEntry } from '../../src/dag/plan.js';
import type { StageOutcome } from '../../src/runner/reporter.js';
import { schedule } from '../../src/runner/scheduler.js';

type End = 'ran' | 'failed';

/** A plan over `needs` whose stage runs are held until `finish(name)`; records starts and ends in order. */
function rig(needs: Record<string, string[]>, opts: { keepGoing?: boolean; fresh?: string[]; planned?: string[] } = {}) {
  const events: string[] = [];
  const ended: StageOutcome[] = [];
  const waiting = new Map<string, (end: End) => void>();
  const started = new Map<string, () => void>();
  const abort = new AbortController();
  const names = opts.planned ?? Object.keys(needs);
  const plan: PlanEntry[] = names.map((name) => ({ name, action: opts.fresh?.includes(name) ? 'fresh' : 'run', reasons: ['test'], forced: false }));
  const done = schedule({
    plan,
    needsOf: (s) => needs[s] ?? [],
    keepGoing: !!opts.keepGoing,
    signal: abort.signal,
    runStage: (entry) => {
      if (entry.action === 'fresh') return Promise.resolve({ name: entry.name, status: 'fresh', seconds: 0, units: { ran: 0, reused: 0 }, reasons: [] });
      events.push(`start ${entry.name}`);
      started.get(entry.name)?.();
      return new Promise<StageOutcome>((resolve) => {
        waiting.set(entry.name, (end) => {
          events.push(`end ${entry.name}`);
          resolve({
            name: entry.name,
            status: end,
            seconds: 0,
            units: { ran: 0, reused: 0 },
            reasons: [],
            ...(end === 'failed' ? { reason: 'stage-failed' as const, error: 'boom' } : {}),
          });
        });
      });
    },
    onEnd: (o) => ended.push(o),
  });
  /** Resolves once the stage has started (its run was called). */
  const whenStarted = (name: string) => (events.includes(`start ${name}`) ? Promise.resolve() : new Promise<void>((r) => started.set(name, r)));
  // let the scheduler react to what just finished (its .then and its next pass)
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const finish = async (name: string, end: End = 'ran') => {
    await settle();
    await whenStarted(name);
    waiting.get(name)!(end);
    await settle();
  };
  return { events, ended, done, finish, abort, whenStarted };
}

test('independent stages overlap; a stage starts only when everything it needs has finished', async () => {
  const r = rig({ A: [], B: [], C: ['A', 'B'] });
  await r.whenStarted('A');
  await r.whenStarted('B');
  assert.deepEqual(r.events, ['start A', 'start B'], 'A and B run side by side, C waits');
  await r.finish('B');
  assert.ok(!r.events.includes('start C'), 'C still waits for A');
  await r.finish('A');
  await r.finish('C');
  const out = await r.done;
  assert.deepEqual(r.events, ['start A', 'start B', 'end B', 'end A', 'start C', 'end C']);
  assert.deepEqual(out.map((o) => [o.name, o.status]), [['A', 'ran'], ['B', 'ran'], ['C', 'ran']], 'outcomes in plan order, not finishing order');
  assert.deepEqual(r.ended.map((o) => o.name), ['B', 'A', 'C'], 'onEnd in finishing order');
});

test('after a failure nothing new starts: dependents are skipped as depending on it, others as stopped', async () => {
  const r = rig({ A: [], W: [], X: ['W'], D: ['A'], E: ['D'] });
  await r.finish('A', 'failed');
  await r.finish('W');
  const out = await r.done;
  assert.ok(!r.events.includes('start X'), 'X does not start after the failure');
  const why = Object.fromEntries(out.map((o) => [o.name, [o.status, ...(o.status === 'skipped' ? o.reasons : [])]]));
  assert.deepEqual(why, {
    A: ['failed'],
    W: ['ran'],
    X: ['skipped', 'skipped: an earlier stage failed'],
    D: ['skipped', 'skipped: needs A, which failed'],
    E: ['skipped', 'skipped: needs D, which was skipped'],
  });
});

test('--keep-going: stages that do not depend on the failure still run', async () => {
  const r = rig({ A: [], W: [], X: ['W'], D: ['A'] }, { keepGoing: true });
  await r.finish('A', 'failed');
  await r.finish('W');
  await r.finish('X');
  const out = await r.done;
  assert.deepEqual(out.map((o) => [o.name, o.status]), [['A', 'failed'], ['W', 'ran'], ['X', 'ran'], ['D', 'skipped']]);
  assert.deepEqual(out[3]!.reasons, ['skipped: needs A, which failed']);
});

test('--keep-going stops starting stages once the run is interrupted', async () => {
  const r = rig({ A: [], W: [], X: ['W'] }, { keepGoing: true });
  r.abort.abort();
  await r.finish('A', 'failed');
  await r.finish('W');
  const out = await r.done;
  assert.deepEqual(out.map((o) => [o.name, o.status]), [['A', 'failed'], ['W', 'ran'], ['X', 'skipped']]);
});

test('fresh stages count as finished, are not reported, and are never skipped', async () => {
  const r = rig({ A: [], F: [], B: ['F'], G: ['B'] }, { fresh: ['F', 'G'] });
  await r.finish('A', 'failed');
  await r.finish('B');
  const out = await r.done;
  assert.deepEqual(out.map((o) => [o.name, o.status]), [['A', 'failed'], ['F', 'fresh'], ['B', 'ran'], ['G', 'fresh']]);
  assert.deepEqual(r.ended.map((o) => o.name).sort(), ['A', 'B'], 'onEnd is not called for fresh stages');
});

test('needs outside the plan are not waited for', async () => {
  const r = rig({ A: [], B: ['A'] }, { planned: ['B'] });
  await r.finish('B');
  assert.deepEqual((await r.done).map((o) => [o.name, o.status]), [['B', 'ran']]);
});
