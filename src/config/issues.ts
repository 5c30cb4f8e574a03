/**
 * zod issues → one sentence a person can act on: what is wrong, what was expected, a "did you mean".
 */
import { didYouMean } from '../failure/did-you-mean.js';
import type { z } from 'zod';

export interface IssueLike {
  path: PropertyKey[];
  message: string;
  hint?: string;
  code?: string;
  keys?: string[];
  values?: unknown[];
  expected?: string;
  input?: unknown;
}

export function describeIssue(
  issue: IssueLike,
  rel: (string | number)[],
  schema?: z.ZodType,
  /** what an empty path is inside: 'top level', or e.g. "stage 'A'" */
  scope = 'top level',
): { message: string; hint?: string; keyProblem: boolean; pathSuffix: (string | number)[] } {
  const at = rel.length ? `'${rel.join('.')}'` : scope;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys?.[0] ?? '?';
      const known = schema ? keysAt(schema, rel) : [];
      const mean = didYouMean(key, known);
      return {
        message: `unknown key '${key}' in ${at}${mean}`,
        hint: known.length ? `allowed keys here: ${known.join(', ')}` : undefined,
        keyProblem: true,
        pathSuffix: [key],
      };
    }
    case 'invalid_value': {
      const vals = (issue.values ?? []).map((v) => JSON.stringify(v));
      const got = issue.input === undefined ? '' : `, got ${JSON.stringify(issue.input)}`;
      const mean =
        typeof issue.input === 'string' && issue.values?.every((v) => typeof v === 'string') ? didYouMean(issue.input, issue.values as string[]) : '';
      return { message: `${at}: expected one of ${vals.join(', ')}${got}${mean}`, keyProblem: false, pathSuffix: [] };
    }
    case 'invalid_type': {
      if (issue.input === undefined) return { message: `${at} is required (expected ${issue.expected})`, keyProblem: true, pathSuffix: [] };
      return { message: `${at}: expected ${issue.expected}, got ${describeValue(issue.input)}`, keyProblem: false, pathSuffix: [] };
    }
    case 'invalid_key': {
      // a record key that fails its pattern (stage and profile names): the pattern's own message
      const inner = (issue as { issues?: { message?: string }[] }).issues?.[0]?.message;
      return { message: `${at}: ${inner ?? 'invalid name'}`, hint: issue.hint, keyProblem: true, pathSuffix: [] };
    }
    case undefined:
      // pipe's own checks: the message already says what and where
      return { message: issue.message, hint: issue.hint, keyProblem: false, pathSuffix: [] };
    default:
      return { message: `${at}: ${issue.message.replace(/^Invalid input: /, '')}`, hint: issue.hint, keyProblem: false, pathSuffix: [] };
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // NaN, Infinity: JSON would say null
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The keys an object schema allows at a path (through optional/default/record/array wrappers). */
export function keysAt(schema: z.ZodType, path: (string | number)[]): string[] {
  let s: any = unwrap(schema);
  for (const seg of path) {
    if (!s) return [];
    const def = s._zod?.def;
    if (def?.type === 'object') s = unwrap(def.shape?.[seg]);
    else if (def?.type === 'record') s = unwrap(def.valueType);
    else if (def?.type === 'array') s = unwrap(def.element);
    else return [];
  }
  const def = s?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape) : [];
}

function unwrap(s: any): any {
  while (s?._zod?.def && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'pipe', 'catch'].includes(s._zod.def.type)) {
    s = s._zod.def.innerType ?? s._zod.def.in;
  }
  return s;
}
