import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file via a temporary sibling and a rename, so a reader (a browser, the report, CI's artifact
 * upload) never sees a half-written PNG or report if rendering is interrupted.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return file;
}
