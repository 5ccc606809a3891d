/**
 * Label, annotation and finalizer names that more than one layer reads or writes: Cluster API's
 * own (as its controllers and topology engine set them) and clustermint's. One list, so the
 * renderer, the controller and the providers never disagree on a spelling.
 */

// --- Cluster API
export const LABEL_CLUSTER_NAME = 'cluster.x-k8s.io/cluster-name';
export const LABEL_CONTROL_PLANE = 'cluster.x-k8s.io/control-plane';
export const LABEL_DEPLOYMENT_NAME = 'cluster.x-k8s.io/deployment-name';
export const LABEL_TOPOLOGY_OWNED = 'topology.cluster.x-k8s.io/owned';
export const LABEL_TOPOLOGY_DEPLOYMENT_NAME = 'topology.cluster.x-k8s.io/deployment-name';
export const LABEL_TOPOLOGY_POOL_NAME = 'topology.cluster.x-k8s.io/pool-name';
export const ANNOTATION_CLONED_FROM_NAME = 'cluster.x-k8s.io/cloned-from-name';
export const ANNOTATION_CLONED_FROM_GROUPKIND = 'cluster.x-k8s.io/cloned-from-groupkind';
/** Where Cluster API keeps the fields a conversion to an older API version cannot hold. */
export const ANNOTATION_CONVERSION_DATA = 'cluster.x-k8s.io/conversion-data';
export const ANNOTATION_REMEDIATE = 'cluster.x-k8s.io/remediate-machine';
export const ANNOTATION_SKIP_REMEDIATION = 'cluster.x-k8s.io/skip-remediation';
/** Upgrade controls on a topology Cluster (and on a ClusterDeployment, with the same meaning). */
export const ANNOTATION_UPGRADE_CONCURRENCY = 'topology.cluster.x-k8s.io/upgrade-concurrency';
export const ANNOTATION_HOLD_UPGRADE_SEQUENCE = 'topology.cluster.x-k8s.io/hold-upgrade-sequence';
export const ANNOTATION_DEFER_UPGRADE = 'topology.cluster.x-k8s.io/defer-upgrade';

// --- Kubernetes
export const ANNOTATION_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// --- clustermint
export const LABEL_CLUSTER_DEPLOYMENT = 'clustermint.io/cluster-deployment';
export const LABEL_POOL = 'clustermint.io/pool';
export const MACHINE_FINALIZER = 'clustermint.io/machine';
export const CLUSTER_DEPLOYMENT_FINALIZER = 'clustermint.io/cluster-deployment';
/** A chart's Kubernetes version (k0rdent spells it `k0rdent.mirantis.com/k8s-version`). */
export const ANNOTATION_K8S_VERSION = 'clustermint.io/k8s-version';
export const ANNOTATION_K8S_VERSION_K0RDENT = 'k0rdent.mirantis.com/k8s-version';

// --- clustermint tenancy (docs/tenancy.md)
/** `"true"` on a copy the AccessManagement reconciler distributed from the system namespace. */
export const MANAGED_LABEL = 'clustermint.io/managed';
/** `clustermint-system/<name>`: the object a distributed copy was made from. */
export const DISTRIBUTED_FROM_ANNOTATION = 'clustermint.io/distributed-from';
/** `"true"` on a copy whose grant was withdrawn while a deployment still uses it. */
export const ACCESS_REVOKED_LABEL = 'clustermint.io/access-revoked';
