/** The dummy (training-mean) baseline is always this grey, so it reads as "reference", not as a contender. */
export const DUMMY_COLOR = '#7f7f7f';
export const DUMMY_MODEL = 'dummy';

/** The evaluate stage's baselines (reserved names), each a shade of grey. */
export const BASELINE_COLORS: Record<string, string> = { dummy: DUMMY_COLOR, zero: '#b5b5b5', persistence: '#3a3a3a', majority: '#5a5a5a' };
export const isBaseline = (model: string): boolean => Object.hasOwn(BASELINE_COLORS, model);

/** Tableau 10 without its grey (reserved for the dummy): distinguishable, and colour-blind friendlier than HSL steps. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf'];

export type ModelColors = (model: string) => string;

function hashHue(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (h >>> 0) % 360;
}

/**
 * Colour per model for one study: palette slot by position in the study's sorted model list, so every
 * chart of the study gives a model the same colour regardless of which subset the chart shows. Beyond the
 * palette (or for a name not in the list) the colour comes from a hash of the name, still stable.
 */
export function modelColors(studyModels: Iterable<string>): ModelColors {
  const sorted = [...new Set(studyModels)].filter((m) => !isBaseline(m)).sort();
  const slot = new Map(sorted.map((m, i) => [m, i]));
  return (model) => {
    if (isBaseline(model)) return BASELINE_COLORS[model]!;
    const i = slot.get(model);
    if (i !== undefined && i < PALETTE.length) return PALETTE[i]!;
    return `hsl(${hashHue(model)}, 65%, 42%)`;
  };
}

/** `#rrggbb` or `hsl(...)` with an alpha, for lighter fills and secondary lines. */
export function withAlpha(color: string, alpha: number): string {
  if (color.startsWith('#') && color.length === 7) {
    const a = Math.round(alpha * 255)
      .toString(16)
      .padStart(2, '0');
    return `${color}${a}`;
  }
  if (color.startsWith('hsl(')) return color.replace('hsl(', 'hsla(').replace(')', `, ${alpha})`);
  return color;
}
