// The import picture of src/ and stages/, read from the sources with the TypeScript parser: every import
// between layers must be one the table below allows (type-only imports count: they are dependencies too),
// only src/training/tf.ts loads tfjs, and no source line is longer than 160 characters. The same table is
// in the README (Development). Import cycles are checked by `npm run lint:cycles` (madge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import fg from 'fast-glob';
import ts from 'typescript';
import { packageRoot } from '../src/package-root.js';

/** Layer → the layers it may import. Imports point down: the CLI at the top, the failure vocabulary at the bottom. */
const ALLOWED: Record<string, string[]> = {
  cli: [
    'ui',
    'runs',
    'runner',
    'config',
    'dag',
    'stages',
    'cache',
    'model-kit',
    'training',
    'data',
    'metrics',
    'plots',
    'tuning',
    'random',
    'package-root',
    'failure',
  ],
  ui: ['runs', 'cache', 'package-root', 'failure'],
  runs: ['runner', 'cache', 'stages', 'failure'],
  runner: ['config', 'dag', 'stages', 'cache', 'model-kit', 'training', 'data', 'random', 'package-root', 'failure'],
  config: ['dag', 'stages', 'data', 'failure'],
  dag: ['failure'],
  stages: ['model-kit', 'training', 'data', 'metrics', 'tuning', 'cache', 'random', 'failure'],
  'model-kit': ['training', 'package-root', 'failure'],
  plots: ['metrics', 'data', 'failure'],
  training: ['data', 'random', 'package-root', 'failure'],
  tuning: ['random', 'failure'],
  metrics: ['failure'],
  data: ['random', 'failure'],
  cache: ['failure'],
  random: [],
  'package-root': [],
  failure: [],
};

/** stages/ (the stage kinds) is one layer; src/<folder>/ one layer each; src/package-root.ts its own. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'stages') return 'stages';
  if (parts.length === 2) return parts[1]!.replace(/\.[jt]s$/, '');
  return parts[1]!;
}

interface Import {
  from: string;
  specifier: string;
  typeOnly: boolean;
  line: number;
}

function importsOf(file: string, text: string): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    out.push({ from: file, specifier: spec.text, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, !!node.importClause?.isTypeOnly);
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const root = packageRoot();
const files = fg.sync(['src/**/*.ts', 'stages/**/*.ts'], { cwd: root, ignore: ['src/training/wasm-kernels/assembly/**', '**/*.d.ts'] }).sort();
const imports = files.flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));

test('the sources are found and parsed', () => {
  assert.ok(files.length > 100, `${files.length} files`);
  assert.ok(imports.length > 300, `${imports.length} imports`);
  const layers = new Set(files.map(layerOf));
  assert.deepEqual(
    [...layers].filter((l) => !(l in ALLOWED)),
    [],
    'every layer has a row in the table',
  );
});

test('no import runs against the layers', () => {
  const wrong: string[] = [];
  for (const imp of imports) {
    if (!imp.specifier.startsWith('.')) continue;
    const target = relative(root, join(root, dirname(imp.from), imp.specifier))
      .split(sep)
      .join('/');
    const [a, b] = [layerOf(imp.from), layerOf(target)];
    if (a !== b && !ALLOWED[a]!.includes(b)) wrong.push(`${imp.from}:${imp.line} (${a}) imports ${target} (${b})`);
  }
  assert.deepEqual(wrong, []);
});

test('only src/training/tf.ts loads tfjs (elsewhere in src/training, type-only imports)', () => {
  const wrong = imports
    .filter((i) => i.specifier.startsWith('@tensorflow/') && i.from !== 'src/training/tf.ts' && !(i.typeOnly && i.from.startsWith('src/training/')))
    .map((i) => `${i.from}:${i.line} imports ${i.specifier}`);
  assert.deepEqual(wrong, []);
});

test('no source line is over 160 characters', () => {
  const all = fg.sync(['src/**/*.ts', 'stages/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'], { cwd: root, ignore: ['src/training/wasm-kernels/assembly/**'] });
  const long = all.flatMap((f) =>
    readFileSync(join(root, f), 'utf8')
      .split('\n')
      .flatMap((l, i) => ([...l].length > 160 ? [`${f}:${i + 1} (${[...l].length})`] : [])),
  );
  assert.deepEqual(long, []);
});
