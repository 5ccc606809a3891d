/**
 * The provider plugin contract the reconciler codes against.
 *
 * Three roles, as in Cluster API:
 * - infrastructure: the cluster's infrastructure (network, endpoint, failure domains) and machines;
 * - bootstrap: the document a machine boots with (`#cloud-config` user data);
 * - control plane: machine-based (made of infrastructure machines booted with control-plane
 *   user data) or hosted (no machines: an endpoint at a version).
 *
 * Every call is async, idempotent and keyed by ids the caller chooses (use `namespace/name`), so
 * a restarted reconciler that repeats a call never duplicates or leaks anything: creating an
 * existing machine returns it, deleting a missing one succeeds. Failures are typed
 * (errors.ts): TransientProviderError (retry after `retryAfterMs`) or TerminalProviderError
 * (report as a condition).
 *
 * The bootstrap and infrastructure providers meet only through the user data: an
 * infrastructure provider is given the document, never a version field, and what a machine
 * becomes (its Node's kubelet version, its role) follows from what that document installs.
 */
import type { RenderedObject } from '../k8s/object.js';

export type { Clock } from '../domain/clock.js';

/** A reference as CAPI writes it: v1beta2 refs carry `apiGroup`, older ones `apiVersion`. */
export type { RenderedObject } from '../k8s/object.js';

export interface ObjectRef {
  apiVersion?: string;
  apiGroup?: string;
  kind: string;
  name?: string;
  namespace?: string;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface FailureDomain {
  name: string;
  /** Whether control-plane machines may be placed here. */
  controlPlane: boolean;
  attributes?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Infrastructure

/**
 * Reads one object of the management side (an identity, its Secret, a Namespace): undefined when
 * there is none; a ProviderError when it may not be read.
 */
export type ObjectReader = (ref: {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}) => Promise<{ metadata: { labels?: Record<string, string> }; spec?: unknown } | undefined>;

export interface EnsureClusterRequest {
  /** Stable id of the cluster, e.g. `namespace/name` of the CAPI Cluster. */
  clusterId: string;
  /** The rendered infrastructure cluster object (e.g. SimulatedCluster). */
  infrastructure: RenderedObject;
  /**
   * How the provider reads the identity the cluster names (its `spec.identityRef`) before it
   * makes the cluster; absent: the caller has no objects to read, and a cluster that names an
   * identity is refused.
   */
  readObject?: ObjectReader;
}

export type InfraClusterPhase = 'Provisioning' | 'Provisioned' | 'Deleting' | 'Deleted';

export interface InfraClusterStatus {
  clusterId: string;
  phase: InfraClusterPhase;
  /** Infrastructure is provisioned (CAPI `status.initialization.provisioned`). */
  ready: boolean;
  controlPlaneEndpoint?: Endpoint;
  failureDomains: FailureDomain[];
  /** Why it is not ready / not yet deleted. */
  message?: string;
}

export interface CreateMachineRequest {
  /** Stable id chosen by the caller, e.g. `namespace/name` of the CAPI Machine. */
  machineId: string;
  clusterId: string;
  /** The rendered infrastructure machine template (e.g. SimulatedMachineTemplate) or machine. */
  infrastructure: RenderedObject;
  /** The bootstrap document (a `#cloud-config`), from a BootstrapProvider. */
  userData: string;
  /** A failure domain of the cluster; absent lets the provider choose. */
  failureDomain?: string;
}

export type MachinePhase = 'Pending' | 'Provisioning' | 'Running' | 'Failed' | 'Deleting' | 'Deleted';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A Node condition (Ready, MemoryPressure, ...); times are RFC 3339 with milliseconds. */
export interface NodeCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** The Node a running machine became. */
export interface NodeInfo {
  name: string;
  /** As the kubelet reports it: `v1.33.4` (kubeadm), `v1.33.4+k0s` (k0s). */
  kubeletVersion: string;
  labels: Record<string, string>;
  conditions: NodeCondition[];
  creationTimestamp: string;
}

export interface MachineAddress {
  type: 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';
  address: string;
}

export interface MachineStatus {
  machineId: string;
  clusterId: string;
  providerID: string;
  phase: MachinePhase;
  failureDomain: string;
  addresses: MachineAddress[];
  creationTimestamp: string;
  /** Set when phase is Failed: a CamelCase reason and a sentence. */
  failureReason?: string;
  failureMessage?: string;
  /** Set when phase is Running. */
  node?: NodeInfo;
  /** sha256 (hex) of the user data the machine was created with; a machine's spec is immutable. */
  userDataHash: string;
}

export interface ListMachinesOptions {
  /** Include machines whose deletion completed (default false). */
  includeDeleted?: boolean;
}

export interface InfrastructureProvider {
  readonly name: string;
  /** Create or update the cluster's infrastructure; returns its status now. */
  ensureCluster(req: EnsureClusterRequest): Promise<InfraClusterStatus>;
  getCluster(clusterId: string): Promise<InfraClusterStatus | undefined>;
  /**
   * Start (or continue) deleting; `phase: 'Deleted'` when done, also for an unknown cluster.
   * It waits for the cluster's machines, which the caller deletes first.
   */
  deleteCluster(clusterId: string): Promise<InfraClusterStatus>;
  /** Idempotent: an existing machine with this id is returned unchanged. */
  createMachine(req: CreateMachineRequest): Promise<MachineStatus>;
  getMachine(machineId: string): Promise<MachineStatus | undefined>;
  /** Idempotent: undefined when there is no such machine (already gone counts as success). */
  deleteMachine(machineId: string): Promise<MachineStatus | undefined>;
  listMachines(clusterId: string, options?: ListMachinesOptions): Promise<MachineStatus[]>;
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

export type BootstrapRole = 'control-plane-init' | 'control-plane-join' | 'worker';

export interface BootstrapFile {
  path: string;
  content: string;
  /** Octal string such as "0644". */
  permissions?: string;
  owner?: string;
}

/** A file whose content must be read from a Secret/ConfigMap before generating. */
export interface UnresolvedBootstrapFile {
  path: string;
  permissions?: string;
  contentFrom: { kind: 'Secret' | 'ConfigMap'; name: string; key: string };
}

/** What the bootstrap config objects (K0sControlPlane, K0sWorkerConfigTemplate, ...) add. */
export interface BootstrapOptions {
  /** Extra arguments of `k0s install controller|worker` (shell words, joined with spaces). */
  args?: string[];
  files?: BootstrapFile[];
  /** Commands run before the install / after the start. */
  preCommands?: string[];
  postCommands?: string[];
  /** Where to download the k0s binary instead of get.k0s.sh. */
  downloadURL?: string;
  /** k0s: the version the config object names (e.g. v1.33.4+k0s.1); used when its Kubernetes version matches. */
  distributionVersion?: string;
  /** k0s: the ClusterConfig (`k0s.yaml`) of controllers; kubeadm: extra ClusterConfiguration fields. */
  config?: Record<string, unknown>;
}

export interface BootstrapInput {
  role: BootstrapRole;
  /** The machine's hostname, which becomes its Node name. */
  machineName: string;
  clusterName: string;
  /** Kubernetes version, `v1.33.4` (k0s also accepts `v1.33.4+k0s.0`). */
  version: string;
  /** The control-plane endpoint: advertised by an init, joined by a join. */
  endpoint: Endpoint;
  /** Joins: the join token. kubeadm init: the bootstrap token to create (`abcdef.0123456789abcdef`). */
  joinToken?: string;
  /** kubeadm joins: `sha256:<hex>` of the cluster CA; absent skips CA pinning. */
  caCertHash?: string;
  /** kubeadm control-plane join: the key that decrypts the uploaded certificates. */
  certificateKey?: string;
  options?: BootstrapOptions;
}

export interface BootstrapData {
  format: 'cloud-config';
  /** The `#cloud-config` document. */
  userData: string;
  /** sha256 (hex) of userData. */
  hash: string;
}

export interface BootstrapProvider {
  /** `k0s` or `kubeadm`. */
  readonly name: string;
  generate(input: BootstrapInput): Promise<BootstrapData>;
}

// ---------------------------------------------------------------------------------------------
// Control plane

/** A control plane made of infrastructure machines. */
export interface MachineControlPlaneSpec {
  mode: 'machines';
  replicas: number;
  /** Kubernetes version, `v1.33.4`. */
  version: string;
  /** The version as the object writes it (`v1.33.4+k0s.0`). */
  distributionVersion: string;
  /** The infrastructure machine template of the control-plane machines. */
  machineTemplate: ObjectRef;
  bootstrapOptions: BootstrapOptions;
  /** Files that must be resolved from Secrets/ConfigMaps into bootstrapOptions.files. */
  unresolvedFiles: UnresolvedBootstrapFile[];
}

/** A control plane run for the cluster by the provider (k0smotron-like). */
export interface HostedControlPlaneSpec {
  mode: 'hosted';
  replicas: number;
  version: string;
  distributionVersion: string;
}

export type HostedControlPlanePhase = 'Provisioning' | 'Ready' | 'Upgrading' | 'Deleting' | 'Deleted';

export interface HostedControlPlaneStatus {
  clusterId: string;
  phase: HostedControlPlanePhase;
  /** The API server answers (also during an upgrade). */
  ready: boolean;
  endpoint?: Endpoint;
  /** Kubernetes version running now; undefined before the first start. */
  version?: string;
  /** Kubernetes version asked for. */
  desiredVersion: string;
  replicas: number;
  readyReplicas: number;
  message?: string;
}

export interface EnsureHostedControlPlaneRequest {
  clusterId: string;
  /** The rendered control-plane object (e.g. K0smotronControlPlane). */
  controlPlane: RenderedObject;
}

export interface HostedControlPlaneProvider {
  readonly name: string;
  /** Create it, or move it to the object's version/replicas; returns its status now. */
  ensureControlPlane(req: EnsureHostedControlPlaneRequest): Promise<HostedControlPlaneStatus>;
  getControlPlane(clusterId: string): Promise<HostedControlPlaneStatus | undefined>;
  /** `phase: 'Deleted'` when done, also for an unknown one. */
  deleteControlPlane(clusterId: string): Promise<HostedControlPlaneStatus>;
}

/** What the registry returns for a control-plane object. */
export type ControlPlaneBinding =
  | { mode: 'machines'; kind: string; spec: MachineControlPlaneSpec; bootstrap: BootstrapProvider }
  | { mode: 'hosted'; kind: string; spec: HostedControlPlaneSpec; provider: HostedControlPlaneProvider };

/** What the registry returns for a bootstrap config (template) object. */
export interface BootstrapBinding {
  kind: string;
  provider: BootstrapProvider;
  options: BootstrapOptions;
  unresolvedFiles: UnresolvedBootstrapFile[];
}
