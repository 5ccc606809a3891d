/**
 * The first cycle of a dependency graph (node -> the nodes it depends on), shared by service
 * delivery's ordering and the admission rule service-dependencies.
 */

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A cycle in order (each node depends on the next, the last on the first), the first one found in name order. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    if (onPath.has(n)) return path.slice(path.indexOf(n));
    if (done.has(n)) return undefined;
    path.push(n);
    onPath.add(n);
    for (const d of graph.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    onPath.delete(n);
    done.add(n);
    return undefined;
  };
  for (const n of [...graph.keys()].sort(compare)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
