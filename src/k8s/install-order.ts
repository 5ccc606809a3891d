/**
 * Helm's install order of kinds (pkg/release/v1/util kind_sorter.go InstallOrder): the order
 * `helm install` creates a release's objects in, and (reversed) the order it deletes them in.
 * Shared by the chart renderer and the delivery of services to workload clusters.
 */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];
const ORDER = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

/**
 * Helm's lessByKind as a comparator: listed kinds in table order, then unknown kinds by name
 * (after every listed one). Use it with a stable sort.
 */
export function compareInstallOrder(a: string, b: string): number {
  const ia = ORDER.get(a);
  const ib = ORDER.get(b);
  if (ia === undefined && ib === undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (ia === undefined) return 1;
  if (ib === undefined) return -1;
  return ia - ib;
}
