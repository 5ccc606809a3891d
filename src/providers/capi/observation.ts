/**
 * What Cluster API reports about one cluster, read from its v1beta2 objects (pure): the Cluster,
 * its control plane, MachineDeployments and Machines. The reconciler decides from this model
 * alone, so the decisions are table-tested without a management cluster.
 */
import {
  LABEL_CONTROL_PLANE,
  LABEL_DEPLOYMENT_NAME,
  LABEL_TOPOLOGY_DEPLOYMENT_NAME,
} from '../../domain/labels.js';
import type { KubeObject } from '../../k8s/object.js';
import { at, isRecord, numberAt, stringAt } from '../objects.js';

/** A v1beta2 (metav1) condition as Cluster API writes it. */
export interface CapiCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface Replicas {
  /** spec.replicas (desired). */
  desired: number;
  replicas: number;
  ready: number;
  available: number;
  upToDate: number;
}

export interface ObservedControlPlane {
  kind: string;
  name: string;
  /** spec.version: what Cluster API is asked to run. */
  specVersion?: string;
  /** status.version: the lowest version of its machines. */
  version?: string;
  initialized: boolean;
  replicas: Replicas;
  /** status.observedGeneration caught up with metadata.generation. */
  observed: boolean;
  conditions: CapiCondition[];
}

export interface ObservedMachineDeployment {
  name: string;
  /** The rendered MachineDeployment's name, or the topology's `name` for a topology Cluster. */
  pool: string;
  specVersion?: string;
  replicas: Replicas;
  observed: boolean;
  conditions: CapiCondition[];
}

export interface ObservedMachine {
  name: string;
  role: 'control-plane' | 'worker';
  /** The MachineDeployment (its pool name) of a worker. */
  pool?: string;
  phase: string;
  version?: string;
  nodeName?: string;
  /** The Ready (else Available) condition's message when it is not True: Cluster API's own words. */
  message?: string;
  deleting: boolean;
}

export interface ObservedCluster {
  name: string;
  uid: string;
  deleting: boolean;
  /** spec.topology.version of a topology Cluster. */
  topologyVersion?: string;
  phase?: string;
  infrastructureProvisioned: boolean;
  controlPlaneInitialized: boolean;
  endpoint?: string;
  controlPlaneRef?: { kind: string; name: string; apiGroup?: string };
  conditions: CapiCondition[];
  /** status.controlPlane / status.workers of the Cluster (set for every Cluster in v1beta2). */
  controlPlane?: Replicas;
  workers?: Replicas;
}

export interface CapiObservation {
  /** Undefined: the Cluster does not exist (not created yet, or deleted behind clustermint's back). */
  cluster?: ObservedCluster;
  controlPlane?: ObservedControlPlane;
  machineDeployments: ObservedMachineDeployment[];
  machines: ObservedMachine[];
}

export function conditionsOf(o: unknown): CapiCondition[] {
  const list = at(o, 'status', 'conditions');
  if (!Array.isArray(list)) return [];
  const out: CapiCondition[] = [];
  for (const c of list) {
    if (!isRecord(c) || typeof c.type !== 'string') continue;
    const status = c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
    out.push({
      type: c.type,
      status,
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      ...(typeof c.message === 'string' && c.message ? { message: c.message } : {}),
    });
  }
  return out;
}

export function condition(list: readonly CapiCondition[], type: string): CapiCondition | undefined {
  return list.find((c) => c.type === type);
}

function replicasOf(status: unknown, desired: number | undefined): Replicas {
  const n = (k: string) => numberAt(status, k) ?? 0;
  return {
    desired: desired ?? numberAt(status, 'desiredReplicas') ?? n('replicas'),
    replicas: n('replicas'),
    ready: n('readyReplicas'),
    available: n('availableReplicas'),
    upToDate: n('upToDateReplicas'),
  };
}

function observedGeneration(o: KubeObject): boolean {
  const seen = numberAt(o, 'status', 'observedGeneration');
  return seen !== undefined && seen >= (o.metadata.generation ?? 0);
}

export function observeCluster(o: KubeObject): ObservedCluster {
  const host = stringAt(o, 'spec', 'controlPlaneEndpoint', 'host');
  const port = numberAt(o, 'spec', 'controlPlaneEndpoint', 'port');
  const ref = at(o, 'spec', 'controlPlaneRef');
  return {
    name: o.metadata.name,
    uid: o.metadata.uid ?? '',
    deleting: !!o.metadata.deletionTimestamp,
    ...(stringAt(o, 'spec', 'topology', 'version')
      ? { topologyVersion: stringAt(o, 'spec', 'topology', 'version') }
      : {}),
    ...(stringAt(o, 'status', 'phase') ? { phase: stringAt(o, 'status', 'phase') } : {}),
    infrastructureProvisioned: at(o, 'status', 'initialization', 'infrastructureProvisioned') === true,
    controlPlaneInitialized: at(o, 'status', 'initialization', 'controlPlaneInitialized') === true,
    ...(host ? { endpoint: port ? `${host}:${port}` : host } : {}),
    ...(isRecord(ref) && typeof ref.kind === 'string' && typeof ref.name === 'string' && ref.name
      ? {
          controlPlaneRef: {
            kind: ref.kind,
            name: ref.name,
            ...(typeof ref.apiGroup === 'string' ? { apiGroup: ref.apiGroup } : {}),
          },
        }
      : {}),
    conditions: conditionsOf(o),
    ...(isRecord(at(o, 'status', 'controlPlane'))
      ? { controlPlane: replicasOf(at(o, 'status', 'controlPlane'), undefined) }
      : {}),
    ...(isRecord(at(o, 'status', 'workers'))
      ? { workers: replicasOf(at(o, 'status', 'workers'), undefined) }
      : {}),
  };
}

export function observeControlPlane(o: KubeObject): ObservedControlPlane {
  const specVersion = stringAt(o, 'spec', 'version');
  const version = stringAt(o, 'status', 'version');
  return {
    kind: o.kind,
    name: o.metadata.name,
    ...(specVersion ? { specVersion } : {}),
    ...(version ? { version } : {}),
    initialized: at(o, 'status', 'initialization', 'controlPlaneInitialized') === true,
    replicas: replicasOf(o.status, numberAt(o, 'spec', 'replicas')),
    observed: observedGeneration(o),
    conditions: conditionsOf(o),
  };
}

export function observeMachineDeployment(o: KubeObject): ObservedMachineDeployment {
  const specVersion = stringAt(o, 'spec', 'template', 'spec', 'version');
  return {
    name: o.metadata.name,
    pool: o.metadata.labels?.[LABEL_TOPOLOGY_DEPLOYMENT_NAME] ?? o.metadata.name,
    ...(specVersion ? { specVersion } : {}),
    replicas: replicasOf(o.status, numberAt(o, 'spec', 'replicas')),
    observed: observedGeneration(o),
    conditions: conditionsOf(o),
  };
}

/** Topology MachineDeployments carry their topology name; Machines only the generated MD name. */
export function observeMachine(
  o: KubeObject,
  poolOfDeployment: ReadonlyMap<string, string>,
): ObservedMachine {
  // Labels that are not a map (no apiserver sends them, but the parsers never throw) count as none.
  const labels = isRecord(o.metadata.labels) ? o.metadata.labels : {};
  const controlPlane = LABEL_CONTROL_PLANE in labels;
  const md = labels[LABEL_DEPLOYMENT_NAME];
  const conditions = conditionsOf(o);
  const notOk = [condition(conditions, 'Ready'), condition(conditions, 'Available')].find(
    (c) => c && c.status !== 'True' && c.message,
  );
  const version = stringAt(o, 'spec', 'version');
  const nodeName = stringAt(o, 'status', 'nodeRef', 'name');
  return {
    name: o.metadata.name,
    role: controlPlane ? 'control-plane' : 'worker',
    ...(!controlPlane && md
      ? { pool: labels[LABEL_TOPOLOGY_DEPLOYMENT_NAME] ?? poolOfDeployment.get(md) ?? md }
      : {}),
    phase: stringAt(o, 'status', 'phase') ?? 'Pending',
    ...(version ? { version } : {}),
    ...(nodeName ? { nodeName } : {}),
    ...(notOk?.message ? { message: notOk.message } : {}),
    deleting: !!o.metadata.deletionTimestamp,
  };
}
