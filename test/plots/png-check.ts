import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface PngFacts {
  width: number;
  height: number;
  /** Variance of luminance (0–255 scale) over all pixels: 0 for a blank image. */
  variance: number;
  /** Share of pixels that are not near-white: ink on the page. */
  ink: number;
  opaque: boolean;
}

/** Decodes a PNG (file or bytes) and measures whether anything was drawn on it. */
export async function pngFacts(source: string | Buffer): Promise<PngFacts> {
  const img = await loadImage(typeof source === 'string' ? await readFile(source) : source);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  let sum = 0;
  let sumSq = 0;
  let ink = 0;
  let opaque = true;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const l = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
    sum += l;
    sumSq += l * l;
    if (l < 235) ink++;
    if (data[i * 4 + 3]! !== 255) opaque = false;
  }
  const mean = sum / n;
  return { width: img.width, height: img.height, variance: sumSq / n - mean * mean, ink: ink / n, opaque };
}
