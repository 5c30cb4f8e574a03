/**
 * Greedy label placement for charts that label each point (the size/speed chart): each label, in order,
 * takes the first candidate spot next to its point — right, left, above, below, then further up and down
 * on either side — that stays inside the chart area and overlaps no label placed before it (nor another
 * point's marker, where possible). Pure: the caller measures the text and draws the result.
 */

export interface LabelRequest {
  /** the point's centre and marker radius, in pixels */
  x: number;
  y: number;
  r: number;
  width: number;
  height: number;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface PlacedLabel extends Box {
  /** whether the label sits away from its point (a leader line helps the reader) */
  moved: boolean;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

const area = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

function candidates(p: LabelRequest, gap: number): { box: Box; moved: boolean }[] {
  const { x, y, r, width: w, height: h } = p;
  const at = (left: number, top: number, moved: boolean) => ({ box: { left, top, right: left + w, bottom: top + h }, moved });
  const out = [
    at(x + r + gap, y - h / 2, false),
    at(x - r - gap - w, y - h / 2, false),
    at(x - w / 2, y - r - gap - h, false),
    at(x - w / 2, y + r + gap, false),
  ];
  for (let k = 1; k <= 12; k++) {
    for (const dy of [-k * (h + 2), k * (h + 2)]) {
      out.push(at(x + r + gap, y - h / 2 + dy, true), at(x - r - gap - w, y - h / 2 + dy, true));
    }
  }
  return out;
}

/** One box per request, in the same order. */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box, gap = 8): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const markers: Box[] = requests.map((p) => ({ left: p.x - p.r, top: p.y - p.r, right: p.x + p.r, bottom: p.y + p.r }));
  for (const [i, p] of requests.entries()) {
    const inside = (b: Box) => b.left >= bounds.left && b.right <= bounds.right && b.top >= bounds.top && b.bottom <= bounds.bottom;
    const free = (b: Box) => placed.every((q) => !overlaps(b, q));
    const clearOfMarkers = (b: Box) => markers.every((m, j) => j === i || !overlaps(b, m));
    const all = candidates(p, gap);
    const pick =
      all.find((c) => inside(c.box) && free(c.box) && clearOfMarkers(c.box)) ??
      all.find((c) => inside(c.box) && free(c.box)) ??
      all.find((c) => free(c.box)) ??
      // nowhere free: the spot overlapping the placed labels least
      all.reduce((a, b) => (placed.reduce((s, q) => s + area(b.box, q), 0) < placed.reduce((s, q) => s + area(a.box, q), 0) ? b : a));
    placed.push({ ...pick.box, moved: pick.moved });
  }
  return placed;
}
