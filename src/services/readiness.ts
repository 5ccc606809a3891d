/**
 * Whether an object on a workload cluster has reached its desired state, by kstatus's rules
 * (sigs.k8s.io/cli-utils pkg/kstatus/status): a deleted object is in progress, an unobserved
 * generation is in progress, the standard Reconciling / Stalled conditions decide, then the rules
 * of the built-in kinds, then a Ready condition; anything else is current. Two departures: a
 * LoadBalancer Service waits for an ingress address (as Helm's --wait does), and a Namespace is
 * current once Active.
 */
import type { KubeObject } from '../k8s/object.js';
import { isPlainObject } from '../util/plain-object.js';

export type ReadinessStatus = 'Current' | 'InProgress' | 'Failed' | 'NotFound';

export interface Readiness {
  status: ReadinessStatus;
  message: string;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** How long a Pod may stay unschedulable before it counts as failed (kstatus's ScheduleWindow). */
export const SCHEDULE_WINDOW_MS = 15_000;

const current = (message: string): Readiness => ({ status: 'Current', message });
const inProgress = (message: string): Readiness => ({ status: 'InProgress', message });
const failed = (message: string): Readiness => ({ status: 'Failed', message });

function field(obj: unknown, path: string): unknown {
  let v = obj;
  for (const key of path.split('.')) {
    if (!isPlainObject(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

/** kstatus's GetIntField: an integer, else the default. */
function int(obj: unknown, path: string, dflt: number): number {
  const v = field(obj, path);
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

function str(obj: unknown, path: string, dflt: string): string {
  const v = field(obj, path);
  return typeof v === 'string' ? v : dflt;
}

function conditionsOf(obj: KubeObject): Condition[] {
  const list = field(obj, 'status.conditions');
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((c) => ({
    type: typeof c.type === 'string' ? c.type : '',
    status: typeof c.status === 'string' ? c.status : '',
    reason: typeof c.reason === 'string' ? c.reason : '',
    message: typeof c.message === 'string' ? c.message : '',
  }));
}

const find = (conds: Condition[], type: string, status?: string) =>
  conds.find((c) => c.type === type && (status === undefined || c.status === status));

/**
 * The readiness of a live object (undefined: it does not exist). `now` (the caller's clock) lets
 * a Pod that stays unschedulable past the schedule window count as failed; without it such a Pod
 * stays in progress.
 */
export function objectReadiness(live: KubeObject | undefined, now?: Date): Readiness {
  if (live === undefined) return { status: 'NotFound', message: 'Resource not found' };
  const generic = genericReadiness(live);
  if (generic) return generic;
  const slash = live.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : live.apiVersion.slice(0, slash);
  const rule = KIND_RULES.get(group === '' ? live.kind : `${group}/${live.kind}`);
  if (rule) return rule(live, conditionsOf(live), now);
  const ready = find(conditionsOf(live), 'Ready');
  if (ready?.status === 'True') return current('Resource is Ready');
  if (ready && (ready.status === 'False' || ready.status === 'Unknown'))
    return inProgress(ready.message || ready.reason || `Ready: ${ready.status}`);
  return current('Resource is current');
}

/** checkGenericProperties: deletion, observed generation, Reconciling and Stalled. */
function genericReadiness(o: KubeObject): Readiness | undefined {
  if (str(o, 'metadata.deletionTimestamp', '') !== '') return inProgress('Resource scheduled for deletion');
  const generation = field(o, 'metadata.generation');
  const observed = field(o, 'status.observedGeneration');
  if (Number.isInteger(generation) && Number.isInteger(observed) && generation !== observed)
    return inProgress(`${o.kind} generation is ${generation}, but latest observed generation is ${observed}`);
  for (const c of conditionsOf(o)) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(c.message || c.reason);
    if (c.type === 'Stalled' && c.status === 'True') return failed(c.message || c.reason);
  }
  return undefined;
}

type Rule = (o: KubeObject, conds: Condition[], now?: Date) => Readiness;

const alwaysReady: Rule = () => current('Resource is always ready');

const deployment: Rule = (o, conds) => {
  // Without progressDeadlineSeconds the controller sets no Progressing condition.
  let progressing = int(o, 'spec.progressDeadlineSeconds', 2 ** 31 - 1) === 2 ** 31 - 1;
  let available = false;
  for (const c of conds) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return failed('Progress deadline exceeded');
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    } else if (c.type === 'Available' && c.status === 'True') available = true;
  }
  const spec = int(o, 'spec.replicas', 1);
  const replicas = int(o, 'status.replicas', 0);
  const updated = int(o, 'status.updatedReplicas', 0);
  const ready = int(o, 'status.readyReplicas', 0);
  const avail = int(o, 'status.availableReplicas', 0);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress(`Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  if (updated > avail) return inProgress(`Available: ${avail}/${updated}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (!progressing) return inProgress('ReplicaSet not Available');
  if (!available) return inProgress('Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
};

const statefulSet: Rule = (o) => {
  if (str(o, 'spec.updateStrategy.type', '') === 'OnDelete')
    return current('StatefulSet is using the ondelete update strategy');
  const spec = int(o, 'spec.replicas', 1);
  const ready = int(o, 'status.readyReplicas', 0);
  const currentReplicas = int(o, 'status.currentReplicas', 0);
  const updated = int(o, 'status.updatedReplicas', 0);
  const replicas = int(o, 'status.replicas', 0);
  const partition = int(o, 'spec.updateStrategy.rollingUpdate.partition', -1);
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress(`updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > currentReplicas) return inProgress(`current: ${currentReplicas}/${spec}`);
  if (str(o, 'status.currentRevision', '') !== str(o, 'status.updateRevision', ''))
    return inProgress('Waiting for updated revision to match current');
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
};

const daemonSet: Rule = (o) => {
  // The DaemonSet controller always sets both: until it has, it has not acted.
  if (!Number.isInteger(field(o, 'metadata.generation')))
    return inProgress(`${o.kind} metadata.generation not found`);
  if (!Number.isInteger(field(o, 'status.observedGeneration')))
    return inProgress(`${o.kind} status.observedGeneration not found`);
  const desired = int(o, 'status.desiredNumberScheduled', -1);
  const scheduled = int(o, 'status.currentNumberScheduled', 0);
  const updated = int(o, 'status.updatedNumberScheduled', 0);
  const avail = int(o, 'status.numberAvailable', 0);
  const ready = int(o, 'status.numberReady', 0);
  if (desired === -1) return inProgress('Missing .status.desiredNumberScheduled');
  if (desired > scheduled) return inProgress(`Current: ${scheduled}/${desired}`);
  if (desired > updated) return inProgress(`Updated: ${updated}/${desired}`);
  if (desired > avail) return inProgress(`Available: ${avail}/${desired}`);
  if (desired > ready) return inProgress(`Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
};

const replicaSet: Rule = (o, conds) => {
  if (find(conds, 'ReplicaFailure', 'True')) return inProgress('Replica Failure condition. Check Pods');
  const spec = int(o, 'spec.replicas', 1);
  const replicas = int(o, 'status.replicas', 0);
  const ready = int(o, 'status.readyReplicas', 0);
  const avail = int(o, 'status.availableReplicas', 0);
  const labelled = int(o, 'status.fullyLabeledReplicas', 0);
  if (spec > labelled) return inProgress(`Labelled: ${labelled}/${spec}`);
  if (spec > avail) return inProgress(`Available: ${avail}/${spec}`);
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
};

const job: Rule = (o, conds) => {
  const parallelism = int(o, 'spec.parallelism', 1);
  const completions = int(o, 'spec.completions', parallelism);
  const succeeded = int(o, 'status.succeeded', 0);
  const active = int(o, 'status.active', 0);
  const failedPods = int(o, 'status.failed', 0);
  for (const c of conds) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (c.type === 'Failed') return failed(`Job Failed. failed: ${failedPods}/${completions}`);
    if (c.type === 'Suspended' && field(o, 'spec.suspend') === true) return current('Job is suspended');
  }
  if (str(o, 'status.startTime', '') === '') return inProgress('Job not started');
  return current(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failedPods}`);
};

function crashLooping(o: KubeObject): string[] {
  const statuses = field(o, 'status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  return statuses
    .filter((cs) => field(cs, 'state.waiting.reason') === 'CrashLoopBackOff')
    .map((cs) => str(cs, 'name', ''))
    .filter((n) => n !== '');
}

const pod: Rule = (o, conds, now) => {
  const phase = str(o, 'status.phase', '');
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (find(conds, 'Ready', 'True')) return current('Pod is Ready');
      const looping = crashLooping(o);
      if (looping.length > 0) return failed(`Containers in CrashLoop state: ${looping.join(',')}`);
      return inProgress('Pod is running but is not Ready');
    }
    case 'Pending': {
      const scheduled = find(conds, 'PodScheduled', 'False');
      if (scheduled?.reason !== 'Unschedulable') return inProgress('Pod is in the Pending phase');
      const created = Date.parse(str(o, 'metadata.creationTimestamp', ''));
      if (now && !Number.isNaN(created) && now.getTime() - SCHEDULE_WINDOW_MS >= created)
        return failed('Pod could not be scheduled');
      return inProgress('Pod has not been scheduled');
    }
    case '':
      return inProgress('Pod phase not available');
    default:
      return inProgress(`Pod phase ${JSON.stringify(phase)} is not one kstatus knows`);
  }
};

const pvc: Rule = (o) => {
  const phase = str(o, 'status.phase', 'unknown');
  return phase === 'Bound' ? current('PVC is Bound') : inProgress(`PVC is not Bound. phase: ${phase}`);
};

const service: Rule = (o) => {
  if (str(o, 'spec.type', 'ClusterIP') !== 'LoadBalancer') return current('Service is ready');
  const ingress = field(o, 'status.loadBalancer.ingress');
  const assigned =
    Array.isArray(ingress) && ingress.some((i) => str(i, 'ip', '') !== '' || str(i, 'hostname', '') !== '');
  return assigned
    ? current('Service is ready')
    : inProgress('No ingress address assigned. Service type: LoadBalancer');
};

const crd: Rule = (_o, conds) => {
  for (const c of conds) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(c.message || c.reason);
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(c.message || c.reason);
      if (c.status === 'True') return current('CRD is established');
    }
  }
  return inProgress('Install in progress');
};

const namespace: Rule = (o) => {
  const phase = str(o, 'status.phase', '');
  // The apiserver sets Active on create; a store without one leaves no phase.
  if (phase === 'Active' || phase === '') return current('Namespace is Active');
  return inProgress(`Namespace is ${phase}`);
};

const KIND_RULES = new Map<string, Rule>([
  ['Service', service],
  ['Pod', pod],
  ['Secret', alwaysReady],
  ['ConfigMap', alwaysReady],
  ['PersistentVolumeClaim', pvc],
  ['Namespace', namespace],
  ['apps/StatefulSet', statefulSet],
  ['apps/DaemonSet', daemonSet],
  ['extensions/DaemonSet', daemonSet],
  ['apps/Deployment', deployment],
  ['extensions/Deployment', deployment],
  ['apps/ReplicaSet', replicaSet],
  ['extensions/ReplicaSet', replicaSet],
  ['policy/PodDisruptionBudget', () => current('AllowedDisruptions has been computed.')],
  ['batch/CronJob', alwaysReady],
  ['batch/Job', job],
  ['apiextensions.k8s.io/CustomResourceDefinition', crd],
]);
