/**
 * pipeline.schema.json, generated from the same zod schemas that validate pipeline.yaml: the top level,
 * plus one entry per stage kind (so editors complete a stage's keys from its `kind`).
 */
import { z } from 'zod';
import { stageKinds } from '../../stages/api.js';
import { pipelineSchema, stageBaseSchema } from './schema.js';

export function pipelineJsonSchema(): Record<string, unknown> {
  const kinds = stageKinds()
    .slice()
    .sort((a, b) => a.kind.localeCompare(b.kind));
  const stage = z.union(
    kinds.map((k) => (k.params as z.ZodObject<any>).extend({ ...stageBaseSchema.shape, kind: z.literal(k.kind).describe(k.description) }).strict()),
  );
  const top = pipelineSchema.extend({ stages: z.record(z.string(), stage) });
  const schema = z.toJSONSchema(top, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'pipe pipeline.yaml', $id: 'https://github.com/pipe-ml/pipe/pipeline.schema.json' };
}
