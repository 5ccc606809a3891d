/**
 * Labels, annotations and metadata of the objects a topology generates: the well-known keys,
 * string-map helpers, and the metadata of a generated object built in one pass.
 */
import {
  cloneTree,
  emptyMap,
  isEmptyObject,
  isPlainObject,
  type PlainObject,
  setOwn,
  withoutKeys,
} from '../../../util/plain-object.js';
import { CAPI_V1BETA2 } from '../convert.js';
import type { StringMap } from '../types.js';

/** The Cluster the generated objects belong to. */
export interface ClusterInfo {
  name: string;
  namespace: string;
  uid?: string;
}

/**
 * A copy of a label or annotation map with every value a string. The maps come from user YAML
 * that no CRD schema checked (a number stays a number there); the copy is also a fresh,
 * fast-layout map the engine may write into.
 */
export function stringMap(v: unknown): StringMap {
  const out = emptyMap() as StringMap;
  if (isPlainObject(v)) for (const k of Object.keys(v)) setOwn(out, k, String(v[k]));
  return out;
}

/** apimachinery `util.MergeMap`: the first map's value wins. */
export function mergeMap(...maps: StringMap[]): StringMap {
  const out = emptyMap() as StringMap;
  for (const m of maps) for (const k of Object.keys(m)) if (!Object.hasOwn(out, k)) setOwn(out, k, m[k]);
  return out;
}

/** Writes `entries` over `into` in order (a spread without V8's slow path), returning it. */
export function assignAll(into: StringMap, ...entries: StringMap[]): StringMap {
  for (const m of entries) for (const k of Object.keys(m)) setOwn(into, k, m[k]);
  return into;
}

export const nonEmpty = (m: StringMap): StringMap | undefined => (Object.keys(m).length ? m : undefined);

/** The object without undefined values and empty maps (a new object: see `withoutKeys`). */
export const compact = (obj: PlainObject): PlainObject => withoutKeys(obj, undefined, true);

/**
 * The owner reference to the Cluster that template copies, MachinePool objects and
 * MachineHealthChecks get (`ownerrefs.OwnerReferenceTo`). A Cluster not yet created has no uid:
 * the reference then carries an empty one, as upstream computes it (clusterctl's dry run too).
 */
export function ownerRefTo(c: ClusterInfo): PlainObject[] {
  return [{ apiVersion: CAPI_V1BETA2, kind: 'Cluster', name: c.name, uid: c.uid ?? '' }];
}

/** The cluster shim's name (`clustershim.New`): `<cluster>-shim`. */
export const clusterShimName = (c: ClusterInfo): string => `${c.name}-shim`;

/**
 * The owner reference to the cluster shim that the infrastructure cluster and the control plane
 * get when they are created (until the Cluster owns both). The shim's uid is the API server's:
 * empty here.
 */
export function shimOwnerRef(c: ClusterInfo): PlainObject[] {
  return [{ apiVersion: 'v1', kind: 'Secret', name: clusterShimName(c), uid: '' }];
}

const SERVER_FIELDS: ReadonlySet<string> = new Set([
  'resourceVersion',
  'finalizers',
  'uid',
  'selfLink',
  'creationTimestamp',
  'generation',
  'managedFields',
]);

/**
 * `{...meta, ...fields}` minus server-set fields, undefined values and empty maps, with meta's
 * other values copied: the metadata of a generated object, built in one pass.
 */
export function generatedMeta(meta: PlainObject, fields: PlainObject): PlainObject {
  const out: PlainObject = {};
  const put = (k: string, v: unknown) => {
    if (v === undefined || (isPlainObject(v) && isEmptyObject(v))) return;
    setOwn(out, k, v);
  };
  for (const k of Object.keys(meta)) {
    if (SERVER_FIELDS.has(k)) continue;
    put(k, Object.hasOwn(fields, k) ? fields[k] : cloneTree(meta[k]));
  }
  for (const k of Object.keys(fields)) if (!Object.hasOwn(meta, k)) put(k, fields[k]);
  return out;
}
