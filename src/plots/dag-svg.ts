export interface DagNode {
  name: string;
  kind: string;
  status: string;
  fingerprint: string;
}

/** `[from, to]`: `to` needs `from`; arrows point the way data flows. */
export type DagEdge = [string, string];

export interface Dag {
  nodes: DagNode[];
  edges: DagEdge[];
}

const NODE_W = 140;
const NODE_H = 64;
const COL_GAP = 60;
/** How far an edge that skips columns arcs above the row, so it does not run behind the nodes it skips. */
const ARC = (span: number) => 70 + 20 * (span - 2);
const ROW_GAP = 28;
const PAD = 20;

/** Fill per status word; anything unknown is drawn neutral rather than guessed. */
export function statusColor(status: string): string {
  const s = status.toLowerCase();
  if (['fresh', 'cached', 'done', 'ran', 'ok', 'up-to-date', 'restored', 'complete'].includes(s)) return '#d8f0d2';
  if (['stale', 'pending', 'planned', 'running'].includes(s)) return '#fde7bd';
  if (['failed', 'error'].includes(s)) return '#f8c9c9';
  return '#e6e6e6';
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Layer of each node = length of the longest path from a source, so every edge points right. */
export function layers(dag: Dag): Map<string, number> {
  const names = new Set(dag.nodes.map((n) => n.name));
  for (const [from, to] of dag.edges) {
    for (const end of [from, to]) if (!names.has(end)) throw new Error(`DAG edge ${from} → ${to} names unknown stage ${end}`);
  }
  const preds = new Map<string, string[]>(dag.nodes.map((n) => [n.name, []]));
  for (const [from, to] of dag.edges) preds.get(to)!.push(from);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`DAG has a cycle through stage ${name}`);
    visiting.add(name);
    const l = Math.max(-1, ...preds.get(name)!.map(visit)) + 1;
    visiting.delete(name);
    layer.set(name, l);
    return l;
  };
  dag.nodes.forEach((n) => visit(n.name));
  return layer;
}

/** The study's DAG as inline SVG: columns by layer, nodes coloured by status, curved arrows for needs. */
export function dagSvg(dag: Dag): string {
  const layer = layers(dag);
  const columns: DagNode[][] = [];
  for (const node of dag.nodes) (columns[layer.get(node.name)!] ??= []).push(node);
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const maxSpan = Math.max(0, ...dag.edges.map(([from, to]) => layer.get(to)! - layer.get(from)!));
  const top = maxSpan > 1 ? Math.max(0, 0.75 * ARC(maxSpan) - NODE_H / 2) : 0;
  const height = PAD * 2 + top + tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP;
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, c) => {
    const colHeight = col.length * NODE_H + (col.length - 1) * ROW_GAP;
    col.forEach((node, r) => {
      pos.set(node.name, { x: PAD + c * (NODE_W + COL_GAP), y: top + (height - top - colHeight) / 2 + r * (NODE_H + ROW_GAP) });
    });
  });
  const edges = dag.edges.map(([from, to]) => {
    const a = pos.get(from)!;
    const b = pos.get(to)!;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 4;
    const y2 = b.y + NODE_H / 2;
    const span = layer.get(to)! - layer.get(from)!;
    const mx = (x1 + x2) / 2;
    const d = span > 1
      ? `M${x1},${y1} C${x1 + COL_GAP},${y1 - ARC(span)} ${x2 - COL_GAP},${y2 - ARC(span)} ${x2},${y2}`
      : `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    return `<path d="${d}" class="edge" marker-end="url(#arrow)"><title>${escapeXml(`${to} needs ${from}`)}</title></path>`;
  });
  const nodes = dag.nodes.map((n) => {
    const { x, y } = pos.get(n.name)!;
    return [
      `<g class="node"><title>${escapeXml(`${n.name} (${n.kind}): ${n.status}, fingerprint ${n.fingerprint}`)}</title>`,
      `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="8" fill="${statusColor(n.status)}"/>`,
      `<text x="${x + NODE_W / 2}" y="${y + 26}" class="name">${escapeXml(n.name)}</text>`,
      `<text x="${x + NODE_W / 2}" y="${y + 48}" class="meta">${escapeXml(`${n.kind} · ${n.status}`)}</text></g>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` style="max-width:100%;height:auto" role="img" aria-label="stage graph">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">',
    '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    '<style>.edge{fill:none;stroke:#555;stroke-width:2}.node rect{stroke:#333;stroke-width:1.5}',
    '.node text{text-anchor:middle;font-family:sans-serif}.name{font-size:18px;font-weight:bold}.meta{font-size:13px;fill:#444}</style>',
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}
