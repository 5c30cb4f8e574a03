/**
 * The model registry: architecture name → definition. Model files (models/*.ts, built-in and user) call
 * registerModel as a side effect of being imported; stages look models up by name. The registry holds no
 * tfjs value (types only), so `pipe status` can import it without loading tfjs.
 */
import { distance } from 'fastest-levenshtein';
import { PipeError } from '../failure/pipe-error.js';
import type { tf } from '../training/tf.js';

export type HpValue = number | string | boolean;
export type Shape3 = [height: number, width: number, channels: number];

/**
 * What a model produces per sample: a map on the output grid ([h, w, channels]) or a vector ([channels]:
 * target values, or one logit per class — classification heads end without an activation, the loss
 * takes logits).
 */
export type OutputKind = 'grid' | 'vector';
export const OUTPUT_KINDS: readonly OutputKind[] = ['grid', 'vector'];

export interface ModelSpec {
  /** [h, w, cin] of one input sample; h, w may be a multiple of the output grid (finer terrain) */
  inputShape: Shape3;
  /** [h, w, channels]: the output grid and the values per cell; for a vector output the grid the model works
   *  on (x's) and the values per sample, which the model must produce as [channels] */
  outputShape: Shape3;
  /** 'grid' (absent) or 'vector': what the task needs the model to produce */
  output?: OutputKind;
  /** hyperparameters, already merged over the definition's defaults */
  hp: Record<string, unknown>;
}

export interface ModelDef {
  build(spec: ModelSpec): tf.LayersModel;
  /** every hyperparameter the model reads, with its default; a key not listed here is refused */
  defaults: Record<string, HpValue>;
  /** one line, shown by `pipe models` */
  description: string;
  /** what each hyperparameter means (documentation shown by `pipe models`) */
  docs?: Record<string, string>;
  /** undefined when the spec can be built, else a refusal that says which grid sizes / settings work */
  check?(spec: ModelSpec): string | undefined;
  /** what the model can produce (default ['grid']); a task that needs another output is refused before building */
  outputs?: readonly OutputKind[];
}

/** The output kinds a registered model declares. */
export function modelOutputs(def: Pick<ModelDef, 'outputs'>): readonly OutputKind[] {
  return def.outputs ?? ['grid'];
}

const OUTPUT_WORDS: Record<OutputKind, string> = { grid: 'a map per sample', vector: 'a vector per sample' };

/** undefined when `name` can produce `output`, else why not and which template to start from. */
export function outputRefusal(name: string, output: OutputKind): string | undefined {
  const declared = modelOutputs(getModel(name).def);
  if (declared.includes(output)) return undefined;
  return (
    `model '${name}' produces ${declared.map((k) => OUTPUT_WORDS[k]).join(' or ')} (outputs: [${declared.join(', ')}]); ` +
    `this task needs ${OUTPUT_WORDS[output]}`
  );
}

export interface RegisteredModel {
  name: string;
  def: ModelDef;
  /** the file that registered it, when registered while the loader imported a file */
  file?: string;
}

const models = new Map<string, RegisteredModel>();
let loadingFile: string | undefined;

const NAME = /^[a-z][a-z0-9_]*$/;

/** Registers an architecture. A name is registered once: a second registration is an error naming both files. */
export function registerModel(name: string, def: ModelDef): void {
  if (!NAME.test(name)) {
    throw new PipeError('config-invalid', `model name '${name}' is invalid: use lower case letters, digits and _ (e.g. 'my_unet')`, {
      hint: loadingFile ? `registered in ${loadingFile}` : undefined,
    });
  }
  const previous = models.get(name);
  if (previous) {
    const where = (f?: string) => f ?? 'code outside a model file';
    throw new PipeError('config-invalid', `model '${name}' is registered twice: by ${where(previous.file)} and by ${where(loadingFile)}`, {
      hint: 'rename one of them; the names in pipeline.yaml refer to registered names',
    });
  }
  if (typeof def.build !== 'function') throw new PipeError('config-invalid', `model '${name}' has no build(spec) function`);
  const bad = (def.outputs ?? []).filter((k) => !OUTPUT_KINDS.includes(k));
  if (bad.length || def.outputs?.length === 0)
    throw new PipeError(
      'config-invalid',
      `model '${name}' declares outputs [${(def.outputs ?? []).join(', ')}]; each must be one of ${OUTPUT_KINDS.join(', ')}`,
    );
  models.set(name, { name, def, file: loadingFile });
}

/** The registered model, or a `model-unknown` error suggesting the closest names. */
export function getModel(name: string): RegisteredModel {
  const found = models.get(name);
  if (found) return found;
  const known = [...models.keys()].sort();
  throw new PipeError('model-unknown', `unknown model '${name}'${didYouMean(name, known)}`, { hint: knownList(known, 'models') });
}

export function hasModel(name: string): boolean {
  return models.has(name);
}

/** All registered models, sorted by name. */
export function listModels(): RegisteredModel[] {
  return [...models.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Merges `hp` over the model's defaults. Unknown keys (with a did-you-mean) and values of the wrong type
 * are refused: a typo in pipeline.yaml must not silently train the default.
 */
export function resolveHp(name: string, hp: Record<string, unknown> = {}): Record<string, HpValue> {
  const { def } = getModel(name);
  const out: Record<string, HpValue> = { ...def.defaults };
  for (const [key, value] of Object.entries(hp)) {
    if (!(key in def.defaults)) {
      const keys = Object.keys(def.defaults).sort();
      throw new PipeError('config-invalid', `model '${name}' has no hyperparameter '${key}'${didYouMean(key, keys)}`, {
        hint: knownList(keys, 'hyperparameters'),
      });
    }
    const expected = typeof def.defaults[key];
    if (typeof value !== expected) {
      throw new PipeError(
        'config-invalid',
        `model '${name}': hyperparameter '${key}' must be a ${expected} (default ${JSON.stringify(def.defaults[key])}), got ${JSON.stringify(value)}`,
      );
    }
    out[key] = value as HpValue;
  }
  return out;
}

/** The full spec for `name` (hp merged over defaults), or a refusal message from the model's check. */
export function checkModel(name: string, shapes: Omit<ModelSpec, 'hp'>, hp: Record<string, unknown> = {}): string | undefined {
  const spec: ModelSpec = { ...shapes, hp: resolveHp(name, hp) };
  return getModel(name).def.check?.(spec);
}

/**
 * Builds `name` for the given shapes and hyperparameters: merges defaults, runs the model's check (a
 * refusal is a config error that names the model), and verifies the model maps inputShape to outputShape.
 */
export function buildModel(name: string, shapes: Omit<ModelSpec, 'hp'>, hp: Record<string, unknown> = {}): tf.LayersModel {
  const { def } = getModel(name);
  const spec: ModelSpec = { ...shapes, hp: resolveHp(name, hp) };
  const output = spec.output ?? 'grid';
  const wrongKind = outputRefusal(name, output);
  if (wrongKind) {
    throw new PipeError('config-invalid', wrongKind, {
      hint: `use a model that declares outputs: ['${output}'] (start from models/_template${output === 'vector' ? '-vector' : ''}.ts.example)`,
    });
  }
  const refusal = def.check?.(spec);
  if (refusal) throw new PipeError('config-invalid', `model '${name}' cannot be built: ${refusal}`);
  const model = def.build(spec);
  const inShape = model.inputs[0]?.shape.slice(1);
  const outShape = model.outputs[0]?.shape.slice(1);
  const expected = output === 'vector' ? [spec.outputShape[2]] : spec.outputShape;
  if (JSON.stringify(inShape) !== JSON.stringify(spec.inputShape) || JSON.stringify(outShape) !== JSON.stringify(expected)) {
    model.dispose();
    throw new PipeError(
      'internal',
      `model '${name}' maps ${JSON.stringify(inShape)} → ${JSON.stringify(outShape)}` +
        `, expected ${JSON.stringify(spec.inputShape)} → ${JSON.stringify(expected)}; fix its build() or check()`,
    );
  }
  return model;
}

/** Runs `fn` with registrations attributed to `file` (the loader calls this around each import). */
export async function withSourceFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const before = loadingFile;
  loadingFile = file;
  try {
    return await fn();
  } finally {
    loadingFile = before;
  }
}

/** "; did you mean 'x'?" for the names within a small edit distance of `wrong`, else "". */
export function didYouMean(wrong: string, known: string[]): string {
  const limit = Math.max(2, Math.min(3, Math.floor(wrong.length / 3)));
  const close = known
    .map((k) => ({ k, d: distance(wrong.toLowerCase(), k.toLowerCase()) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .map((c) => `'${c.k}'`);
  return close.length ? `; did you mean ${close.slice(0, 3).join(' or ')}?` : '';
}

function knownList(known: string[], what: string): string {
  return known.length ? `known ${what}: ${known.join(', ')}` : `no ${what} are registered (is the models/ folder loaded?)`;
}
