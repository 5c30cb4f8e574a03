/**
 * Profiles and --set overrides. Both change the resolved config (and so the fingerprint); each override
 * remembers where it came from so a validation error points at the profile line or the --set flag.
 */
import { parse as parseYaml } from 'yaml';
import { didYouMean } from '../failure/did-you-mean.js';
import { PipeError } from '../failure/pipe-error.js';
import type { ConfigPath } from './source.js';
import { PROFILE_NAME } from './schema.js';

export type Plain = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Plain = { ...structuredClone(base) };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out;
}

export interface SetOverride {
  flag: string;
  path: string[];
  value: unknown;
}

export function parseSetFlag(flag: string): SetOverride {
  const eq = flag.indexOf('=');
  if (eq <= 0) {
    throw new PipeError('usage', `--set ${flag}: expected KEY.PATH=VALUE`, { hint: 'e.g. --set train.epochs=3 --set stages.B.trials=4' });
  }
  const key = flag.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((p) => p === ''))
    throw new PipeError('usage', `--set ${flag}: empty segment in key path '${key}'`, { hint: 'keys are dot-separated, e.g. stages.A.train.epochs' });
  let value: unknown;
  try {
    value = parseYaml(flag.slice(eq + 1));
  } catch {
    value = flag.slice(eq + 1);
  }
  return { flag, path, value: value ?? null };
}

export function applySet(config: Plain, o: SetOverride): void {
  let node: Plain = config;
  for (const [i, seg] of o.path.entries()) {
    if (i === o.path.length - 1) {
      node[seg] = o.value;
      return;
    }
    const next = node[seg];
    if (next === undefined) {
      node[seg] = {};
    } else if (!isPlainObject(next)) {
      throw new PipeError('usage', `--set ${o.flag}: '${o.path.slice(0, i + 1).join('.')}' is not a mapping, so it has no key '${o.path[i + 1]}'`, {
        hint: 'check the key path against pipeline.yaml',
      });
    }
    node = node[seg] as Plain;
  }
}

export function pickProfile(profiles: unknown, name: string): Plain {
  // a profile names its lock file (pipeline.<profile>.lock) and results folder: no path segments
  if (!PROFILE_NAME.test(name)) {
    throw new PipeError('usage', `--profile ${JSON.stringify(name)}: profile names are letters, digits, _ and -, starting with a letter`, {
      hint: 'rename the profile in pipeline.yaml (profiles:) and pass that name',
    });
  }
  const available = isPlainObject(profiles) ? Object.keys(profiles) : [];
  if (!available.includes(name)) {
    const suggestion = didYouMean(name, available);
    throw new PipeError('usage', `unknown profile '${name}'${suggestion}`, {
      hint: available.length ? `profiles in pipeline.yaml: ${available.join(', ')}` : 'pipeline.yaml declares no profiles',
    });
  }
  const p = (profiles as Plain)[name];
  return isPlainObject(p) ? p : {};
}

/** Where a merged-config path got its value: the last --set that covers it, else the profile, else base. */
export function originOf(path: ConfigPath, sets: SetOverride[], profile: Plain | undefined): { set?: SetOverride; inProfile: boolean } {
  const key = path.map(String);
  for (let i = sets.length - 1; i >= 0; i--) {
    const s = sets[i]!;
    const n = Math.min(s.path.length, key.length);
    if (s.path.slice(0, n).every((seg, j) => seg === key[j])) return { set: s, inProfile: false };
  }
  let node: unknown = profile;
  for (const seg of key) {
    if (!isPlainObject(node) || !(seg in node)) return { inProfile: false };
    node = node[seg];
  }
  return { inProfile: profile !== undefined };
}
