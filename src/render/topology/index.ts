/**
 * The ClusterClass topology engine: a Cluster with `spec.topology`, its ClusterClass (v1beta1 or
 * v1beta2) and the templates it references -> the objects Cluster API's topology controller
 * would create, and a trace of every patch operation. Steps, as upstream runs them: the Cluster
 * defaulting webhook (version prefix, variable defaults) and variable validation, desired state,
 * then the patch engine. Pure: inputs in, objects and findings out.
 */

import { errorText } from '../../k8s/field.js';
import { append } from '../../util/append.js';
import { evaluationSite } from '../../util/evaluation-site.js';
import { cloneTree, isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { findObject, resolveBlueprint } from './blueprint.js';
import { clusterClassToV1beta2, clusterToV1beta2, isV1beta1 } from './convert.js';
import { decodeClusterClass } from './decode-class.js';
import {
  computeDesiredState,
  type DesiredState,
  DesiredStateError,
  type DesiredVersions,
  desiredObjects,
} from './desired-state.js';
import type { TopologyFinding } from './findings.js';
import { isClusterClass } from './kinds.js';
import { applyPatches, PatchEngineError, type TraceEntry } from './patch-engine.js';
import type { Cluster } from './types.js';
import { issueText, validatePatches } from './validate-class.js';
import { validateTopology } from './validate-topology.js';
import {
  classVariableDefinitions,
  defaultAndValidateTopologyVariables,
  validateClassVariables,
} from './variables/index.js';

export type { TopologyFinding, TopologyStage } from './findings.js';
export { isClusterClass, isTopologyCluster } from './kinds.js';
export type { TraceEntry } from './patch-engine.js';

export interface TopologyInput {
  cluster: PlainObject;
  /** Candidate ClusterClasses and templates (the other input documents, `--templates` folders). */
  objects: readonly PlainObject[];
  versions?: DesiredVersions;
  /**
   * Run the ClusterClass webhook's patch and variable-definition rules first (default true).
   * Off only to reproduce what the engine does with a class admission would have refused.
   */
  classAdmission?: boolean;
  /** Record every patch operation for `--explain` (off by default: the gate does not need it). */
  trace?: boolean;
}

export interface TopologyResult {
  /** The Cluster after defaulting (v1beta2 shape): what a policy sees as the submission's values. */
  cluster: PlainObject;
  clusterClass?: PlainObject;
  /** Effective topology variables after defaulting. */
  variables: Array<{ name: string; value: unknown }>;
  desired?: DesiredState;
  objects: PlainObject[];
  trace: TraceEntry[];
  findings: TopologyFinding[];
}

// This module and the two it delegates to (blueprint.ts, validate-topology.ts) are the engine's
// boundary: they read the submitted Cluster and ClusterClass as untrusted input (coercing what
// they read) until those are converted and validated; from `computeDesiredState` on, the engine
// reads them through the types of types.ts.
const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The class converted to v1beta2 and decoded into Cluster API's Go types; a class that does not
 * decode gets no further (its errors are all the API server would report).
 */
function decodedClass(raw: PlainObject): ReturnType<typeof decodeClusterClass> {
  return decodeClusterClass(clusterClassToV1beta2(raw), isV1beta1(raw) ? 'v1beta1' : 'v1beta2');
}

/** Lint of a ClusterClass on its own: decoding, patch rules and variable definitions. */
export function lintClusterClass(raw: PlainObject): Array<{ field: string; message: string }> {
  const { clusterClass: cc, errors } = decodedClass(raw);
  if (errors.length > 0) return errors.map((e) => ({ field: e.field, message: errorText(e) }));
  return [
    ...validatePatches(cc).map((i) => ({ field: i.field, message: issueText(i) })),
    ...validateClassVariables(cc).map((e) => ({ field: e.field, message: errorText(e) })),
  ];
}

interface ClassArtifacts {
  cc: PlainObject;
  admission: TopologyFinding[];
  /** The class does not decode: `admission` holds the decode errors, nothing else is known. */
  undecodable: boolean;
  definitions: ReturnType<typeof classVariableDefinitions>;
}

// What depends on the ClusterClass alone (conversion, admission rules, variable definitions) is
// computed once per parsed class object: a class renders many Clusters (webhook, reconciler).
const classCache = new WeakMap<object, ClassArtifacts>();

function classArtifacts(rawClass: PlainObject): ClassArtifacts {
  const known = classCache.get(rawClass);
  if (known) return known;
  const { clusterClass: cc, errors } = decodedClass(rawClass);
  const admission: TopologyFinding[] = errors.map((e) => ({
    stage: 'resolve',
    code: 'CLUSTERCLASS_INVALID',
    message: errorText(e),
    field: e.field,
    in: 'clusterClass',
  }));
  if (errors.length > 0) {
    const artifacts = { cc, admission, undecodable: true, definitions: [] };
    classCache.set(rawClass, artifacts);
    return artifacts;
  }
  for (const i of validatePatches(cc))
    admission.push({
      stage: 'resolve',
      code: 'CLUSTERCLASS_INVALID',
      message: issueText(i),
      field: i.field,
      in: 'clusterClass',
    });
  for (const e of validateClassVariables(cc))
    admission.push({
      stage: 'resolve',
      code: 'CLUSTERCLASS_INVALID',
      message: errorText(e),
      field: e.field,
      in: 'clusterClass',
    });
  const artifacts = { cc, admission, undecodable: false, definitions: classVariableDefinitions(cc) };
  classCache.set(rawClass, artifacts);
  return artifacts;
}

/**
 * The variable definitions of a ClusterClass (for the defaulting webhook), or undefined when the
 * class does not decode into Cluster API's types (validation reports why).
 */
export function clusterClassDefinitions(
  rawClass: PlainObject,
): ReturnType<typeof classVariableDefinitions> | undefined {
  const artifacts = classArtifacts(rawClass);
  return artifacts.undecodable ? undefined : artifacts.definitions;
}

export function renderTopology(input: TopologyInput): TopologyResult {
  const findings: TopologyFinding[] = [];
  const cluster = cloneTree(clusterToV1beta2(input.cluster));
  const meta = o(cluster.metadata);
  if (!str(meta.namespace)) meta.namespace = 'default';
  cluster.metadata = meta;
  const namespace = str(meta.namespace);
  const topology = o(o(cluster.spec).topology);
  // the Cluster defaulting webhook prefixes a missing `v`
  if (typeof topology.version === 'string' && topology.version !== '' && !topology.version.startsWith('v'))
    topology.version = `v${topology.version}`;
  const classRef = o(topology.classRef);
  const className = str(classRef.name);
  const classNamespace = str(classRef.namespace) || namespace;
  const result: TopologyResult = { cluster, variables: [], objects: [], trace: [], findings };
  if (!className) {
    findings.push({
      stage: 'resolve',
      code: 'TOPOLOGY_INVALID',
      message: 'spec.topology.classRef.name: Required value: the ClusterClass to use',
      field: 'spec.topology.classRef.name',
      in: 'cluster',
    });
    return result;
  }
  const rawClass = findObject(
    input.objects,
    (x) => isClusterClass(x) && o(x.metadata).name === className,
    classNamespace,
  );
  if (!rawClass) {
    findings.push({
      stage: 'resolve',
      code: 'CLUSTERCLASS_NOT_FOUND',
      message: `ClusterClass ${classNamespace}/${className} not found among the inputs (give it with -f or --templates)`,
      field: 'spec.topology.classRef.name',
      in: 'cluster',
    });
    return result;
  }
  evaluationSite(`ClusterClass ${className}`);
  const { cc, admission, undecodable, definitions } = classArtifacts(rawClass);
  result.clusterClass = cc;
  // a class that does not decode is refused whatever `classAdmission` says: nothing can read it
  if (input.classAdmission !== false || undecodable) append(findings, admission);
  if (undecodable) return result;

  // variables: defaulting, then validation, with the class's definitions
  const defaulted = defaultAndValidateTopologyVariables(cluster, definitions);
  const effective = o(defaulted.cluster);
  result.cluster = effective;
  for (const e of defaulted.errors)
    findings.push({
      stage: 'values',
      code: 'VARIABLES_INVALID',
      message: errorText(e),
      field: e.field,
      in: 'cluster',
    });
  append(findings, validateTopology(effective, cc));
  const vars = o(o(effective.spec).topology).variables;
  result.variables = (Array.isArray(vars) ? vars : []).map((v) => ({
    name: str(o(v).name),
    value: o(v).value,
  }));
  if (findings.length > 0) return result;

  const bp = resolveBlueprint(cc, input.objects, classNamespace, findings);
  if (!bp) return result;
  try {
    // the Cluster passed variable validation and validateTopology: from here it is typed
    const desired = computeDesiredState(bp, effective as Cluster, input.versions);
    const { trace } = applyPatches(bp, desired, definitions, { trace: input.trace === true });
    result.desired = desired;
    result.trace = trace;
    result.objects = desiredObjects(desired);
  } catch (e) {
    if (!(e instanceof PatchEngineError) && !(e instanceof DesiredStateError)) throw e;
    findings.push({
      stage: 'render',
      code: 'PATCH_FAILED',
      message: e.message,
      in: 'clusterClass',
      ...(e instanceof PatchEngineError && e.field ? { field: e.field } : {}),
    });
  }
  return result;
}
