/**
 * `render --explain`: per rendered object, which ClusterClass patch set which path, and which
 * patch operations were dropped or overridden, so a patch author sees why a field has its value.
 */
import type { TraceEntry } from '../render/topology/patch-engine.js';

export interface ExplainedCluster {
  cluster: string;
  objects: ReadonlyArray<Record<string, unknown>>;
  trace: readonly TraceEntry[];
}

const short = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? '' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

export function explainText(clusters: readonly ExplainedCluster[]): string {
  const out: string[] = [];
  for (const c of clusters) {
    out.push(`Cluster ${c.cluster}`);
    for (const obj of c.objects) {
      const meta = (obj.metadata ?? {}) as Record<string, unknown>;
      const kind = String(obj.kind);
      const name = String(meta.name);
      const entries = c.trace.filter((t) => t.target.kind === kind && t.target.name === name);
      out.push(`  ${kind} ${name}${entries.length ? '' : ': no patches'}`);
      // the last applied operation on a path decides its value; earlier ones were overridden
      const last = new Map<string, TraceEntry>();
      for (const t of entries) if (t.outcome === 'applied' && t.objectPath) last.set(t.objectPath, t);
      for (const t of entries) {
        const origin = `patch ${JSON.stringify(t.patch)} definitions[${t.definition}].jsonPatches[${t.jsonPatch}]`;
        const value = t.op === 'remove' ? '' : ` ${short(t.value)}`;
        if (t.outcome === 'applied') {
          const final = last.get(t.objectPath as string) === t;
          out.push(
            `    ${t.objectPath}  ${t.op}${value}  <- ${origin}${final ? '' : '  (overridden by a later patch)'}`,
          );
        } else {
          out.push(
            `    ${t.objectPath ?? t.path}  ${t.op}${value}  <- ${origin}  (${t.outcome}: ${t.reason})`,
          );
        }
      }
    }
  }
  return `${out.join('\n')}\n`;
}
