/**
 * MachineHealthChecks of the control plane and MachineDeployments (`computeMachineHealthCheck`
 * of Cluster API's desired state): wanted when the class or topology defines checks or
 * remediation and the topology does not disable them.
 */

import { LABEL_CLUSTER_NAME, LABEL_TOPOLOGY_OWNED } from '../../../domain/labels.js';
import { cloneTree, isPlainObject, withoutKeys } from '../../../util/plain-object.js';
import { CAPI_V1BETA2 } from '../convert.js';
import type { HealthCheck, StringMap, TopologyObject } from '../types.js';
import { type ClusterInfo, compact, ownerRefTo } from './metadata.js';

export const DEFAULT_NODE_STARTUP_TIMEOUT_SECONDS = 600;

const MAX_IN_FLIGHT: ReadonlySet<string> = new Set(['maxInFlight']);

const isDefined = (hc: HealthCheck | undefined): hc is HealthCheck =>
  isPlainObject(hc) && (isPlainObject(hc.checks) || isPlainObject(hc.remediation));

/** The health check to create, if any: the topology's when it defines one, else the class's. */
export function wantedHealthCheck(
  classHealthCheck: HealthCheck | undefined,
  topologyHealthCheck: HealthCheck | undefined,
): HealthCheck | undefined {
  if (!isDefined(classHealthCheck) && !isDefined(topologyHealthCheck)) return undefined;
  if (topologyHealthCheck?.enabled === false) return undefined;
  return isDefined(topologyHealthCheck) ? topologyHealthCheck : classHealthCheck;
}

/** The MachineHealthCheck of `target` (named after it), selecting machines by `matchLabels`. */
export function computeMachineHealthCheck(
  target: TopologyObject,
  matchLabels: StringMap,
  cluster: ClusterInfo,
  healthCheck: HealthCheck,
): TopologyObject {
  const checks = isPlainObject(healthCheck.checks) ? cloneTree(healthCheck.checks) : {};
  if (checks.nodeStartupTimeoutSeconds === undefined)
    checks.nodeStartupTimeoutSeconds = DEFAULT_NODE_STARTUP_TIMEOUT_SECONDS;
  // maxInFlight is a MachineDeployment field, not a MachineHealthCheck one
  const remediation = withoutKeys(
    isPlainObject(healthCheck.remediation) ? cloneTree(healthCheck.remediation) : {},
    MAX_IN_FLIGHT,
  );
  const meta = target.metadata;
  return {
    apiVersion: CAPI_V1BETA2,
    kind: 'MachineHealthCheck',
    metadata: compact({
      name: meta.name,
      namespace: meta.namespace,
      labels: { [LABEL_TOPOLOGY_OWNED]: '', [LABEL_CLUSTER_NAME]: cluster.name },
      ownerReferences: ownerRefTo(cluster),
    }),
    spec: compact({ clusterName: cluster.name, selector: { matchLabels }, checks, remediation }),
  };
}
