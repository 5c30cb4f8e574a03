/**
 * Fingerprint every stage and decide fresh or stale, with reasons — without running or loading anything
 * heavy (no tfjs, no data generation), so `pipe status` and a no-op `pipe run` stay fast.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { explainChange, fingerprintOf, type FingerprintParts } from '../cache/fingerprint.js';
import type { LockFile, LockStage } from '../cache/lock-file.js';
import type { StatCache } from '../cache/stat-cache.js';
import type { Pipeline, StageDef } from '../config/load.js';
import { topoOrder } from '../dag/graph.js';
import { getStageKind, stageKindSource } from '../../stages/api.js';
import { dataHashes } from './data-sets.js';
import { tfjsVersion } from '../training/tfjs-version.js';
import { backendFingerprint, packageRoot, toolVersion, type ProjectPaths } from './project.js';

export interface ModelSource {
  file: string;
  hash: string;
  /** content hash without the file's name (unit keys) */
  content: string;
}

export interface StageState {
  name: string;
  kind: string;
  fingerprint: string;
  parts: FingerprintParts;
  stale: boolean;
  reasons: string[];
  locked?: LockStage;
  /** model → content hash of its source, file name left out: what unit keys use */
  modelContent: Record<string, string>;
}

export interface StateInputs {
  pipeline: Pipeline;
  paths: ProjectPaths;
  lock: LockFile | undefined;
  stat: StatCache;
  backend: string;
  models: Map<string, ModelSource>;
}

/** The models a stage may build: its own list plus, for selections, the candidates of the stages it selects from. */
export function candidateModels(p: Pipeline, stage: StageDef, seen = new Set<string>()): string[] {
  if (seen.has(stage.name)) return [];
  seen.add(stage.name);
  const out = new Set(stage.inputs.models);
  for (const from of stage.inputs.modelsFrom ?? []) {
    const up = p.byName.get(from);
    if (up) for (const m of candidateModels(p, up, seen)) out.add(m);
  }
  return [...out].sort();
}

/** A model file named relative to the root it lives in (project, else the pipe package): no absolute paths
 *  in fingerprints, so a lock verifies in any checkout. */
export function modelFileLabel(file: string, projectDir: string): string {
  for (const root of [projectDir, packageRoot()]) {
    const rel = relative(root, file);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return file;
}

export async function computeStates(inp: StateInputs): Promise<StageState[]> {
  const { pipeline: p, paths, lock, stat } = inp;
  const data = await dataHashes(p, stat);
  const tool = toolVersion();
  const tfjs = tfjsVersion();
  const out = new Map<string, StageState>();
  for (const name of topoOrder(p.stages)) {
    const stage = p.byName.get(name)!;
    const kind = getStageKind(stage.kind)!;
    const models: Record<string, { file: string; hash: string }> = {};
    const modelContent: Record<string, string> = {};
    for (const m of candidateModels(p, stage)) {
      const src = inp.models.get(m);
      if (src) {
        models[m] = { file: modelFileLabel(src.file, p.dir), hash: src.hash };
        modelContent[m] = src.content;
      }
    }
    const files: Record<string, string> = {};
    if (stage.inputs.files.length) {
      for (const f of (await fg(stage.inputs.files, { cwd: p.dir, dot: false, onlyFiles: true })).sort()) {
        files[f] = (await stat.hash(resolve(p.dir, f)))!;
      }
    }
    const kindSource = stageKindSource(stage.kind);
    if (kindSource) files[relative(p.dir, kindSource).split(sep).join('/')] = (await stat.hash(kindSource))!;
    const parts: FingerprintParts = {
      kind: stage.kind,
      params: stage.params,
      seed: p.seed,
      backend: kind.usesTraining ? backendFingerprint(inp.backend) : 'none',
      data: Object.fromEntries(stage.inputs.data.map((s) => [s, data[s]!])),
      upstream: Object.fromEntries(stage.needs.map((n) => [n, out.get(n)!.fingerprint])),
      models,
      files,
      tool,
      tfjs,
    };
    const fingerprint = fingerprintOf(parts);
    const locked = lock?.stages[name];
    let reasons: string[] = [];
    if (!locked) reasons = ['never ran (not in the lock file)'];
    else if (locked.fingerprint !== fingerprint) {
      reasons = explainChange(locked.parts, parts);
      if (!reasons.length) reasons = ['fingerprint changed'];
    } else reasons = await outputProblems(join(paths.results, name), locked.outputs, stat, relative(p.dir, paths.results) || paths.results, name);
    out.set(name, { name, kind: stage.kind, fingerprint, parts, stale: reasons.length > 0, reasons, locked, modelContent });
  }
  return p.stages.map((s) => out.get(s.name)!);
}

async function outputProblems(dir: string, outputs: Record<string, string>, stat: StatCache, shown: string, stage: string): Promise<string[]> {
  for (const [file, hash] of Object.entries(outputs)) {
    const now = await stat.hash(join(dir, file));
    if (now === undefined) return [`output missing: ${shown}/${stage}/${file}`];
    // not "modified": another run or a restore may have written it as well as a person
    if (now !== hash) return [`output differs from the lock: ${shown}/${stage}/${file} (pipe run puts the locked one back)`];
  }
  return [];
}
