/**
 * Stages + needs → a graph. A cycle is reported as its path (A → B → C → A), not as a boolean.
 */
export interface GraphNode {
  name: string;
  needs: string[];
}

/** The first cycle found, as a closed path of stage names, or undefined. */
export function findCycle(nodes: GraphNode[]): string[] | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)?.needs ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const cycle = visit(n.name);
    // The walk follows `needs` edges (dependent → dependency); report it in run order instead.
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Post-order over the targets' ancestors: every stage after all it needs, declaration order otherwise. */
export function topoOrder(nodes: GraphNode[], targets?: string[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of byName.get(name)?.needs ?? []) visit(dep);
    out.push(name);
  };
  for (const t of targets ?? nodes.map((n) => n.name)) visit(t);
  return out;
}

/** Every stage that (transitively) needs `name`. */
export function dependentsOf(nodes: GraphNode[], name: string): string[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (!out.has(n.name) && n.needs.some((d) => d === name || out.has(d))) {
        out.add(n.name);
        grew = true;
      }
    }
  }
  return nodes.map((n) => n.name).filter((n) => out.has(n));
}

export function ancestorsOf(nodes: GraphNode[], name: string): string[] {
  return topoOrder(nodes, [name]).filter((n) => n !== name);
}
