import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Fixtures stay in the source tree; tests run both from test/data (tsx) and from dist/test/data (tsc),
 * so look in both places.
 */
export function fixture(name: string): string {
  for (const relative of ['./fixtures/', '../../../test/data/fixtures/']) {
    const path = fileURLToPath(new URL(relative + name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`test fixture ${name} not found next to ${fileURLToPath(import.meta.url)}`);
}
