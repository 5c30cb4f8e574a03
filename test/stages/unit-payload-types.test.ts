// The stage-kind API is generic over a unit's payload and locals: what `run` hands ctx.runUnits is what
// `runUnit` receives in the worker, and only plain JSON data passes. The checks are the compiler's: each
// `@ts-expect-error` below fails the build (npm test builds first) if the line it marks compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z, type JsonData, type StageKind, type UnitSpec } from '../../stages/api.js';

interface Payload {
  model: string;
  epochs: number;
  hp: Record<string, number | string>;
  pruning?: { earlier: { value: number | null }[] };
}
interface Locals {
  dataDir: string;
}

const seen: { payload: Payload; locals: Locals }[] = [];

const kind: StageKind<{ models: string[] }, Payload, Locals> = {
  kind: 'typed',
  description: 'typed payloads',
  params: z.object({ models: z.array(z.string()) }),
  inputs: () => ({ data: [], models: [], files: [], references: [] }),
  async run(ctx) {
    await ctx.runUnits(ctx.params.models.map((model) => ({ id: model, payload: { model, epochs: 2, hp: { filters: 8 } }, locals: { dataDir: '/d' } })));
    // @ts-expect-error a payload missing a field the worker side reads
    await ctx.runUnits([{ id: 'x', payload: { model: 'x', hp: {} } }]);
    // @ts-expect-error a payload field of the wrong type
    await ctx.runUnits([{ id: 'x', payload: { model: 'x', epochs: '2', hp: {} } }]);
    // @ts-expect-error locals of another shape
    await ctx.runUnits([{ id: 'x', payload: { model: 'x', epochs: 2, hp: {} }, locals: { dir: '/d' } }]);
    return { metrics: {} };
  },
  async runUnit(payload, ctx) {
    // typed on the worker side too: no casts
    const epochs: number = payload.epochs;
    const dir: string = ctx.locals.dataDir;
    seen.push({ payload: { ...payload, epochs }, locals: { dataDir: dir } });
  },
};

test('payload and locals are typed on both sides of the process boundary', async () => {
  const specs: UnitSpec<Payload, Locals>[] = [];
  const ctx = { params: { models: ['a', 'b'] }, runUnits: async (u: UnitSpec<Payload, Locals>[]) => (specs.push(...u), []) };
  await kind.run(ctx as unknown as Parameters<typeof kind.run>[0]);
  assert.deepEqual(specs.map((s) => s.payload.model), ['a', 'b', 'x', 'x', 'x']);
  await kind.runUnit!(specs[0]!.payload, { locals: specs[0]!.locals! } as Parameters<NonNullable<typeof kind.runUnit>>[1]);
  assert.deepEqual(seen, [{ payload: { model: 'a', epochs: 2, hp: { filters: 8 } }, locals: { dataDir: '/d' } }]);
});

test('only plain JSON data is a payload', () => {
  // @ts-expect-error a function does not cross the process boundary
  const fn: JsonData<{ f: () => void }> = { f: () => {} };
  // @ts-expect-error nor does a bigint
  const big: JsonData<{ n: bigint }> = { n: 1n };
  // @ts-expect-error nor a Map's methods
  const map: JsonData<{ m: Map<string, number> }> = { m: new Map() };
  const ok: JsonData<Payload> = { model: 'm', epochs: 1, hp: {}, pruning: { earlier: [{ value: null }] } };
  assert.equal(ok.pruning?.earlier[0]?.value, null);
  assert.ok(fn && big && map);
});
