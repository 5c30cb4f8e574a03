/**
 * Bad input gets one clear message: what, where (pipeline.yaml:line:col or the flag), how to fix; exit
 * code 2; no stack trace; nothing written to .pipe/ or results/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project } from '../e2e/rig.js';

const BASE = `name: bad
data:
  flood: { grid: 16, simulations: 7, steps: 40, samples_per_simulation: 2, horizon: 10 }
  split: { small: 3, test: 2 }
train:
  epochs: 2
stages:
  prep:
    kind: shell
    cmd: echo hi
  A:
    kind: train
    data: small
    models: [unet, plain_cnn]
  B:
    kind: tune
    needs: [A]
    data: small
    model: { best: A }
    space:
      train.lr: { log_uniform: [0.001, 0.01] }
    trials: 2
  C:
    kind: train
    needs: [A, B]
    data: big
    models: { top: 2, of: A, tuned: B }
profiles:
  ci:
    train: { epochs: 1 }
`;

interface Case {
  name: string;
  /** [search, replace] applied to BASE, or a whole file */
  edit?: [string, string];
  file?: string;
  args?: string[];
  message: RegExp;
  /** the text on the line the location must point at; omit for flag errors */
  at?: string;
  code?: number;
  /** must not appear (e.g. a wrong suggestion) */
  not?: RegExp;
}

const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
  'stages: {}',
  '',
].join('\n');

const CASES: Case[] = [
  {
    name: 'multiclass task without classes',
    edit: ['train:\n  epochs: 2', 'task:\n  kind: classification\n  type: multiclass\ntrain:\n  epochs: 2'],
    message: /a multiclass task needs `classes`/,
    at: 'type: multiclass',
  },
  {
    name: 'class weights that do not match the classes',
    edit: ['train:\n  epochs: 2', 'task:\n  kind: classification\n  class_weights: [1, 2, 3]\ntrain:\n  epochs: 2'],
    message: /class_weights has 3 weights for 2 classes \(\[negative, positive\]\)/,
    at: 'class_weights: [1, 2, 3]',
  },
  {
    name: 'a classification key on a regression task',
    edit: ['train:\n  epochs: 2', 'task:\n  kind: regression\n  label_smoothing: 0.1\ntrain:\n  epochs: 2'],
    message: /task.label_smoothing is for classification; this task is regression/,
    at: 'label_smoothing: 0.1',
  },
  {
    name: 'bins on a multilabel task',
    edit: ['train:\n  epochs: 2', 'task:\n  kind: classification\n  type: multilabel\n  bins: quantile\ntrain:\n  epochs: 2'],
    message: /bins make one class per sample or cell from one target: use type binary or multiclass/,
    at: 'bins: quantile',
  },
  {
    name: 'a metric to monitor without a classification task',
    edit: ['train:\n  epochs: 2', 'train:\n  monitor: val_recall\n  epochs: 2'],
    message: /stage 'A': train.monitor: val_recall is a classification metric; this stage's task is regression/,
    at: 'monitor: val_recall',
  },
  { name: 'YAML syntax', edit: ['  flood: { grid: 16,', '  flood: { grid: 16,,'], message: /YAML syntax/, at: 'flood: { grid: 16,,' },
  { name: 'unclosed flow sequence', edit: ['models: [unet, plain_cnn]', 'models: [unet, plain_cnn'], message: /YAML syntax/ },
  { name: 'duplicate key', edit: ['  epochs: 2\n', '  epochs: 2\n  epochs: 3\n'], message: /YAML syntax: .*(unique|duplicate)/i, at: 'epochs: 3' },
  { name: 'not a mapping', file: '- just\n- a list\n', message: /must be a YAML mapping/ },
  {
    name: 'unknown top-level key',
    edit: ['profiles:', 'profilez:'],
    message: /unknown key 'profilez' in top level \(did you mean 'profiles'\?\)/,
    at: 'profilez:',
  },
  { name: 'unknown stage key', edit: ['    cmd: echo hi', '    cmdd: echo hi'], message: /did you mean 'cmd'/, at: 'cmdd: echo hi' },
  { name: 'missing required key', edit: ['    cmd: echo hi\n', ''], message: /'cmd' is required/, at: 'prep:' },
  { name: 'wrong type', edit: ['  epochs: 2', '  epochs: ten'], message: /'train.epochs': expected number, got string "ten"/, at: 'epochs: ten' },
  { name: 'out of range', edit: ['  epochs: 2', '  epochs: 0'], message: /'train.epochs'.*>=1/, at: 'epochs: 0' },
  { name: 'negative learning rate', edit: ['  epochs: 2', '  epochs: 2\n  lr: -0.1'], message: /'train.lr'/, at: 'lr: -0.1' },
  {
    name: 'bad enum',
    edit: ['  epochs: 2', '  epochs: 2\n  loss: l3'],
    message: /expected one of "l1", "l2", "huber", got "l3" \(did you mean 'l1'\?\)/,
    at: 'loss: l3',
  },
  {
    name: 'unknown stage kind',
    edit: ['    kind: shell', '    kind: shel'],
    message: /unknown stage kind 'shel' \(did you mean 'shell'\?\)/,
    at: 'kind: shel',
  },
  {
    name: 'unknown stage in needs',
    edit: ['    needs: [A]\n', '    needs: [AA]\n'],
    message: /needs unknown stage 'AA' \(did you mean 'A'\?\)/,
    at: 'needs: [AA]',
  },
  {
    name: 'cycle',
    edit: ['  A:\n    kind: train', '  A:\n    needs: [C]\n    kind: train'],
    message: /dependency cycle: (A → B → C → A|A → C → A|C → A → C|B → C → A → B)/,
    at: 'needs:',
  },
  {
    name: 'unknown model',
    edit: ['models: [unet, plain_cnn]', 'models: [unet, plain_cn]'],
    message: /unknown model 'plain_cn' \(did you mean 'plain_cnn'\?\)/,
    at: 'models: [unet, plain_cn]',
  },
  {
    name: 'selection outside needs',
    edit: ['    needs: [A, B]\n', '    needs: [A]\n'],
    message: /refers to stage 'B', which is not in its needs/,
    at: 'models: { top: 2, of: A, tuned: B }',
  },
  {
    name: 'top-k larger than the list',
    edit: ['{ top: 2, of: A, tuned: B }', '{ top: 5, of: A, tuned: B }'],
    message: /top 5 of A, but A trains only 2 models/,
    at: 'models: { top: 5',
  },
  {
    name: 'unknown data set',
    edit: ['    data: big', '    data: bigg'],
    message: /expected one of "small", "big", "test", got "bigg" \(did you mean 'big'\?\)/,
    at: 'data: bigg',
  },
  { name: 'bad flood parameter', edit: ['grid: 16,', 'grid: 2,'], message: /'data.flood.grid'/, at: 'flood: { grid: 2' },
  { name: 'bad search-space key', edit: ['      train.lr:', '      lr:'], message: /search-space keys start with 'train.'/, at: 'lr: { log_uniform' },
  { name: 'bad search-space bounds', edit: ['[0.001, 0.01]', '[0.01, 0.001]'], message: /low/i, at: 'train.lr:' },
  {
    name: 'bad value inside a profile',
    edit: ['    train: { epochs: 1 }', '    train: { epochs: -1 }'],
    args: ['--profile', 'ci'],
    message: /'train.epochs'.*\(profile 'ci'\)/,
    at: 'train: { epochs: -1 }',
  },
  { name: 'unknown profile', args: ['--profile', 'cii'], message: /unknown profile 'cii' \(did you mean 'ci'\?\)/ },
  { name: 'bad --set path', args: ['--set', 'train.epochz=3'], message: /--set train.epochz=3: unknown key 'epochz' in 'train' \(did you mean 'epochs'\?\)/ },
  { name: 'bad --set value', args: ['--set', 'train.epochs=abc'], message: /--set train.epochs=abc: 'train.epochs': expected number/ },
  { name: 'malformed --set', args: ['--set', 'train.epochs'], message: /expected KEY.PATH=VALUE/ },
  { name: '--set through a scalar', args: ['--set', 'train.epochs.x=1'], message: /'train.epochs' is not a mapping/ },
  { name: 'unknown --stage', args: ['--stage', 'Z'], message: /--stage Z: no such stage/ },
  { name: 'bad --jobs', args: ['--jobs', '0'], message: /--jobs 0: expected a whole number/ },
  { name: 'unknown --backend', args: ['--backend', 'gpu'], message: /argument 'gpu' is invalid\. Allowed choices are auto, tensorflow, wasm, cpu/ },
  {
    name: 'misspelt stage key names the stage',
    edit: ['    cmd: echo hi', '    cmdd: echo hi'],
    message: /unknown key 'cmdd' in stage 'prep' \(did you mean 'cmd'\?\)/,
    not: /top level/,
    at: 'cmdd: echo hi',
  },
  { name: 'NaN', edit: ['  epochs: 2', '  epochs: .nan'], message: /'train.epochs': expected number, got NaN/, not: /null/, at: 'epochs: .nan' },
  { name: 'YAML alias bomb', file: BOMB, message: /YAML aliases expand too far/ },
  {
    name: '--set on a stage that does not exist',
    args: ['--set', 'stages.Q.trials=3'],
    message: /--set stages.Q.trials=3: no stage 'Q' in pipeline.yaml/,
    not: /pipeline\.yaml:\d+:\d+/,
  },
  { name: 'unknown --stage gets no far-fetched suggestion', args: ['--stage', 'E'], message: /--stage E: no such stage/, not: /did you mean/ },
  {
    name: 'split.small larger than the simulations',
    edit: ['  split: { small: 3, test: 2 }', '  split: { small: 9, test: 2 }'],
    message: /split.small \(9\) \+ split.test \(2\) leaves fewer than 2 of the \d+ simulations of data.flood for big/,
    at: 'split: { small: 9',
  },
  { name: 'flood size far beyond any study', edit: ['simulations: 7,', 'simulations: 15000000,'], message: /cell-steps is over pipe's limit/, at: 'flood: {' },
  {
    name: 'profile name with path segments (declared)',
    edit: ['profiles:\n  ci:', "profiles:\n  'evil/../../../x':\n    train: { epochs: 1 }\n  ci:"],
    message: /profile names are letters, digits/,
    at: "'evil/../../../x':",
  },
  {
    name: 'profile name with path segments (--profile)',
    args: ['--profile', 'evil/../../../x'],
    message: /--profile "evil\/..\/..\/..\/x": profile names are letters, digits/,
  },
  {
    name: "foreach item '..'",
    edit: ['    cmd: echo hi', '    cmd: echo hi\n    foreach: [a, ".."]'],
    message: /'\.' and '\.\.' are not allowed/,
    at: 'foreach: [a, ".."]',
  },
  {
    name: 'forced backend that is not installed, --dry-run',
    args: ['--backend', 'tensorflow', '--dry-run'],
    message: /backend tensorflow was forced, but/,
    not: /would run/,
    code: 4,
  },
  {
    name: 'forced backend that is not installed',
    args: ['--backend', 'tensorflow'],
    message: /backend tensorflow was forced, but @tensorflow\/tfjs-node\(-gpu\) is not installed/,
    code: 4,
  },
];

for (const c of CASES) {
  test(`bad config: ${c.name}`, (t) => {
    const text = c.file ?? (c.edit ? BASE.replace(c.edit[0], c.edit[1]) : BASE);
    if (c.edit) assert.notEqual(text, BASE, `edit for '${c.name}' did not apply`);
    const p = new Project({ 'pipeline.yaml': text });
    t.after(() => p.cleanup());
    const r = p.run(['run', ...(c.args ?? [])]);
    assert.equal(r.code, c.code ?? 2, `exit code (stderr: ${r.stderr})`);
    assert.match(r.stderr, c.message);
    assert.match(r.stderr, /^error: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
    if (c.not) assert.doesNotMatch(r.stderr + r.stdout, c.not);
    if (c.at) {
      const m = /pipeline\.yaml:(\d+):(\d+)/.exec(r.stderr);
      assert.ok(m, `no pipeline.yaml:line:col in: ${r.stderr}`);
      const line = text.split('\n')[Number(m[1]) - 1]!;
      assert.ok(line.includes(c.at), `location line ${m[1]} is '${line}', expected the line with '${c.at}'`);
    }
    assert.ok(!p.exists('.pipe') && !p.exists('results') && !p.exists('pipeline.lock'), 'bad input must not write .pipe/, results/ or the lock');
  });
}

test('status and --dry-run report the same errors', (t) => {
  const p = new Project({ 'pipeline.yaml': BASE.replace('  epochs: 2', '  epochs: ten') });
  t.after(() => p.cleanup());
  for (const args of [['status'], ['run', '--dry-run']]) {
    const r = p.run(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pipeline\.yaml:6:11: 'train.epochs': expected number/);
    assert.match(r.stderr, /\s+6 \| {3}epochs: ten\n\s+\| {11}~~~/);
  }
});
