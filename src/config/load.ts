/**
 * pipeline.yaml → a validated, fully resolved Pipeline (profile and --set applied). Every problem becomes a
 * PipeError carrying file:line:col (or the --set flag that caused it) and what was expected.
 */
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { PipeError } from '../failure/pipe-error.js';
import { didYouMean } from '../failure/did-you-mean.js';
import { getStageKind, stageKinds, type StageInputs } from '../../stages/api.js';
import { pipelineSchema, stageBaseSchema, type DataConfig, type ExecutorName, type PipelineConfig, type SlurmResources } from './schema.js';
import { applySet, deepMerge, isPlainObject, originOf, parseSetFlag, pickProfile, type Plain, type SetOverride } from './overrides.js';
import { hasPath, locate, readConfigSource, type ConfigPath, type ConfigSource } from './source.js';
import { describeIssue, type IssueLike } from './issues.js';
import { findCycle } from '../dag/graph.js';
import { isSetName, SET_NAMES } from '../data/set-names.js';

export interface StageDef {
  name: string;
  kind: string;
  needs: string[];
  description?: string;
  /** validated params, inherited sections merged in: what the fingerprint hashes */
  params: Record<string, unknown>;
  inputs: StageInputs;
  /** Slurm resources of this stage (not fingerprinted) */
  slurm?: Partial<SlurmResources>;
}

export interface Pipeline {
  file: string;
  dir: string;
  displayName: string;
  profile?: string;
  sets: string[];
  name: string;
  seed: number;
  backend: PipelineConfig['backend'];
  data?: DataConfig;
  stages: StageDef[];
  byName: Map<string, StageDef>;
  verify: NonNullable<PipelineConfig['verify']>;
  plots: NonNullable<PipelineConfig['plots']>;
  executor: ExecutorName;
  store?: string;
  redis?: string;
  slurm?: SlurmResources;
}

export interface LoadOptions {
  file: string;
  cwd?: string;
  profile?: string;
  sets?: string[];
  /** model names the registry knows (static scan of models/), for "unknown model" checks */
  models?: string[];
}

export function loadPipeline(opts: LoadOptions): Pipeline {
  const file = resolve(opts.cwd ?? process.cwd(), opts.file);
  const displayName = relative(opts.cwd ?? process.cwd(), file) || file;
  const src = readConfigSource(file, displayName);
  let raw: unknown;
  try {
    // yaml's guard against alias bombs (a few lines that expand to billions of nodes)
    raw = src.doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw new PipeError('config-invalid', `YAML aliases expand too far (${(err as Error).message.replace(/\.$/, '')})`, {
      location: locate(src, []),
      hint: 'use fewer nested aliases (*name); write the values out instead',
    });
  }
  if (!isPlainObject(raw)) {
    throw new PipeError('config-invalid', 'the file must be a YAML mapping with at least a `stages:` key', {
      location: locate(src, []),
      hint: 'see the README for a minimal pipeline.yaml',
    });
  }
  const sets = (opts.sets ?? []).map(parseSetFlag);
  const profile = opts.profile ? pickProfile(raw.profiles, opts.profile) : undefined;
  let merged = raw;
  if (profile) merged = deepMerge(raw, profile) as Plain;
  const declared = isPlainObject(merged.stages) ? Object.keys(merged.stages) : [];
  for (const s of sets) {
    // `--set stages.Q.x=1` for a stage that does not exist would otherwise surface as "'kind' is required"
    const stage = s.path[0] === 'stages' ? s.path[1] : undefined;
    if (stage !== undefined && !declared.includes(stage) && !sets.some((o) => o.path[1] === stage && o.path[2] === 'kind')) {
      throw new PipeError('usage', `--set ${s.flag}: no stage '${stage}' in ${displayName}${didYouMean(stage, declared)}`, {
        hint: `stages: ${declared.join(', ')}`,
      });
    }
  }
  for (const s of sets) applySet(merged, s);
  const fail = failer(src, sets, profile, opts.profile);

  const top = pipelineSchema.safeParse(merged, { reportInput: true });
  if (!top.success) throw fail(firstIssue(top.error.issues), [], pipelineSchema);
  const cfg = top.data;

  const names = Object.keys(cfg.stages);
  const stages: StageDef[] = [];
  const validated: Record<string, { kind: string; params: unknown }> = {};
  for (const name of names) {
    const rawStage = cfg.stages[name] as Plain;
    const kind = getStageKind(String(rawStage.kind));
    if (!kind) {
      const known = stageKinds().map((k) => k.kind);
      throw fail(
        {
          path: ['kind'],
          message: `unknown stage kind '${rawStage.kind}'${didYouMean(String(rawStage.kind), known)}`,
          hint: `known kinds: ${known.join(', ')}`,
        },
        ['stages', name],
      );
    }
    const withInherited: Plain = { ...rawStage };
    for (const section of kind.inherits ?? []) {
      const inherited = (cfg as Plain)[section];
      if (inherited !== undefined) withInherited[section] = deepMerge(inherited, rawStage[section] ?? {});
    }
    const schema = (kind.params as z.ZodObject<any>).extend(stageBaseSchema.shape).strict();
    const parsed = schema.safeParse(withInherited, { reportInput: true });
    if (!parsed.success) throw fail(firstIssue(parsed.error.issues), ['stages', name], schema, kind.inherits);
    const {
      kind: _k,
      needs,
      description,
      slurm,
      ...params
    } = parsed.data as Plain & { needs: string[]; description?: string; slurm?: Partial<SlurmResources> };
    for (const [i, need] of needs.entries()) {
      if (!names.includes(need)) {
        throw fail(
          {
            path: ['needs', i],
            message: `stage '${name}' needs unknown stage '${need}'${didYouMean(need, names)}`,
            hint: `stages in this pipeline: ${names.join(', ')}`,
          },
          ['stages', name],
        );
      }
      if (need === name) throw fail({ path: ['needs', i], message: `stage '${name}' needs itself` }, ['stages', name]);
    }
    const inputs = kind.inputs(params);
    for (const ref of inputs.references) {
      if (!needs.includes(ref.stage)) {
        const hint = names.includes(ref.stage) ? `add '${ref.stage}' to needs of stage '${name}'` : `stages in this pipeline: ${names.join(', ')}`;
        const what = names.includes(ref.stage)
          ? `refers to stage '${ref.stage}', which is not in its needs`
          : `refers to unknown stage '${ref.stage}'${didYouMean(ref.stage, names)}`;
        throw fail({ path: ref.path, message: `stage '${name}' ${what}`, hint }, ['stages', name]);
      }
    }
    if (opts.models) {
      for (const m of inputs.models) {
        if (!opts.models.includes(m)) {
          const path = modelPath(rawStage, m);
          const e = fail(
            {
              path,
              message: `unknown model '${m}'${didYouMean(m, opts.models)}`,
              hint: `models found: ${opts.models.join(', ')} (add one by dropping a file in models/, see models/_template.ts.example)`,
            },
            ['stages', name],
          );
          throw new PipeError('model-unknown', e.message, { location: e.location, hint: e.hint });
        }
      }
    }
    for (const set of inputs.data) {
      if (!cfg.data)
        throw fail(
          {
            path: ['data'],
            message: `stage '${name}' reads data set '${set}' but the pipeline has no \`data:\` section`,
            hint: 'add a data: section (see README)',
          },
          ['stages', name],
        );
      if (!isSetName(set)) {
        const hint = `data sets are ${SET_NAMES.slice(0, -1).join(', ')} and ${SET_NAMES.at(-1)}`;
        throw fail({ path: ['data'], message: `unknown data set '${set}'${didYouMean(set, [...SET_NAMES])}`, hint }, ['stages', name]);
      }
    }
    validated[name] = { kind: kind.kind, params };
    stages.push({ name, kind: kind.kind, needs, description, params, inputs, ...(slurm ? { slurm } : {}) });
  }
  const cycle = findCycle(stages);
  if (cycle) {
    throw new PipeError('cycle', `dependency cycle: ${cycle.join(' → ')}`, {
      location: locate(src, ['stages', cycle[1]!, 'needs']),
      hint: `remove one of these needs: ${cycle
        .slice(1)
        .map((s, i) => `${s} needs ${cycle[i]}`)
        .join('; ')}`,
    });
  }
  for (const s of stages) {
    const kind = getStageKind(s.kind)!;
    for (const p of kind.validate?.(s.params, validated) ?? [])
      throw fail({ path: p.path, message: `stage '${s.name}': ${p.message}`, hint: p.hint }, ['stages', s.name], undefined, kind.inherits);
  }
  return {
    file,
    dir: dirname(file),
    displayName,
    profile: opts.profile,
    sets: opts.sets ?? [],
    name: cfg.name,
    seed: cfg.seed,
    backend: cfg.backend,
    data: cfg.data,
    stages,
    byName: new Map(stages.map((s) => [s.name, s])),
    verify: cfg.verify ?? { relative_tolerance: 0, cross_backend_tolerance: 0.05 },
    plots: cfg.plots ?? { width: 1600, height: 1000, maps: 3 },
    executor: cfg.executor,
    store: cfg.store,
    redis: cfg.bullmq?.redis,
    slurm: cfg.slurm,
  };
}

/** A misspelt key also shows up as "required key missing"; the misspelling is the useful report. */
function firstIssue<T extends { code?: string }>(issues: T[]): T {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
}

export { didYouMean };

/** Builds the error for an issue at `prefix + issue.path`, located where that value came from. */
function failer(src: ConfigSource, sets: SetOverride[], profile: Plain | undefined, profileName: string | undefined) {
  return (issue: IssueLike, prefix: ConfigPath, schema?: z.ZodType, inherits: string[] = []): PipeError => {
    const rel0 = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const scope = prefix[0] === 'stages' && prefix.length === 2 ? `stage '${prefix[1]}'` : 'top level';
    const { message, hint: issueHint, keyProblem, pathSuffix } = describeIssue(issue, rel0, schema, scope);
    const hint = issue.hint ?? issueHint;
    const rel = [...rel0, ...pathSuffix];
    const path: ConfigPath = [...prefix, ...rel];
    const origin = originOf(path, sets, profile);
    if (origin.set) return new PipeError('config-invalid', `--set ${origin.set.flag}: ${message}`, { hint });
    // A stage value inherited from a top-level section (train:, model_params:) is located there when the stage does not set it.
    const candidates: ConfigPath[] = [path];
    if (prefix[0] === 'stages' && typeof rel[0] === 'string' && inherits.includes(rel[0])) candidates.push(rel);
    for (const p of candidates) {
      if (origin.inProfile && profileName && hasPath(src, ['profiles', profileName, ...p])) {
        return new PipeError('config-invalid', `${message} (profile '${profileName}')`, {
          location: locate(src, ['profiles', profileName, ...p], keyProblem),
          hint,
        });
      }
      if (hasPath(src, p)) return new PipeError('config-invalid', message, { location: locate(src, p, keyProblem), hint });
    }
    return new PipeError('config-invalid', message, { location: locate(src, path, keyProblem), hint });
  };
}

/** Where a model name sits in a stage: `models: [..]` (its index) or `model:`. */
function modelPath(rawStage: Plain, model: string): ConfigPath {
  if (Array.isArray(rawStage.models)) return ['models', rawStage.models.indexOf(model)];
  return [rawStage.model !== undefined ? 'model' : 'models'];
}
