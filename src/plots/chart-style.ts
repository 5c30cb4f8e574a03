import type { LegendItem } from 'chart.js';

// Shared look of every chart: big enough text to read a 1600×1000 PNG scaled down in the report.

export const layoutPadding = { padding: { left: 20, right: 40, top: 10, bottom: 20 } };

export function chartTitle(text: string) {
  return { display: true, text, font: { size: 30, weight: 'bold' as const }, padding: { top: 10, bottom: 8 } };
}

export function axisTitle(text: string) {
  return { display: true, text, font: { size: 22 } };
}

/**
 * Legend with line-style swatches; `keep` hides entries that would only repeat a colour; `pointStyle`
 * draws each entry's swatch as its dataset's marker (a circle, a triangle, a line) instead of a box.
 */
export function legendOptions(keep: (label: string) => boolean = () => true, pointStyle = false) {
  return {
    position: 'top' as const,
    labels: {
      font: { size: 20 },
      boxWidth: 40,
      padding: 16,
      ...(pointStyle ? { usePointStyle: true, pointStyleWidth: 40 } : {}),
      filter: (item: LegendItem) => keep(item.text),
    },
  };
}
