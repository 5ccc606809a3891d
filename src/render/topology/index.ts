/**
 * The ClusterClass topology engine: a Cluster with `spec.topology`, its ClusterClass (v1beta1 or
 * v1beta2) and the templates it references -> the objects Cluster API's topology controller
 * would create, and a trace of every patch operation. Steps, as upstream runs them: the Cluster
 * defaulting webhook (version prefix, variable defaults) and variable validation, desired state,
 * then the patch engine. Pure: inputs in, objects and findings out.
 */
import { errorText } from '../../k8s/field.js';
import { cloneTree, isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { clusterClassToV1beta2, clusterToV1beta2 } from './convert.js';
import { groupOf } from './desired/templates.js';
import {
  type Blueprint,
  computeDesiredState,
  type DesiredState,
  DesiredStateError,
  type DesiredVersions,
  desiredObjects,
} from './desired-state.js';
import { isClusterClass } from './kinds.js';
import { applyPatches, PatchEngineError, type TraceEntry } from './patch-engine.js';
import type {
  Cluster,
  ClusterClass,
  MachineDeploymentClass,
  MachinePoolClass,
  ProviderTemplate,
} from './types.js';
import { issueText, validatePatches } from './validate-class.js';
import {
  classVariableDefinitions,
  defaultAndValidateTopologyVariables,
  validateClassVariables,
} from './variables/index.js';

export { isClusterClass, isTopologyCluster } from './kinds.js';
export type { TraceEntry } from './patch-engine.js';

export type TopologyStage = 'resolve' | 'values' | 'render';

export interface TopologyFinding {
  stage: TopologyStage;
  code:
    | 'CLUSTERCLASS_NOT_FOUND'
    | 'TEMPLATE_NOT_FOUND'
    | 'CLUSTERCLASS_INVALID'
    | 'TOPOLOGY_INVALID'
    | 'VARIABLES_INVALID'
    | 'PATCH_FAILED';
  message: string;
  /** Field path in the Cluster (`spec.topology.variables[cpu].value`) or the ClusterClass. */
  field?: string;
  /** Which document the field is in. */
  in?: 'cluster' | 'clusterClass';
}

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

// This module is the engine's boundary: it reads the submitted Cluster and ClusterClass as
// untrusted input (coercing what it reads) until they are converted and validated; from
// `computeDesiredState` on, the engine reads them through the types of types.ts.
const o = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function nsOf(obj: PlainObject): string | undefined {
  const ns = o(obj.metadata).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** Objects without a namespace match any namespace (files applied with `-n`), exact matches first. */
function findObject(
  objects: readonly PlainObject[],
  match: (x: PlainObject) => boolean,
  namespace: string,
): PlainObject | undefined {
  const candidates = objects.filter(match);
  return candidates.find((c) => nsOf(c) === namespace) ?? candidates.find((c) => nsOf(c) === undefined);
}

function refText(ref: PlainObject, namespace: string): string {
  return `${str(ref.apiVersion)} ${str(ref.kind)} ${namespace}/${str(ref.name)}`;
}

/**
 * Resolves the class's template references among the objects; missing ones become findings.
 * The boundary of the typed engine: the class is read here as untrusted input, and what it
 * returns is typed (`Blueprint`).
 */
function resolveBlueprint(
  cc: PlainObject,
  objects: readonly PlainObject[],
  namespace: string,
  findings: TopologyFinding[],
): Blueprint | undefined {
  const spec = o(cc.spec);
  const lookup = (ref: unknown, field: string): ProviderTemplate | undefined => {
    const r = o(ref);
    if (!r.kind || !r.name) {
      findings.push({
        stage: 'resolve',
        code: 'CLUSTERCLASS_INVALID',
        message: `${field}: Required value: a template reference (apiVersion, kind, name) is required`,
        field,
        in: 'clusterClass',
      });
      return undefined;
    }
    const found = findObject(
      objects,
      (x) =>
        x.kind === r.kind &&
        o(x.metadata).name === r.name &&
        groupOf(str(x.apiVersion)) === groupOf(str(r.apiVersion)),
      namespace,
    );
    if (!found)
      findings.push({
        stage: 'resolve',
        code: 'TEMPLATE_NOT_FOUND',
        message: `${field}: ${refText(r, namespace)} not found among the inputs (give it with -f or --templates)`,
        field,
        in: 'clusterClass',
      });
    return found as ProviderTemplate | undefined;
  };
  const infra = lookup(o(spec.infrastructure).templateRef, 'spec.infrastructure.templateRef');
  const cp = lookup(o(spec.controlPlane).templateRef, 'spec.controlPlane.templateRef');
  const miRef = o(o(o(spec.controlPlane).machineInfrastructure).templateRef);
  const cpInfra = miRef.kind
    ? lookup(miRef, 'spec.controlPlane.machineInfrastructure.templateRef')
    : undefined;
  const workers = o(spec.workers);
  const mds: Blueprint['machineDeployments'] = new Map();
  for (const [i, raw] of (Array.isArray(workers.machineDeployments)
    ? workers.machineDeployments
    : []
  ).entries()) {
    const c = o(raw);
    const b = lookup(
      o(c.bootstrap).templateRef,
      `spec.workers.machineDeployments[${i}].bootstrap.templateRef`,
    );
    const inf = lookup(
      o(c.infrastructure).templateRef,
      `spec.workers.machineDeployments[${i}].infrastructure.templateRef`,
    );
    if (b && inf)
      mds.set(str(c.class), {
        class: c as unknown as MachineDeploymentClass,
        bootstrapTemplate: b,
        infrastructureTemplate: inf,
      });
  }
  const mps: Blueprint['machinePools'] = new Map();
  for (const [i, raw] of (Array.isArray(workers.machinePools) ? workers.machinePools : []).entries()) {
    const c = o(raw);
    const b = lookup(o(c.bootstrap).templateRef, `spec.workers.machinePools[${i}].bootstrap.templateRef`);
    const inf = lookup(
      o(c.infrastructure).templateRef,
      `spec.workers.machinePools[${i}].infrastructure.templateRef`,
    );
    if (b && inf)
      mps.set(str(c.class), {
        class: c as unknown as MachinePoolClass,
        bootstrapTemplate: b,
        infrastructureTemplate: inf,
      });
  }
  if (!infra || !cp || (miRef.kind && !cpInfra)) return undefined;
  if (findings.some((f) => f.code === 'TEMPLATE_NOT_FOUND' || f.code === 'CLUSTERCLASS_INVALID'))
    return undefined;
  return {
    clusterClass: cc as ClusterClass,
    infrastructureClusterTemplate: infra,
    controlPlaneTemplate: cp,
    controlPlaneInfrastructureMachineTemplate: cpInfra,
    machineDeployments: mds,
    machinePools: mps,
  };
}

/** Topology rules of the Cluster webhook that rendering depends on. */
function validateTopology(cluster: PlainObject, cc: PlainObject): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const t = o(o(cluster.spec).topology);
  const add = (field: string, message: string) =>
    out.push({
      stage: 'values',
      code: 'TOPOLOGY_INVALID',
      message: `${field}: ${message}`,
      field,
      in: 'cluster',
    });
  const version = str(t.version);
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version))
    add(
      'spec.topology.version',
      `Invalid value: ${JSON.stringify(version)}: version must be a valid semantic version`,
    );
  const workers = o(t.workers);
  const ccWorkers = o(o(cc.spec).workers);
  for (const [key, label] of [
    ['machineDeployments', 'MachineDeployment'],
    ['machinePools', 'MachinePool'],
  ] as const) {
    const classes = new Set(
      (Array.isArray(ccWorkers[key]) ? (ccWorkers[key] as unknown[]) : []).map((c) => str(o(c).class)),
    );
    const seen = new Set<string>();
    for (const [i, raw] of (Array.isArray(workers[key]) ? (workers[key] as unknown[]) : []).entries()) {
      const w = o(raw);
      const name = str(w.name);
      const field = `spec.topology.workers.${key}[${i}]`;
      if (!name) add(`${field}.name`, 'Required value');
      else if (seen.has(name))
        add(
          `${field}.name`,
          `Invalid value: ${JSON.stringify(name)}: name must be unique. ${label} with name ${JSON.stringify(name)} is defined more than once`,
        );
      seen.add(name);
      if (!classes.has(str(w.class)))
        add(
          `${field}.class`,
          `Invalid value: ${JSON.stringify(str(w.class))}: ${label}Class with name ${JSON.stringify(str(w.class))} does not exist in ClusterClass ${JSON.stringify(str(o(cc.metadata).name))}`,
        );
    }
  }
  return out;
}

/** Lint of a ClusterClass on its own: patch rules and variable definitions. */
export function lintClusterClass(raw: PlainObject): Array<{ field: string; message: string }> {
  const cc = clusterClassToV1beta2(raw);
  return [
    ...validatePatches(cc).map((i) => ({ field: i.field, message: issueText(i) })),
    ...validateClassVariables(cc).map((e) => ({ field: e.field, message: errorText(e) })),
  ];
}

interface ClassArtifacts {
  cc: PlainObject;
  admission: TopologyFinding[];
  definitions: ReturnType<typeof classVariableDefinitions>;
}

// What depends on the ClusterClass alone (conversion, admission rules, variable definitions) is
// computed once per parsed class object: a class renders many Clusters (webhook, reconciler).
const classCache = new WeakMap<object, ClassArtifacts>();

function classArtifacts(rawClass: PlainObject): ClassArtifacts {
  const known = classCache.get(rawClass);
  if (known) return known;
  const cc = clusterClassToV1beta2(rawClass);
  const admission: TopologyFinding[] = [];
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
  const artifacts = { cc, admission, definitions: classVariableDefinitions(cc) };
  classCache.set(rawClass, artifacts);
  return artifacts;
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
  const { cc, admission, definitions } = classArtifacts(rawClass);
  result.clusterClass = cc;
  if (input.classAdmission !== false) findings.push(...admission);

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
  findings.push(...validateTopology(effective, cc));
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
