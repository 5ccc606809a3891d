/**
 * The gate's render stage for a topology Cluster: the ClusterClass engine, with every finding
 * turned into a Violation that points at the submitted file's line (variables, topology fields)
 * or at the ClusterClass's file (patches, references).
 */
import { renderTopology, type TopologyResult } from '../render/topology/index.js';
import type { SourcedDocument } from '../resolve/documents.js';
import type { SourceLocation } from '../util/errors.js';
import { formatPath, type PathSegment } from '../util/json-path.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { validateObject } from '../validate/objects.js';
import type { Violation } from '../validate/violation.js';

export interface TopologyRun extends TopologyResult {
  violations: Violation[];
  warnings: Violation[];
}

/**
 * `spec.topology.variables[cpu].value` -> document segments, resolving `[name]` on lists of
 * named entries (Kubernetes prints list-map keys that way) and `[0]` as an index.
 */
export function fieldToSegments(field: string, root: unknown): PathSegment[] {
  const out: PathSegment[] = [];
  let cur: unknown = root;
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(field); m; m = re.exec(field)) {
    if (m[1] !== undefined) {
      out.push(m[1]);
      cur = isPlainObject(cur) ? cur[m[1]] : undefined;
    } else {
      const key = m[2];
      if (Array.isArray(cur)) {
        let i = /^\d+$/.test(key) ? Number(key) : -1;
        const byName = cur.findIndex((e) => isPlainObject(e) && e.name === key);
        if (byName >= 0) i = byName;
        if (i < 0) break;
        out.push(i);
        cur = cur[i];
      } else {
        out.push(key);
        cur = isPlainObject(cur) ? cur[key] : undefined;
      }
    }
  }
  return out;
}

/**
 * The object as the API server would see it when the topology controller creates it: an owner
 * reference rendered with an empty uid (the Cluster's before it exists, the cluster shim's) gets
 * the uid the server assigned to that owner by then. Only for validation: the render keeps ''.
 */
export function withAssignedOwnerUids(obj: PlainObject): PlainObject {
  const meta = obj.metadata;
  if (!isPlainObject(meta) || !Array.isArray(meta.ownerReferences)) return obj;
  if (!meta.ownerReferences.some((r) => isPlainObject(r) && r.uid === '')) return obj;
  const ownerReferences = meta.ownerReferences.map((r) =>
    isPlainObject(r) && r.uid === '' ? { ...r, uid: ASSIGNED_UID } : r,
  );
  return { ...obj, metadata: { ...meta, ownerReferences } };
}
const ASSIGNED_UID = '00000000-0000-0000-0000-000000000000';

function locate(src: SourcedDocument | undefined, field: string | undefined): SourceLocation | undefined {
  if (!src) return undefined;
  const segments = field ? fieldToSegments(field, src.value) : [];
  // the deepest prefix that exists in the file (a defaulted variable has no line of its own)
  for (let n = segments.length; n >= 0; n--) {
    const pos = src.doc.locate(segments.slice(0, n));
    if (pos) return { file: src.file, line: pos.line, col: pos.col, path: formatPath(segments) };
  }
  return { file: src.file, path: formatPath(segments) };
}

export function runTopologyPipeline(
  cluster: SourcedDocument,
  candidates: readonly SourcedDocument[],
  options: { trace?: boolean } = {},
): TopologyRun {
  const result = renderTopology({
    cluster: cluster.value,
    objects: candidates.map((c) => c.value),
    trace: options.trace,
  });
  const classSource = result.clusterClass
    ? candidates.find(
        (c) =>
          c.value.kind === 'ClusterClass' &&
          (c.value.metadata as PlainObject | undefined)?.name ===
            (result.clusterClass?.metadata as PlainObject)?.name,
      )
    : undefined;
  const violations: Violation[] = result.findings.map((f) => ({
    stage: f.stage,
    severity: 'error',
    code: f.code,
    message: f.message,
    location: locate(f.in === 'clusterClass' ? classSource : cluster, f.field),
  }));
  const warnings: Violation[] = [];
  if (violations.length === 0) {
    for (const obj of result.objects)
      for (const v of validateObject(withAssignedOwnerUids(obj)))
        (v.severity === 'error' ? violations : warnings).push(v);
  }
  return { ...result, violations, warnings };
}
