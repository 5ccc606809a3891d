/**
 * The v1beta2 shapes the topology engine reads (Cluster API `api/core/v1beta2`: ClusterClass,
 * Cluster topology, template references) and the patch request/response items of
 * `exp/runtime/hooks/api/v1alpha1` (GeneratePatches). Only the fields the engine reads are
 * declared; the objects keep every other field they came with (index signatures).
 *
 * Where the types start to hold: a ClusterClass or Cluster is untrusted YAML until index.ts has
 * converted it to v1beta2 (convert.ts), run the class admission rules, defaulted and validated
 * the variables, checked the topology's version and workers (`validateTopology`) and resolved
 * the class's templates (`resolveBlueprint`). Code up to there reads plain objects with
 * coercion; code after it (desired-state.ts, desired/, patch-engine.ts, patches/) reads these
 * types. What no check covers is still read defensively where it is read, and says so: label
 * and annotation maps (values made strings), `clusterNetwork`, and provider templates (the
 * objects a class references, typed only by their envelope).
 */
import type { PlainObject } from '../../util/plain-object.js';
import type { Variables } from './variable-value.js';
import type { ClusterVariable } from './variables/definitions.js';

export type { ClusterVariable } from './variables/definitions.js';

export type StringMap = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: StringMap;
  annotations?: StringMap;
  [field: string]: unknown;
}

/**
 * An object the engine reads or generates: envelope typed, body open. Unlike the stored
 * `KubeObject` of k8s/object.ts, server-set fields may be absent (nothing has been applied yet).
 */
export interface TopologyObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: PlainObject;
  [field: string]: unknown;
}

/** `ClusterClassTemplateReference`: where a class's template is. */
export interface TemplateReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

/** `ContractVersionedObjectReference`: how v1beta2 objects point at each other. */
export interface ContractVersionedObjectReference {
  apiGroup: string;
  kind: string;
  name: string;
}

/** A provider template a ClusterClass references (`...Template` kinds): `spec.template` is the object. */
export interface ProviderTemplate extends TopologyObject {
  spec?: { template?: TemplateBody; [field: string]: unknown };
}

/** `spec.template` of a provider template. */
export interface TemplateBody {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: PlainObject;
  [field: string]: unknown;
}

/** Labels and annotations a class or topology adds to what it creates (`ObjectMeta` of the API). */
export interface ClassMetadata {
  labels?: StringMap;
  annotations?: StringMap;
}

/** `...NamingSpec`: a Go template for generated names. */
export interface NamingSpec {
  template?: string;
}

/** `...MachineDeletionSpec` / `...DeletionSpec` (v1beta2 durations are in seconds). */
export interface DeletionSpec {
  order?: string;
  nodeDrainTimeoutSeconds?: number;
  nodeVolumeDetachTimeoutSeconds?: number;
  nodeDeletionTimeoutSeconds?: number;
}

/** `...HealthCheckClass` / `...HealthCheck` of a class or topology. */
export interface HealthCheck {
  enabled?: boolean;
  checks?: PlainObject;
  remediation?: HealthCheckRemediation;
}

export interface HealthCheckRemediation {
  /** A MachineDeployment field, carried in the health check of the class or topology. */
  maxInFlight?: number | string;
  [field: string]: unknown;
}

export interface TemplateRefHolder {
  templateRef: TemplateReference;
}

// --- ClusterClass ---------------------------------------------------------------------------

export interface InfrastructureClass extends TemplateRefHolder {
  naming?: NamingSpec;
}

export interface ControlPlaneClass extends TemplateRefHolder {
  metadata?: ClassMetadata;
  machineInfrastructure?: TemplateRefHolder;
  healthCheck?: HealthCheck;
  naming?: NamingSpec;
  deletion?: DeletionSpec;
  taints?: unknown[];
  readinessGates?: unknown[];
}

/** What MachineDeployment and MachinePool classes have in common. */
export interface WorkerClass {
  class: string;
  metadata?: ClassMetadata;
  bootstrap: TemplateRefHolder;
  infrastructure: TemplateRefHolder;
  naming?: NamingSpec;
  deletion?: DeletionSpec;
  taints?: unknown[];
  minReadySeconds?: number;
}

export interface MachineDeploymentClass extends WorkerClass {
  healthCheck?: HealthCheck;
  failureDomain?: string;
  readinessGates?: unknown[];
  rollout?: PlainObject;
}

export interface MachinePoolClass extends WorkerClass {
  failureDomains?: string[];
}

export interface WorkersClass {
  machineDeployments?: MachineDeploymentClass[];
  machinePools?: MachinePoolClass[];
}

export interface ClusterClassVariable {
  name: string;
  required?: boolean;
  schema?: { openAPIV3Schema?: PlainObject };
  deprecatedV1Beta1Metadata?: ClassMetadata;
}

export interface ClusterClassSpec {
  infrastructure?: InfrastructureClass;
  controlPlane?: ControlPlaneClass;
  workers?: WorkersClass;
  variables?: ClusterClassVariable[];
  patches?: ClusterClassPatch[];
  [field: string]: unknown;
}

export interface ClusterClass extends TopologyObject {
  spec: ClusterClassSpec;
}

// --- Cluster topology -----------------------------------------------------------------------

export interface VariableOverrides {
  overrides?: ClusterVariable[];
}

export interface ControlPlaneTopology {
  metadata?: ClassMetadata;
  replicas?: number | null;
  rollout?: { after?: string };
  healthCheck?: HealthCheck;
  deletion?: DeletionSpec;
  readinessGates?: unknown[];
  taints?: unknown[];
  variables?: VariableOverrides;
}

/** What MachineDeployment and MachinePool topologies have in common. */
export interface WorkerTopology {
  /** The worker's name in the topology (`topologyName`). */
  name: string;
  class: string;
  metadata?: ClassMetadata;
  replicas?: number | null;
  deletion?: DeletionSpec;
  minReadySeconds?: number;
  taints?: unknown[];
  variables?: VariableOverrides;
}

export interface MachineDeploymentTopology extends WorkerTopology {
  failureDomain?: string;
  healthCheck?: HealthCheck;
  readinessGates?: unknown[];
  rollout?: PlainObject;
}

export interface MachinePoolTopology extends WorkerTopology {
  failureDomains?: string[];
}

export interface Topology {
  classRef: { name: string; namespace?: string };
  version: string;
  controlPlane?: ControlPlaneTopology;
  workers?: {
    machineDeployments?: MachineDeploymentTopology[];
    machinePools?: MachinePoolTopology[];
  };
  variables?: ClusterVariable[];
}

export interface ClusterNetwork {
  serviceDomain?: string;
  services?: { cidrBlocks?: string[] };
  pods?: { cidrBlocks?: string[] };
}

export interface ClusterSpec {
  topology: Topology;
  infrastructureRef?: ContractVersionedObjectReference;
  controlPlaneRef?: ContractVersionedObjectReference;
  clusterNetwork?: ClusterNetwork;
  [field: string]: unknown;
}

/** A topology Cluster (v1beta2, defaulted and validated). */
export interface Cluster extends TopologyObject {
  spec: ClusterSpec;
}

// --- Patches (ClusterClass `spec.patches[]`, GeneratePatches request and response) ----------

export interface ClusterClassPatch {
  name: string;
  enabledIf?: string;
  definitions?: PatchDefinition[];
  external?: unknown;
}

export interface PatchDefinition {
  selector: PatchSelector;
  jsonPatches: JsonPatchSpec[];
}

export interface PatchSelector {
  apiVersion: string;
  kind: string;
  matchResources?: {
    infrastructureCluster?: boolean;
    controlPlane?: boolean;
    machineDeploymentClass?: { names?: string[] };
    machinePoolClass?: { names?: string[] };
  };
}

export interface JsonPatchSpec {
  op: string;
  path: string;
  value?: unknown;
  valueFrom?: { variable?: string; template?: string };
}

/** `HolderReference`: the object whose field references the template being patched. */
export interface HolderReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  fieldPath: string;
}

/** `GeneratePatchesRequestItem`. */
export interface RequestItem {
  uid: string;
  holder: HolderReference;
  /** The template being patched (patches accumulate on it). */
  object: PlainObject;
  /** Item-specific variables: overrides plus the item's `builtin`. */
  variables: Variables;
  /**
   * The request's global variables merged with these, when the caller has them already (the
   * patch engine merges once per render, not once per patch).
   */
  merged?: Variables;
}

export interface PatchRequest {
  /** Global variables: the Cluster's topology variables plus `builtin.cluster`. */
  variables: Variables;
  items: RequestItem[];
}

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** Where an operation came from, for `--explain`. */
export interface OperationOrigin {
  patch: string;
  definition: number;
  jsonPatch: number;
}

/** `GeneratePatchesResponseItem` (JSON patches only), with the origin of each operation. */
export interface ResponseItem {
  uid: string;
  patch: JsonPatchOperation[];
  origins: OperationOrigin[];
}
