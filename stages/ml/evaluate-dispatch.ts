/**
 * Which evaluation unit scores a payload (worker side): classification and vector targets have their own
 * (evaluate-task-unit.ts); map regression, autoencoders included, the one it always had (evaluate-unit.ts).
 */
import { readTargetKind } from '../../src/data/array-set-io.js';
import type { UnitContext } from '../api.js';
import { runEvalUnit, type EvalLocals, type EvalPayload } from './evaluate-unit.js';
import { runTaskEvalUnit } from './evaluate-task-unit.js';

export async function runEvaluation(p: EvalPayload, l: EvalLocals, ctx: UnitContext<EvalLocals>): Promise<void> {
  const vector = (await readTargetKind(Object.values(l.dataDirs)[0]!)) === 'vector';
  if (p.task?.kind === 'classification' || vector) return runTaskEvalUnit(p, l, ctx);
  return runEvalUnit(p, l, ctx);
}
