/**
 * Selections: how a stage names models chosen by an upstream stage, declared in pipeline.yaml.
 *
 *   models: [unet, res_unet]            an explicit list
 *   models: { best: A }                 the best of A (by validation loss)
 *   models: { top: 4, of: A }           A's top 4
 *   models: { top: 4, of: A, tuned: B } A's top 4, the architecture B tuned using B's best configuration
 *   models: { from: C }                 every model C trained (for evaluate)
 *
 * They resolve at run time from the upstream stage's committed results (ranking.json, best.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PipeError } from '../src/failure/pipe-error.js';
import type { StageInputs } from './api.js';

const stageRef = z.string().min(1);
export const selectionSchema = z.union([
  z.array(z.string().min(1)).min(1),
  z.object({ best: stageRef }).strict(),
  z.object({ top: z.number().int().min(1), of: stageRef, tuned: stageRef.optional() }).strict(),
  z.object({ from: stageRef }).strict(),
]);

export type Selection = z.infer<typeof selectionSchema>;

export interface Ranked {
  model: string;
  bestVal: number | null;
}

export interface TunedConfig {
  model: string;
  params: Record<string, number | string | boolean>;
  value: number | null;
  /** the winning trial; null when no trial beat the starting configuration (params is then {}) */
  trial: number | null;
  /** the starting configuration's validation loss (older best.json files lack it) */
  start?: { value: number | null };
  /** the data set the trials trained on (older best.json files lack it) */
  data?: string;
}

/**
 * Whether `tuned:` replaced the untuned model: only when the tune stage's best validation loss beats the
 * ranked (untuned) model's on the same data set, so tuning never hands on a worse configuration.
 */
export interface TunedDecision {
  model: string;
  applied: boolean;
  tunedLoss: number | null;
  untunedLoss: number | null;
  reason: string;
}

/** Static view for fingerprints and validation: explicit names, stages selected from, references. */
export function selectionInputs(sel: Selection, path: (string | number)[]): Pick<StageInputs, 'models' | 'modelsFrom' | 'references'> {
  if (Array.isArray(sel)) return { models: sel, modelsFrom: [], references: [] };
  if ('best' in sel) return { models: [], modelsFrom: [sel.best], references: [{ stage: sel.best, path: [...path, 'best'] }] };
  if ('from' in sel) return { models: [], modelsFrom: [sel.from], references: [{ stage: sel.from, path: [...path, 'from'] }] };
  const refs = [{ stage: sel.of, path: [...path, 'of'] }];
  if (sel.tuned) refs.push({ stage: sel.tuned, path: [...path, 'tuned'] });
  return { models: [], modelsFrom: [sel.of], references: refs };
}

/** How many models an upstream stage produces at most (for "top-k larger than the list"). */
export function selectionSize(sel: Selection, others: Record<string, { kind: string; params: unknown }>): number | undefined {
  if (Array.isArray(sel)) return sel.length;
  if ('best' in sel) return 1;
  if ('top' in sel) return sel.top;
  const up = others[sel.from];
  return up ? producedCount(up, others) : undefined;
}

export function producedCount(stage: { kind: string; params: unknown }, others: Record<string, { kind: string; params: unknown }>): number | undefined {
  const p = stage.params as { models?: Selection; model?: unknown };
  if (stage.kind === 'train' && p.models) return selectionSize(p.models, others);
  if (stage.kind === 'tune') return 1;
  return undefined;
}

export class SelectionError extends PipeError {
  constructor(message: string) {
    super('stage-failed', message);
  }
}

function readJson<T>(file: string, what: string): T {
  if (!existsSync(file)) throw new SelectionError(`${what}: ${file} is missing — run the upstream stage first`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function readRanking(stageDir: string): Ranked[] {
  return readJson<Ranked[]>(join(stageDir, 'ranking.json'), 'selection');
}

export function readTuned(stageDir: string): TunedConfig {
  return readJson<TunedConfig>(join(stageDir, 'best.json'), 'selection');
}

/** The data set the ranked stage trained on, from its config.json (undefined for older results). */
function rankedData(stageDir: string, model: string): string | undefined {
  const file = join(stageDir, 'config.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { data?: string }>)[model]?.data;
}

export function decideTuned(tuned: TunedConfig, ranked: Ranked | undefined, rankedOn: string | undefined): TunedDecision {
  const untunedLoss = ranked?.bestVal ?? null;
  const base = { model: tuned.model, tunedLoss: tuned.value, untunedLoss };
  if (tuned.data !== undefined && rankedOn !== undefined && tuned.data !== rankedOn) {
    return { ...base, applied: true, reason: `not compared: tuned on '${tuned.data}', ranked on '${rankedOn}'` };
  }
  if (tuned.value === null) return { ...base, applied: false, reason: 'the tune stage has no finite best loss' };
  if (untunedLoss === null || tuned.value < untunedLoss) return { ...base, applied: true, reason: 'the tuned configuration has the lower validation loss' };
  return { ...base, applied: false, reason: 'the untuned configuration has the lower (or equal) validation loss' };
}

/** The selected model names, in rank order. */
export function resolveSelection(sel: Selection, resultsOf: (s: string) => string): { models: string[]; tuned?: TunedConfig; tunedDecision?: TunedDecision } {
  if (Array.isArray(sel)) return { models: sel };
  if ('from' in sel) return { models: readRanking(resultsOf(sel.from)).map((r) => r.model) };
  const ranking = readRanking(resultsOf('best' in sel ? sel.best : sel.of));
  const k = 'best' in sel ? 1 : sel.top;
  if (ranking.length < k)
    throw new SelectionError(`selection wants the top ${k} but ${'best' in sel ? sel.best : sel.of} ranked only ${ranking.length} models`);
  const models = ranking.slice(0, k).map((r) => r.model);
  if ('tuned' in sel && sel.tuned) {
    const tuned = readTuned(resultsOf(sel.tuned));
    if (!models.includes(tuned.model)) return { models };
    const decision = decideTuned(tuned, ranking.find((r) => r.model === tuned.model), rankedData(resultsOf(sel.of), tuned.model));
    return { models, tuned: decision.applied ? tuned : undefined, tunedDecision: decision };
  }
  return { models };
}

export function describeSel(sel: Selection, freshResultsOf: (s: string) => string | undefined): string | undefined {
  if (Array.isArray(sel)) return undefined;
  const up = 'best' in sel ? sel.best : 'from' in sel ? sel.from : sel.of;
  const dir = freshResultsOf(up);
  const tunedDir = 'tuned' in sel && sel.tuned ? freshResultsOf(sel.tuned) : undefined;
  if (!dir || ('tuned' in sel && sel.tuned && !tunedDir)) return `models: ${JSON.stringify(sel)} (resolved once ${up} has run)`;
  try {
    const r = resolveSelection(sel, (s) => freshResultsOf(s) ?? '');
    const untuned = r.tunedDecision && !r.tunedDecision.applied ? ` (${r.tunedDecision.model} untuned: ${r.tunedDecision.reason})` : '';
    return `models: ${r.models.join(', ')}${r.tuned ? ` (${r.tuned.model} with ${JSON.stringify(r.tuned.params)})` : untuned}`;
  } catch {
    return undefined;
  }
}
