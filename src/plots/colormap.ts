// Perceptually uniform colour maps as degree-6 polynomial fits of matplotlib's tables (fit by Matt Zucker,
// max error < 1/255): no lookup tables to ship, same colours as the Python tools users compare with.

type Poly = readonly (readonly [number, number, number])[];

const VIRIDIS: Poly = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

const INFERNO: Poly = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

export type ColorMapName = 'viridis' | 'inferno';
export type Rgb = [number, number, number];

function evaluate(poly: Poly, t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const out: Rgb = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = poly.length - 1; k >= 0; k--) v = v * x + poly[k]![c]!;
    out[c] = Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return out;
}

/** 256-entry RGB table for fast per-cell lookup. */
export function colorTable(name: ColorMapName): Uint8Array {
  const poly = name === 'viridis' ? VIRIDIS : INFERNO;
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(evaluate(poly, i / 255), i * 3);
  return table;
}
