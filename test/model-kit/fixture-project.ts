// Writes a throw-away user project for the loader tests: no package.json "type" (CommonJS by default)
// and no node_modules, so 'pipe-ml/models' can only resolve through the loader's own mapping.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pipe-user-project-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'user-study', private: true }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export const helperSource = `export const width = (f: number): number => f * 2;\n`;

export const userModelSource = (name: string, extra = '') => `
import { blocks, inputBlock, INPUT_BLOCK_DEFAULTS, registerModel } from 'pipe-ml/models';
import { width } from './_helpers.js';
${extra}
registerModel('${name}', {
  description: 'user model ${name}',
  defaults: { filters: 4, ...INPUT_BLOCK_DEFAULTS },
  build(spec) {
    const { input, x } = inputBlock(spec);
    const y = blocks.conv(x, width(spec.hp.filters as number));
    return blocks.finish('${name}', input, blocks.outputHead(y, spec.outputShape[2]));
  },
});
`;
