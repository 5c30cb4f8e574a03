import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { colorTable, type ColorMapName } from './colormap.js';
import { FONT_FAMILY } from './fonts.js';

export interface Field {
  /** Row-major h × w values. */
  values: Float32Array;
  h: number;
  w: number;
}

export interface Scale {
  min: number;
  max: number;
  map: ColorMapName;
}

const NAN_RGB = [220, 220, 220];

/** Draws a field as nearest-neighbour pixels in the box (x, y, size × size), keeping its aspect ratio. */
export function drawHeatmap(ctx: SKRSContext2D, field: Field, scale: Scale, x: number, y: number, size: number): void {
  const table = colorTable(scale.map);
  const small = createCanvas(field.w, field.h);
  const sctx = small.getContext('2d');
  const img = sctx.createImageData(field.w, field.h);
  const span = scale.max - scale.min || 1;
  for (let i = 0; i < field.h * field.w; i++) {
    const v = field.values[i]!;
    const rgb = Number.isFinite(v) ? table.subarray(Math.round(255 * Math.min(1, Math.max(0, (v - scale.min) / span))) * 3) : NAN_RGB;
    img.data[i * 4] = rgb[0]!;
    img.data[i * 4 + 1] = rgb[1]!;
    img.data[i * 4 + 2] = rgb[2]!;
    img.data[i * 4 + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  const k = size / Math.max(field.w, field.h);
  const dw = field.w * k;
  const dh = field.h * k;
  ctx.save();
  ctx.imageSmoothingEnabled = false; // one cell = one crisp square: smoothing would invent water
  ctx.drawImage(small, x + (size - dw) / 2, y + (size - dh) / 2, dw, dh);
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 1;
  ctx.strokeRect(x + (size - dw) / 2, y + (size - dh) / 2, dw, dh);
  ctx.restore();
}

function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Horizontal colour bar with ticks and a label (which carries the unit). */
export function drawColorBar(ctx: SKRSContext2D, scale: Scale, label: string, x: number, y: number, width: number, height: number): void {
  const table = colorTable(scale.map);
  for (let i = 0; i < width; i++) {
    const c = Math.round((255 * i) / Math.max(1, width - 1)) * 3;
    ctx.fillStyle = `rgb(${table[c]}, ${table[c + 1]}, ${table[c + 2]})`;
    ctx.fillRect(x + i, y, 1.5, height);
  }
  ctx.save();
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, width, height);
  ctx.fillStyle = '#222';
  ctx.font = `18px "${FONT_FAMILY}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const span = scale.max - scale.min || 1;
  for (const t of niceTicks(scale.min, scale.max)) {
    const tx = x + ((t - scale.min) / span) * width;
    ctx.beginPath();
    ctx.moveTo(tx, y + height);
    ctx.lineTo(tx, y + height + 6);
    ctx.stroke();
    ctx.fillText(String(t), tx, y + height + 8);
  }
  ctx.font = `20px "${FONT_FAMILY}"`;
  ctx.fillText(label, x + width / 2, y + height + 34);
  ctx.restore();
}
