/**
 * The service kinds' shapes as the delivery decisions read them: src/api/service-spec.ts's
 * types, with the fields its reader defaults left optional (a decision may get a spec as
 * written, before the reader's defaults).
 */
import type { LabelSelector } from '../api/label-selector.js';
import type {
  Service as ApiService,
  ServiceSpec as ApiServiceSpec,
  DriftExclusion,
  SyncMode,
} from '../api/service-spec.js';

export type { LabelSelector, LabelSelectorRequirement } from '../api/label-selector.js';
export type {
  DriftExclusion,
  DriftExclusionTarget,
  ServiceState,
  ServiceStateName,
  SyncMode,
  ValuesFromRef as ValuesFrom,
} from '../api/service-spec.js';

import { DEFAULT_SERVICE_NAMESPACE } from '../api/service-spec.js';

export { DEFAULT_PRIORITY, DEFAULT_SERVICE_NAMESPACE, DEFAULT_SYNC_MODE } from '../api/service-spec.js';

export interface ServiceDependsOn {
  name: string;
  namespace?: string;
}

/** A service as written: namespace and dependencies' namespaces may be left out. */
export type Service = Omit<ApiService, 'namespace' | 'dependsOn'> & {
  namespace?: string;
  dependsOn?: ServiceDependsOn[];
};

export type ServiceSpec = Omit<ApiServiceSpec, 'services' | 'priority' | 'syncMode'> & {
  services?: Service[];
  priority?: number;
  syncMode?: SyncMode;
};

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

/** `namespace/name`, the key that identifies a service on a cluster. */
export function serviceKey(s: { name: string; namespace?: string }): string {
  return `${s.namespace || DEFAULT_SERVICE_NAMESPACE}/${s.name}`;
}
