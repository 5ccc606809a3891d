/**
 * What the mutating webhook adds, as JSON Patch operations (RFC 6902): a ClusterDeployment's
 * missing values from its chart's values.yaml, and a topology Cluster's variable defaults from
 * its ClusterClass. Only what is missing is added; nothing the user wrote is replaced. Pure.
 */
import jsonpatch from 'fast-json-patch';
import { clusterToV1beta2 } from '../render/topology/convert.js';
import { clusterClassDefinitions } from '../render/topology/index.js';
import { isClusterClass } from '../render/topology/kinds.js';
import { defaultAndValidateTopologyVariables } from '../render/topology/variables/index.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** A JSON Pointer segment: `~` -> `~0`, `/` -> `~1`. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

const toJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/**
 * Operations that add the keys of `defaults` missing from `target` at `pointer`, recursing into
 * maps present on both sides. An explicit null in the target is kept (in Helm it removes the
 * default); lists and scalars the user gave are kept as they are.
 */
export function fillMissing(
  target: unknown,
  defaults: unknown,
  pointer: string,
  ops: PatchOperation[],
): void {
  if (target === undefined) {
    ops.push({ op: 'add', path: pointer, value: toJson(defaults) });
    return;
  }
  if (!isPlainObject(target) || !isPlainObject(defaults)) return;
  for (const key of Object.keys(defaults)) {
    fillMissing(
      Object.hasOwn(target, key) ? target[key] : undefined,
      defaults[key],
      `${pointer}/${pointerSegment(key)}`,
      ops,
    );
  }
}

/** The chart defaults a ClusterDeployment lacks, as operations on the whole object. */
export function deploymentDefaults(
  object: PlainObject,
  chartDefaults: PlainObject | undefined,
): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (!chartDefaults || Object.keys(chartDefaults).length === 0) return ops;
  const spec = object.spec;
  if (!isPlainObject(spec)) return ops;
  // `config: null` is the same as no config
  const config = spec.config === null ? undefined : spec.config;
  if (config === undefined && Object.hasOwn(spec, 'config')) {
    ops.push({ op: 'replace', path: '/spec/config', value: toJson(chartDefaults) });
    return ops;
  }
  fillMissing(config, chartDefaults, '/spec/config', ops);
  return ops;
}

/** The ClusterClass a topology Cluster names, among the candidates. */
export function findClusterClass(
  cluster: PlainObject,
  candidates: readonly PlainObject[],
): PlainObject | undefined {
  const c = clusterToV1beta2(cluster);
  const topology = isPlainObject(c.spec) && isPlainObject(c.spec.topology) ? c.spec.topology : {};
  const ref = isPlainObject(topology.classRef) ? topology.classRef : {};
  const meta = isPlainObject(c.metadata) ? c.metadata : {};
  const name = typeof ref.name === 'string' ? ref.name : '';
  const ns =
    (typeof ref.namespace === 'string' && ref.namespace) ||
    (typeof meta.namespace === 'string' && meta.namespace) ||
    'default';
  const named = candidates.filter(
    (x) => isClusterClass(x) && isPlainObject(x.metadata) && x.metadata.name === name,
  );
  const nsOf = (x: PlainObject) => (isPlainObject(x.metadata) ? x.metadata.namespace : undefined);
  return named.find((x) => nsOf(x) === ns) ?? named.find((x) => !nsOf(x));
}

/**
 * Variable defaults of a topology Cluster (Cluster API's defaulting webhook), as operations; none
 * when the class is unknown or a variable is invalid (validation reports those).
 */
export function topologyDefaults(
  cluster: PlainObject,
  candidates: readonly PlainObject[],
  oldCluster?: PlainObject,
): PatchOperation[] {
  const cc = findClusterClass(cluster, candidates);
  if (!cc) return [];
  // a class that does not decode into Cluster API's types has no defaults (validation says why)
  const defs = clusterClassDefinitions(cc);
  if (!defs) return [];
  const r = defaultAndValidateTopologyVariables(cluster, defs, oldCluster);
  if (r.errors.length > 0) return [];
  return jsonpatch.compare(toJson(cluster) as object, toJson(r.cluster) as object) as PatchOperation[];
}
