import type { Canvas } from '@napi-rs/canvas';
import { writeFileAtomic } from './write-atomic.js';

/** PNG-encodes a canvas (off the main thread, in libuv's pool) and writes it atomically. */
export async function writePng(canvas: Canvas, file: string): Promise<string> {
  return writeFileAtomic(file, await canvas.encode('png'));
}
