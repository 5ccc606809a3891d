/**
 * What the simulated cloud looks like at a given time: pure functions of the stored records,
 * the cluster's current settings and `now`. Nothing is scheduled; every transition time is
 * computed, so a test can jump the clock and a restarted process sees the same state.
 */

import { isoTime as formatIso } from '../../domain/clock.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import type { BootPlan } from '../bootstrap/inspect.js';
import type {
  ConditionStatus,
  Endpoint,
  HostedControlPlaneStatus,
  InfraClusterStatus,
  MachineStatus,
  NodeCondition,
  NodeInfo,
} from '../contract.js';
import type { ClusterSettings, MachineKnobs } from './config.js';
import { unitHash } from './random.js';

/**
 * isoTime for the few instants a cloud's records hold (creation, boot, transitions), which
 * every observation formats again: remembered, bounded.
 */
const isoCache = new BoundedCache<number, string>(10_000);
function isoTime(ms: number): string {
  return isoCache.getOrCreate(ms, () => formatIso(ms));
}

export interface ClusterRecord {
  clusterId: string;
  incarnation: number;
  createdAt: number;
  settings: ClusterSettings;
  /** Second octet of the cluster's 10.x.0.0/16. */
  subnet: number;
  /** Next machine address index in the subnet. */
  nextIndex: number;
  deleteRequestedAt?: number;
}

export interface MachineRecord {
  machineId: string;
  clusterId: string;
  incarnation: number;
  createdAt: number;
  /** When provisioning starts (the cluster's infrastructure is ready). */
  startAt: number;
  /** When the boot would complete, before zone outages. */
  bootAt: number;
  zone: string;
  instanceType: string;
  providerID: string;
  internalIP: string;
  hostname: string;
  userDataHash: string;
  plan?: BootPlan;
  planError?: string;
  bootFails: boolean;
  templateKnobs: Partial<MachineKnobs>;
  /** The knobs at creation (for messages). */
  knobs: MachineKnobs;
  deleteRequestedAt?: number;
  deletedAt?: number;
}

export interface ControlPlaneRecord {
  clusterId: string;
  incarnation: number;
  createdAt: number;
  readyAt: number;
  replicas: number;
  desiredVersion: string;
  /** Set during an upgrade: the version that runs until upgradeDoneAt. */
  fromVersion?: string;
  upgradeDoneAt?: number;
  endpoint: Endpoint;
  deleteRequestedAt?: number;
  deletedAt?: number;
}

export interface Window {
  from: number;
  to: number;
}

/** The zone's outage windows in absolute time. */
export function outageWindows(cluster: ClusterRecord | undefined, zone: string): Window[] {
  if (!cluster) return [];
  return cluster.settings.outages
    .filter((o) => o.zone === zone)
    .map((o) => {
      const from = o.at ?? cluster.createdAt + (o.startMs ?? 0);
      return { from, to: o.durationMs === undefined ? Number.POSITIVE_INFINITY : from + o.durationMs };
    })
    .sort((a, b) => a.from - b.from);
}

export function outageAt(windows: Window[], t: number): Window | undefined {
  return windows.find((w) => w.from <= t && t < w.to);
}

/** A machine whose boot would end inside an outage finishes when the zone comes back. */
export function effectiveBootAt(bootAt: number, windows: Window[]): number {
  let t = bootAt;
  for (let w = outageAt(windows, t); w; w = outageAt(windows, t)) t = w.to;
  return t;
}

export function clusterReadyAt(c: ClusterRecord): number {
  return c.createdAt + c.settings.clusterDelayMs;
}

export function clusterEndpoint(c: ClusterRecord): Endpoint {
  return c.settings.endpoint ?? { host: `10.${c.subnet}.0.2`, port: 6443 };
}

export function observeCluster(c: ClusterRecord, machines: MachineRecord[], now: number): InfraClusterStatus {
  const base = {
    clusterId: c.clusterId,
    controlPlaneEndpoint: clusterEndpoint(c),
    failureDomains: c.settings.zones.map((name) => ({ name, controlPlane: true })),
  };
  if (c.deleteRequestedAt !== undefined) {
    const live = machines.filter((m) => !(m.deletedAt !== undefined && m.deletedAt <= now));
    if (live.length) {
      const notDeleting = live.filter((m) => m.deleteRequestedAt === undefined).length;
      const msg = `waiting for ${live.length} machine(s) to be deleted${notDeleting ? ` (${notDeleting} not being deleted)` : ''}`;
      return { ...base, phase: 'Deleting', ready: false, message: msg };
    }
    const doneAt = Math.max(
      c.deleteRequestedAt + c.settings.deleteDelayMs,
      ...machines.map((m) => m.deletedAt ?? 0),
    );
    return now >= doneAt
      ? { ...base, phase: 'Deleted', ready: false }
      : { ...base, phase: 'Deleting', ready: false, message: 'deleting the cluster infrastructure' };
  }
  return now >= clusterReadyAt(c)
    ? { ...base, phase: 'Provisioned', ready: true }
    : {
        ...base,
        phase: 'Provisioning',
        ready: false,
        message: 'creating the network and the API load balancer',
      };
}

/** Whether this node turns NotReady (decided per machine from the seed), and when. */
function notReadyAt(m: MachineRecord, knobs: MachineKnobs, seed: string, readyAt: number): number | null {
  if (knobs.notReadyAfterMs === null) return null;
  if (unitHash(seed, m.machineId, m.incarnation, 'not-ready') >= knobs.notReadyRate) return null;
  return readyAt + knobs.notReadyAfterMs;
}

interface Segment {
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** The condition at `now` and since when, from a status function over change points. */
function conditionAt(
  type: string,
  start: number,
  points: number[],
  now: number,
  f: (t: number) => Segment,
): NodeCondition {
  let cur = f(start);
  let since = start;
  for (const p of [...new Set(points)]
    .filter((p) => p > start && p <= now && Number.isFinite(p))
    .sort((a, b) => a - b)) {
    const s = f(p);
    if (s.status !== cur.status || s.reason !== cur.reason) {
      cur = s;
      since = p;
    }
  }
  return { type, ...cur, lastTransitionTime: isoTime(since) };
}

const UNKNOWN: Segment = {
  status: 'Unknown',
  reason: 'NodeStatusUnknown',
  message: 'Kubelet stopped posting node status.',
};

function node(
  m: MachineRecord,
  plan: BootPlan,
  readyAt: number,
  windows: Window[],
  knobs: MachineKnobs,
  seed: string,
  region: string,
  now: number,
): NodeInfo {
  const nr = notReadyAt(m, knobs, seed, readyAt);
  const points = [nr ?? Number.POSITIVE_INFINITY, ...windows.flatMap((w) => [w.from, w.to])];
  const ready = conditionAt('Ready', readyAt, points, now, (t) => {
    if (outageAt(windows, t)) return UNKNOWN;
    if (nr !== null && t >= nr) {
      return {
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'container runtime network not ready (simulated)',
      };
    }
    return { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
  });
  const pressure = (type: string, reason: string, message: string) =>
    conditionAt(type, readyAt, points, now, (t) =>
      outageAt(windows, t) ? UNKNOWN : { status: 'False', reason, message },
    );
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': m.hostname,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': m.instanceType,
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': m.zone,
  };
  if (plan.role !== 'worker')
    labels['node-role.kubernetes.io/control-plane'] = plan.distribution === 'k0s' ? 'true' : '';
  return {
    name: m.hostname,
    kubeletVersion: plan.kubeletVersion,
    labels,
    conditions: [
      ready,
      pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ],
    creationTimestamp: isoTime(readyAt),
  };
}

export function observeMachine(
  m: MachineRecord,
  cluster: ClusterRecord | undefined,
  knobs: MachineKnobs,
  now: number,
): MachineStatus {
  const out: MachineStatus = {
    machineId: m.machineId,
    clusterId: m.clusterId,
    providerID: m.providerID,
    phase: 'Pending',
    failureDomain: m.zone,
    addresses: [
      { type: 'Hostname', address: m.hostname },
      { type: 'InternalIP', address: m.internalIP },
    ],
    creationTimestamp: isoTime(m.createdAt),
    userDataHash: m.userDataHash,
  };
  if (m.deletedAt !== undefined) {
    out.phase = now >= m.deletedAt ? 'Deleted' : 'Deleting';
    return out;
  }
  if (now < m.startAt) return out;
  const windows = outageWindows(cluster, m.zone);
  const bootAt = effectiveBootAt(m.bootAt, windows);
  if (now < bootAt) {
    out.phase = 'Provisioning';
    return out;
  }
  if (m.bootFails) {
    out.phase = 'Failed';
    out.failureReason = 'BootFailed';
    out.failureMessage = `instance ${m.providerID} failed to boot (simulated, boot failure rate ${m.knobs.bootFailureRate})`;
    return out;
  }
  if (!m.plan) {
    out.phase = 'Failed';
    out.failureReason = 'InvalidUserData';
    out.failureMessage = `cloud-init could not run the user data: ${m.planError}`;
    return out;
  }
  out.phase = 'Running';
  out.node = node(
    m,
    m.plan,
    bootAt,
    windows,
    knobs,
    cluster?.settings.seed ?? '',
    cluster?.settings.region ?? '',
    now,
  );
  return out;
}

export function observeControlPlane(c: ControlPlaneRecord, now: number): HostedControlPlaneStatus {
  const base = {
    clusterId: c.clusterId,
    endpoint: c.endpoint,
    desiredVersion: c.desiredVersion,
    replicas: c.replicas,
  };
  if (c.deletedAt !== undefined) {
    return now >= c.deletedAt
      ? { ...base, phase: 'Deleted', ready: false, readyReplicas: 0 }
      : { ...base, phase: 'Deleting', ready: false, readyReplicas: 0, message: 'deleting the control plane' };
  }
  if (now < c.readyAt) {
    return {
      ...base,
      phase: 'Provisioning',
      ready: false,
      readyReplicas: 0,
      message: 'starting the control plane',
    };
  }
  if (c.upgradeDoneAt !== undefined && now < c.upgradeDoneAt) {
    return {
      ...base,
      phase: 'Upgrading',
      ready: true,
      version: c.fromVersion,
      readyReplicas: c.replicas,
      message: `upgrading from ${c.fromVersion} to ${c.desiredVersion}`,
    };
  }
  return { ...base, phase: 'Ready', ready: true, version: c.desiredVersion, readyReplicas: c.replicas };
}

/** The version a hosted control plane runs at `now` (undefined before it first starts). */
export function runningVersion(c: ControlPlaneRecord, now: number): string | undefined {
  return observeControlPlane(c, now).version;
}
