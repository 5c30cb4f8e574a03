import { createCanvas } from '@napi-rs/canvas';
import { ensureFonts, FONT_FAMILY } from './fonts.js';
import { writePng } from './write-png.js';

export interface ConfusionPlot {
  title: string;
  /** counts, matrix[true][predicted] */
  matrix: number[][];
  classNames: string[];
}

/** Each row divided by its sum (the recall of the row's class on the diagonal); an empty row stays 0. */
export function rowNormalised(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (sum > 0 ? v / sum : 0));
  });
}

// white → the palette's blue: a share of 0 is paper, 1 is full ink
const shade = (f: number) => {
  const [r, g, b] = [31, 119, 180].map((c) => Math.round(255 + (c - 255) * Math.min(1, Math.max(0, f))));
  return `rgb(${r}, ${g}, ${b})`;
};

/**
 * A confusion matrix as a grid of cells: rows are the true class, columns the predicted one; each cell
 * shows its count and its share of the row (shaded by that share, so rows of a rare class read as
 * clearly as the common one), and each row's label its support.
 */
export async function renderConfusionMatrix(plot: ConfusionPlot, file: string, size = { width: 1200, height: 1100 }): Promise<string> {
  const k = plot.classNames.length;
  if (k < 2 || plot.matrix.length !== k || plot.matrix.some((row) => row.length !== k)) {
    throw new RangeError(`a confusion matrix of ${k} class names needs ${k}×${k} counts`);
  }
  ensureFonts();
  const { width, height } = size;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#222';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.font = `bold 30px "${FONT_FAMILY}"`;
  ctx.fillText(plot.title, width / 2, 14);
  ctx.font = `18px "${FONT_FAMILY}"`;
  ctx.fillText('count and share of the true class (row); shading: the share', width / 2, 54);

  const left = 260;
  const top = 150;
  const cell = Math.min((width - left - 40) / k, (height - top - 90) / k);
  const x0 = left + (width - left - 40 - cell * k) / 2;
  const share = rowNormalised(plot.matrix);
  const fontSize = Math.max(12, Math.min(30, cell / 5));
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const x = x0 + c * cell;
      const y = top + r * cell;
      const f = share[r]![c]!;
      ctx.fillStyle = shade(f);
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = '#888';
      ctx.lineWidth = 1;
      ctx.strokeRect(x, y, cell, cell);
      ctx.fillStyle = f > 0.5 ? '#fff' : '#222';
      ctx.textBaseline = 'middle';
      ctx.font = `bold ${fontSize}px "${FONT_FAMILY}"`;
      ctx.fillText(String(plot.matrix[r]![c]), x + cell / 2, y + cell / 2 - fontSize * 0.6);
      ctx.font = `${fontSize * 0.75}px "${FONT_FAMILY}"`;
      ctx.fillText(`${(100 * f).toFixed(1)} %`, x + cell / 2, y + cell / 2 + fontSize * 0.6);
    }
  }
  ctx.fillStyle = '#222';
  ctx.font = `20px "${FONT_FAMILY}"`;
  ctx.textBaseline = 'bottom';
  plot.classNames.forEach((name, c) => ctx.fillText(name, x0 + c * cell + cell / 2, top - 8));
  ctx.font = `22px "${FONT_FAMILY}"`;
  ctx.fillText('predicted class', x0 + (k * cell) / 2, top - 40);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.font = `20px "${FONT_FAMILY}"`;
  plot.classNames.forEach((name, r) => {
    const support = plot.matrix[r]!.reduce((a, b) => a + b, 0);
    ctx.fillText(name, x0 - 14, top + r * cell + cell / 2 - 12);
    ctx.font = `16px "${FONT_FAMILY}"`;
    ctx.fillText(`n = ${support}`, x0 - 14, top + r * cell + cell / 2 + 14);
    ctx.font = `20px "${FONT_FAMILY}"`;
  });
  ctx.save();
  ctx.translate(40, top + (k * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.font = `22px "${FONT_FAMILY}"`;
  ctx.fillText('true class', 0, 0);
  ctx.restore();
  return writePng(canvas, file);
}
