// The tfjs version for fingerprints, read from package.json so that `pipe status` never loads tfjs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function tfjsVersion(): string {
  return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
}
