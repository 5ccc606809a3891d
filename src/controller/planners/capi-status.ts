/**
 * A ClusterDeployment's status from what Cluster API reports (pure): its infrastructure, control
 * plane and worker conditions with Cluster API's own messages, the pools' versions and replicas,
 * the machines with their phase and node.
 */
import { kubernetesVersion } from '../../domain/kubernetes-version.js';
import {
  type CapiCondition,
  type CapiObservation,
  condition,
  type ObservedMachine,
} from '../../providers/capi/observation.js';
import type { CapiMachineStatus, ConditionVerdict, MachineCounts, PoolStatus } from '../status.js';
import { type CapiRollout, settled } from './capi-rollout.js';

export interface CapiPoolDesired {
  name: string;
  replicas: number;
  target: string;
}

export interface CapiStatusInput {
  clusterName: string;
  controlPlaneTarget: string;
  controlPlaneReplicas: number;
  pools: readonly CapiPoolDesired[];
  observed: CapiObservation;
  rollout: CapiRollout;
}

export interface CapiStatus {
  conditions: ConditionVerdict[];
  controlPlane: PoolStatus & { initialized: boolean };
  machineDeployments: PoolStatus[];
  machines: { total: number; ready: number; controlPlane: MachineCounts; workers: MachineCounts };
  machineList: CapiMachineStatus[];
  endpoint?: string;
  /** The control plane's version on every machine, once it has one. */
  k8sVersion?: string;
  workersReady: boolean;
  /** A machine Cluster API reports as failed, with its words. */
  failure?: { machine: string; message: string };
}

/** At most this many machines are listed in the status (the counts cover all). */
export const MAX_LISTED_MACHINES = 50;

const messageOf = (c: CapiCondition | undefined, fallback: string) =>
  c?.message ? c.message.replace(/\s*\n\s*/g, '; ').trim() : fallback;

function machineReady(m: ObservedMachine): boolean {
  return m.phase === 'Running' && !m.deleting && !m.message;
}

export function capiStatus(i: CapiStatusInput): CapiStatus {
  const { observed, rollout } = i;
  const cluster = observed.cluster;
  const cp = observed.controlPlane;
  const conditions: ConditionVerdict[] = [];
  const cond = (type: string, ok: boolean, reason: string, message: string) =>
    conditions.push({ type, status: ok ? 'True' : 'False', reason, message });

  const infraOk = cluster?.infrastructureProvisioned ?? false;
  cond(
    'InfrastructureReady',
    infraOk,
    infraOk ? 'Provisioned' : cluster ? 'Provisioning' : 'ClusterNotFound',
    infraOk
      ? `Cluster API provisioned the infrastructure of Cluster ${i.clusterName}`
      : cluster
        ? messageOf(
            condition(cluster.conditions, 'InfrastructureReady'),
            'waiting for the infrastructure provider',
          )
        : `Cluster ${i.clusterName} does not exist in the management cluster`,
  );

  const cpReplicas = cp?.replicas;
  const cpAvailable = cp ? condition(cp.conditions, 'Available') : undefined;
  const cpOk = !!cp && cpAvailable?.status === 'True' && rollout.controlPlaneStable;
  // Available but not stable is a roll (an upgrade step) or a scale Cluster API is carrying out:
  // in its RollingOut / ScalingUp / ScalingDown words, not a False condition with the reason
  // "Available" saying that Cluster API is creating a control plane that runs.
  const cpRolling = !cpOk && cpAvailable?.status === 'True';
  const cpBusy = cpRolling
    ? ['RollingOut', 'ScalingUp', 'ScalingDown']
        .map((t) => condition(cp?.conditions ?? [], t))
        .find((c) => c?.status === 'True')
    : undefined;
  cond(
    'ControlPlaneReady',
    cpOk,
    cpOk
      ? 'Ready'
      : !cp
        ? 'WaitingForControlPlane'
        : cpRolling
          ? (cpBusy?.type ?? 'RollingOut')
          : (cpAvailable?.reason ?? 'Provisioning'),
    cp
      ? `${cpReplicas?.ready ?? 0}/${cpReplicas?.desired ?? i.controlPlaneReplicas} control-plane machines ready` +
          (rollout.controlPlaneReported ? ` at ${rollout.controlPlaneReported}` : '') +
          (cpOk
            ? ''
            : cpRolling
              ? `: ${messageOf(cpBusy, `Cluster API is rolling out ${rollout.controlPlaneVersion}`)}`
              : `: ${messageOf(cpAvailable, 'Cluster API is creating the control plane')}`)
      : `waiting for Cluster API to create the control plane of Cluster ${i.clusterName}`,
  );

  const byPool = new Map(observed.machineDeployments.map((md) => [md.pool, md]));
  const steps = new Map(rollout.workers.pools.map((s) => [s.name, s]));
  const machineDeployments: PoolStatus[] = i.pools.map((p) => {
    const md = byPool.get(p.name);
    const step = steps.get(p.name);
    const version = md?.specVersion
      ? kubernetesVersion(md.specVersion)
      : (rollout.poolVersions.get(p.name) ?? p.target);
    const note =
      step && !step.waitsForControlPlane ? step.note : step ? 'waiting for the control plane' : undefined;
    return {
      name: p.name,
      version,
      targetVersion: kubernetesVersion(p.target),
      replicas: md?.replicas.desired ?? p.replicas,
      readyReplicas: md?.replicas.ready ?? 0,
      updatedReplicas: md?.replicas.upToDate ?? 0,
      ...(note ? { note } : {}),
    };
  });
  const workersReady = i.pools.every((p) => {
    const md = byPool.get(p.name);
    if (!md) return p.replicas === 0;
    const frozen = steps.get(p.name);
    if (frozen && !frozen.waitsForControlPlane && frozen.frozen)
      return md.replicas.available >= md.replicas.desired;
    return settled(md.replicas) && md.observed;
  });
  const wantWorkers = i.pools.reduce((n, p) => n + (byPool.get(p.name)?.replicas.desired ?? p.replicas), 0);
  const readyWorkers = machineDeployments.reduce((n, p) => n + p.readyReplicas, 0);
  const unready = observed.machineDeployments
    .filter((md) => !settled(md.replicas))
    .map(
      (md) =>
        `${md.pool}: ${messageOf(condition(md.conditions, 'Available'), `${md.replicas.ready}/${md.replicas.desired} ready`)}`,
    );
  cond(
    'WorkersReady',
    workersReady,
    workersReady ? 'Ready' : cluster?.controlPlaneInitialized ? 'RollingOut' : 'WaitingForControlPlane',
    `${readyWorkers}/${wantWorkers} worker machines ready in ${i.pools.length} MachineDeployment(s)` +
      (unready.length && !workersReady ? `; ${unready.join('; ')}` : ''),
  );

  const machines = observed.machines;
  const live = machines.filter((m) => !m.deleting);
  const failed = machines.find((m) => m.phase === 'Failed');
  const sumPools = (f: (p: PoolStatus) => number) => machineDeployments.reduce((n, p) => n + f(p), 0);
  return {
    conditions,
    controlPlane: {
      name: cp?.name ?? i.clusterName,
      version: rollout.controlPlaneReported ?? rollout.controlPlaneVersion,
      targetVersion: kubernetesVersion(i.controlPlaneTarget),
      replicas: cpReplicas?.desired ?? i.controlPlaneReplicas,
      readyReplicas: cpReplicas?.ready ?? 0,
      updatedReplicas: cpReplicas?.upToDate ?? 0,
      initialized: cluster?.controlPlaneInitialized ?? false,
    },
    machineDeployments,
    machines: {
      total: live.length,
      ready: live.filter(machineReady).length,
      controlPlane: {
        desired: cpReplicas?.desired ?? i.controlPlaneReplicas,
        ready: cpReplicas?.ready ?? 0,
        upToDate: cpReplicas?.upToDate ?? 0,
      },
      workers: {
        desired: sumPools((p) => p.replicas),
        ready: readyWorkers,
        upToDate: sumPools((p) => p.updatedReplicas),
      },
    },
    machineList: [...machines]
      .sort((a, b) =>
        a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'control-plane' ? -1 : 1,
      )
      .slice(0, MAX_LISTED_MACHINES)
      .map((m) => ({
        name: m.name,
        role: m.role,
        ...(m.pool ? { pool: m.pool } : {}),
        phase: m.deleting && m.phase !== 'Deleting' ? 'Deleting' : m.phase,
        ...(m.version ? { version: m.version } : {}),
        ...(m.nodeName ? { node: m.nodeName } : {}),
        ...(m.message ? { message: m.message } : {}),
      })),
    ...(cluster?.endpoint ? { endpoint: cluster.endpoint } : {}),
    ...(rollout.controlPlaneReported && rollout.controlPlaneStable
      ? { k8sVersion: rollout.controlPlaneReported }
      : {}),
    workersReady,
    ...(failed
      ? { failure: { machine: failed.name, message: failed.message ?? 'Cluster API reports phase Failed' } }
      : {}),
  };
}
