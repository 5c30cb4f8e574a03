// The tfjs version (fingerprints, the backend's description), read from package.json so that `pipe
// status` never loads tfjs. The one place it is computed.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed @tensorflow/tfjs-core version, or 'absent' when it is not installed. */
export function tfjsVersion(): string {
  try {
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    return 'absent';
  }
}
