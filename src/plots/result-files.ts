import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PipeError } from '../failure/pipe-error.js';

// Readers for the result files documented in docs/internals.md ("Result files"). Plots read only these,
// never the models or tfjs, so re-plotting a finished study is fast and works without the training stack.

/** A result file that is missing, unreadable or does not follow the documented format. */
export class ResultFileError extends PipeError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('data-invalid', `${file}: ${detail}`, { hint: 're-run the stage that writes it (pipe run --stage S --force)' });
  }
}

// JSON has no NaN: writers store a diverged loss or an undefined RAE as null.
const num = z.number().nullable();

export const historySchema = z.object({
  train: z.array(num),
  val: z.array(num),
  lr: z.array(num).optional(),
  dummy: z.object({ train: num, val: num }).optional(),
  bestEpoch: z.number().int(),
  stoppedEpoch: z.number().int().optional(),
  seconds: z.number().optional(),
  loss: z.string().optional(),
});
export type History = z.infer<typeof historySchema>;

export const trialSchema = z.object({
  number: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  value: num.optional(),
  state: z.enum(['complete', 'pruned', 'failed']),
  epochs: z.number().optional(),
  seconds: z.number().optional(),
  intermediate: z.array(num).optional(),
});
export const trialsSchema = z.array(trialSchema);
export type Trial = z.infer<typeof trialSchema>;

export const partMetricsSchema = z.object({
  n: z.number().int(),
  rae: z.array(num),
  raeSummary: z.record(z.string(), num).optional(),
  raeUndefined: z.number().optional(),
  mae: num,
  rmse: num.optional(),
  r2: num,
  seen: z.enum(['train', 'val']).nullable().optional(),
  skill: z
    .object({ mae: z.object({ vs: z.string(), value: z.number() }).nullable(), rae: z.object({ vs: z.string(), value: z.number() }).nullable() })
    .optional(),
});
export type PartMetrics = z.infer<typeof partMetricsSchema>;

export const modelMetricsSchema = z.object({
  from: z.string().optional(),
  params: z.number(),
  bytes: num.optional(),
  trainSeconds: num.optional(),
  inferenceMsPerSample: num.optional(),
  sets: z.record(z.string(), z.record(z.string(), partMetricsSchema)),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export const metricsSchema = z.object({
  unit: z.string(),
  models: z.record(z.string(), modelMetricsSchema),
});
export type Metrics = z.infer<typeof metricsSchema>;

/** Reads and validates one JSON result file; every failure names the file and the offending field. */
/**
 * Whether an evaluate stage's metrics.json holds classification or vector-regression scores (a `task` or a
 * `target: vector`): those have no RAE, so the map-regression charts and table skip them.
 */
export async function isTaskMetrics(metricsJson: string): Promise<string | undefined> {
  const head = JSON.parse(await readFile(metricsJson, 'utf8')) as { task?: { kind?: string }; target?: string };
  if (head.target === 'vector') return 'a vector target';
  const kind = head.task?.kind;
  return kind !== undefined && kind !== 'regression' ? `a ${kind} task` : undefined;
}

export async function readResultJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultFileError(file, code === 'ENOENT' ? 'missing (has its stage run?)' : String(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ResultFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ResultFileError(file, `does not follow the result-file format in docs/internals.md: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Finite values only: nulls (NaN/undefined in the writer) are dropped from statistics. */
export function finite(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}
