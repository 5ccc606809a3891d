/** The end of a live pass: machine totals, WorkersReady, UpgradeInProgress and Ready. */
import type { Machine } from '../../api/machine.js';
import { getCondition } from '../conditions.js';
import type { DesiredCluster } from '../desired.js';
import { readiness, upgradeProgress } from '../planners/progress.js';
import { isDeleting, isReady } from '../pool.js';
import type { PoolStatus, Refusal } from '../status.js';
import type { PassContext } from './context.js';
import type { ControlPlaneState, ControlPlaneStrategy } from './control-plane/strategy.js';
import type { WorkersResult } from './workers.js';

export interface SummaryInput {
  desired: DesiredCluster;
  machines: readonly Machine[];
  strategy: ControlPlaneStrategy;
  controlPlane: ControlPlaneState;
  controlPlaneTarget: string;
  controlPlaneSteps: readonly string[];
  workers: WorkersResult;
  refusal: Refusal | undefined;
}

export function summarize(ctx: PassContext, i: SummaryInput): void {
  const { status } = ctx;
  const { pools } = i.workers;
  const cp = i.controlPlane;
  status.machineDeployments = pools;
  const allLive = i.machines.filter((m) => !isDeleting(m));
  const sum = (f: (p: PoolStatus) => number) => pools.reduce((n, p) => n + f(p), 0);
  // Shaped as the CRD's status.machines (its printer columns read controlPlane.ready, workers.ready).
  status.machines = {
    total: allLive.length,
    ready: allLive.filter(isReady).length,
    controlPlane: { desired: cp.replicas, ready: cp.readyReplicas, upToDate: cp.updatedReplicas },
    workers: {
      desired: sum((p) => p.replicas),
      ready: sum((p) => p.readyReplicas),
      upToDate: sum((p) => p.updatedReplicas),
    },
  };
  const mds = i.desired.machineDeployments;
  const wantWorkers = mds.reduce((n, md) => n + md.replicas, 0);
  const readyWorkers = sum((p) => p.readyReplicas);
  const workersReady = i.workers.ready;
  ctx.cond(
    'WorkersReady',
    workersReady ? 'True' : 'False',
    workersReady ? 'Ready' : cp.initialized ? 'RollingOut' : 'WaitingForControlPlane',
    `${readyWorkers}/${wantWorkers} worker machines ready in ${mds.length} MachineDeployment(s)`,
  );

  const progress = upgradeProgress({
    refusal: i.refusal,
    pending: i.workers.upgradePending || cp.version !== i.controlPlaneTarget,
    cpVersion: cp.version,
    cpTarget: i.controlPlaneTarget,
    cpStable: cp.stable,
    workersReady,
    pools,
    notes: i.workers.notes,
    steps: i.controlPlaneSteps,
    previous: status.upgrade,
    k8sVersion: status.k8sVersion,
    was: getCondition(ctx.conditions, 'UpgradeInProgress'),
  });
  if (progress.condition) ctx.setConditions([progress.condition]);
  if (progress.upgrade) status.upgrade = progress.upgrade;
  else delete status.upgrade;

  ctx.setConditions([
    readiness({
      refusal: i.refusal,
      upgrade: getCondition(ctx.conditions, 'UpgradeInProgress'),
      clusterName: i.desired.clusterName,
      target: i.controlPlaneTarget,
      cpReady: cp.readyReplicas,
      cpReplicas: cp.replicas,
      cpStable: cp.stable,
      cpInitialized: cp.initialized,
      cpUnit: i.strategy.unit,
      workersReady,
      readyWorkers,
      wantWorkers,
      readyMachines: status.machines.ready,
      failed: failedMachine(i.machines),
    }),
  ]);
}

/** The first machine its provider failed to create, in the words readiness reports. */
function failedMachine(machines: readonly Machine[]): { machine: string; message: string } | undefined {
  const f = machines.find((m) => m.status?.providerError);
  return f
    ? { machine: f.metadata.name, message: `${f.status?.failureReason}: ${f.status?.failureMessage}` }
    : undefined;
}
