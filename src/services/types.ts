/**
 * The service kinds' shapes as the delivery decisions read them (SERVICES-SPEC.md; k0rdent's
 * field names). A local copy of what src/api/services.ts defines, to be reconciled with it.
 */

export type SyncMode = 'OneTime' | 'Continuous' | 'ContinuousWithDriftDetection' | 'DryRun';

export const DEFAULT_PRIORITY = 100;
export const DEFAULT_SYNC_MODE: SyncMode = 'Continuous';
/** A service's namespace, and a dependsOn entry's, when none is given. */
export const DEFAULT_SERVICE_NAMESPACE = 'default';

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface ServiceDependsOn {
  name: string;
  namespace?: string;
}

export interface ValuesFrom {
  kind: 'ConfigMap' | 'Secret';
  name: string;
}

export interface Service {
  /** The release name (a DNS-1123 label). */
  name: string;
  /** Default "default". */
  namespace?: string;
  /** A ServiceTemplate's name. */
  template: string;
  templateChain?: string;
  version?: string;
  /** Helm values as YAML text. */
  values?: string;
  valuesFrom?: ValuesFrom[];
  dependsOn?: ServiceDependsOn[];
  disable?: boolean;
}

export interface DriftExclusionTarget {
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface DriftExclusion {
  /** `/spec/replicas` (JSON pointer) or `spec.replicas`; a path excludes its subtree. */
  paths: string[];
  target?: DriftExclusionTarget;
}

export interface ServiceSpec {
  services?: Service[];
  /** 1..2147483646, default 100; the higher wins a conflict. */
  priority?: number;
  syncMode?: SyncMode;
  driftExclusions?: DriftExclusion[];
  stopOnConflict?: boolean;
  continueOnError?: boolean;
}

export interface MultiClusterServiceSpec {
  clusterSelector?: LabelSelector;
  /** Other MultiClusterServices' names. */
  dependsOn?: string[];
  serviceSpec?: ServiceSpec;
  keepServicesOnSelectorMismatch?: boolean;
}

/** A service a cluster should run, with its owner's delivery settings. */
export interface DesiredService extends Service {
  namespace: string;
  /** `namespace/name`. */
  key: string;
  /** `ClusterDeployment/<namespace>/<name>` or `MultiClusterService/<name>`. */
  owner: string;
  priority: number;
  syncMode: SyncMode;
  driftExclusions: DriftExclusion[];
  stopOnConflict: boolean;
  continueOnError: boolean;
  /** The MultiClusterServices its owner dependsOn (none for a ClusterDeployment). */
  ownerDependsOn: string[];
}

export type ServiceStateName = 'Provisioning' | 'Deployed' | 'Failed' | 'Pending' | 'Deleting';

/** One entry of ClusterDeployment.status.services[]. */
export interface ServiceState {
  name: string;
  namespace: string;
  template: string;
  version?: string;
  state: ServiceStateName;
  reason?: string;
  message?: string;
  /** `MultiClusterService/ingress` or `ClusterDeployment/team-a/dev`. */
  owner: string;
  lastStateTransitionTime: string;
  objects?: number;
  drift?: string[];
}

/** `namespace/name`, the key that identifies a service on a cluster. */
export function serviceKey(s: { name: string; namespace?: string }): string {
  return `${s.namespace || DEFAULT_SERVICE_NAMESPACE}/${s.name}`;
}
