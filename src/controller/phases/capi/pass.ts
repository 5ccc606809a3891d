/**
 * One pass over a deployment whose cluster Cluster API makes (the capi provider): read what
 * Cluster API reports, decide this pass's versions (planners/capi-rollout.ts), server-side apply
 * the rendered objects with them when anything changed (all after a dry run of all), and map
 * Cluster API's status onto the deployment (planners/capi-status.ts). No machine is made here.
 */
import { kubernetesVersion } from '../../../domain/kubernetes-version.js';
import { ANNOTATION_DEFER_UPGRADE, ANNOTATION_HOLD_UPGRADE_SEQUENCE } from '../../../domain/labels.js';
import type { ManagementCluster } from '../../../providers/capi/management-cluster.js';
import type { CapiObservation } from '../../../providers/capi/observation.js';
import { isTerminalProviderError, isTransientProviderError } from '../../../providers/errors.js';
import { annotationsOf, at, isRecord, numberAt, stringAt } from '../../../providers/objects.js';
import { getCondition } from '../../conditions.js';
import { type CapiPoolTarget, type CapiRollout, planCapiRollout } from '../../planners/capi-rollout.js';
import { type CapiPoolDesired, capiStatus } from '../../planners/capi-status.js';
import { readiness, upgradeProgress } from '../../planners/progress.js';
import { upgradeConcurrency } from '../../planners/rolled-version.js';
import type { ReconcileResult } from '../../runtime.js';
import type { CapiMachineStatus, Refusal } from '../../status.js';
import type { PassContext } from '../context.js';
import { finishPass } from '../finish.js';
import { applyDigest, type CapiSet, objectsToApply } from './objects.js';

/** How often a changing cluster is looked at (Cluster API's status moves in seconds). */
const CAPI_POLL_MS = 2_000;

/** The version the set asks for: the topology's or the control plane's. */
export function setVersion(set: CapiSet): string | undefined {
  const v = set.topology
    ? stringAt(set.cluster, 'spec', 'topology', 'version')
    : set.controlPlane && stringAt(set.controlPlane, 'spec', 'version');
  return v ? kubernetesVersion(v) : undefined;
}

function controlPlaneReplicas(set: CapiSet): number {
  if (!set.topology) return numberAt(set.controlPlane, 'spec', 'replicas') ?? 1;
  return numberAt(set.cluster, 'spec', 'topology', 'controlPlane', 'replicas') ?? 1;
}

/** The rendered pools: MachineDeployments, or a topology's `workers.machineDeployments`. */
function poolsOf(set: CapiSet, target: string): (CapiPoolTarget & CapiPoolDesired)[] {
  if (set.topology) {
    const mds = at(set.cluster, 'spec', 'topology', 'workers', 'machineDeployments');
    return (Array.isArray(mds) ? mds : []).filter(isRecord).map((md) => {
      const a = at(md, 'metadata', 'annotations');
      return {
        name: stringAt(md, 'name') ?? '',
        replicas: numberAt(md, 'replicas') ?? 1,
        target,
        deferred: isRecord(a) && ANNOTATION_DEFER_UPGRADE in a,
        holdsSequence: isRecord(a) && ANNOTATION_HOLD_UPGRADE_SEQUENCE in a,
      };
    });
  }
  return set.machineDeployments.map((md) => ({
    name: md.metadata.name,
    replicas: numberAt(md, 'spec', 'replicas') ?? 1,
    target: kubernetesVersion(stringAt(md, 'spec', 'template', 'spec', 'version') ?? target),
    deferred: ANNOTATION_DEFER_UPGRADE in annotationsOf(md),
    holdsSequence: ANNOTATION_HOLD_UPGRADE_SEQUENCE in annotationsOf(md),
  }));
}

/** Something the set makes is missing in the management cluster (never applied, or deleted since). */
function missingObjects(set: CapiSet, o: CapiObservation): string | undefined {
  if (!o.cluster) return `Cluster ${set.clusterName}`;
  if (set.topology) return undefined;
  if (set.controlPlane && !o.controlPlane)
    return `${set.controlPlane.kind} ${set.controlPlane.metadata.name}`;
  const have = new Set(o.machineDeployments.map((md) => md.name));
  const md = set.machineDeployments.find((m) => !have.has(m.metadata.name));
  return md ? `MachineDeployment ${md.metadata.name}` : undefined;
}

/** Events for machines Cluster API created, started, failed or removed since the last pass. */
async function machineEvents(
  ctx: PassContext,
  before: readonly CapiMachineStatus[],
  after: readonly CapiMachineStatus[],
) {
  const old = new Map(before.map((m) => [m.name, m]));
  for (const m of after) {
    const was = old.get(m.name);
    old.delete(m.name);
    if (was?.phase === m.phase) continue;
    if (m.phase === 'Failed')
      await ctx.event(
        'MachineFailed',
        `Cluster API machine ${m.name} failed: ${m.message ?? 'phase Failed'}`,
        'Warning',
      );
    else if (m.phase === 'Running')
      await ctx.event(
        'MachineRunning',
        `Cluster API machine ${m.name} (${m.role}) is running${m.node ? ` as node ${m.node}` : ''}`,
      );
    else if (!was)
      await ctx.event(
        'MachineCreated',
        `Cluster API created machine ${m.name} (${m.role}${m.pool ? `, ${m.pool}` : ''})`,
      );
  }
  for (const m of old.values()) await ctx.event('MachineDeleted', `Cluster API removed machine ${m.name}`);
}

async function stepEvents(ctx: PassContext, r: CapiRollout): Promise<void> {
  if (r.started)
    await ctx.event(
      'ControlPlaneUpgrade',
      `upgrading the control plane from ${r.started.from} to ${r.started.to}`,
    );
  for (const p of r.workers.pools)
    if (!p.waitsForControlPlane && p.upgradeFrom)
      await ctx.event(
        'MachineDeploymentUpgrade',
        `upgrading MachineDeployment ${p.name} from ${p.upgradeFrom} to ${p.version}`,
      );
}

export async function reconcileCapi(
  ctx: PassContext,
  capi: ManagementCluster,
  set: CapiSet,
  refusal: Refusal | undefined,
): Promise<ReconcileResult> {
  const poll = Math.max(ctx.pollMs, CAPI_POLL_MS);
  const target = setVersion(set);
  if (!target) {
    ctx.cond(
      'Ready',
      'False',
      'NoVersion',
      `the rendered ${set.topology ? 'Cluster topology' : 'control plane'} has no version`,
    );
    return finishPass(ctx, {});
  }
  const previous = ctx.status.capi;
  let observed: CapiObservation;
  try {
    observed = await capi.observe(ctx.ns, set.clusterName, set.controlPlane?.apiVersion);
  } catch (e) {
    return providerFailure(ctx, e, poll);
  }
  if (observed.cluster?.deleting) {
    // Deleted outside clustermint (the deployment is not): let Cluster API finish, then apply again.
    ctx.cond(
      'Ready',
      'False',
      'ClusterDeleting',
      `Cluster ${set.clusterName} is being deleted outside clustermint; it is applied again once Cluster API has removed it`,
    );
    await ctx.event(
      'ClusterDeleting',
      `Cluster ${set.clusterName} is being deleted outside clustermint`,
      'Warning',
      60_000,
    );
    return finishPass(ctx, { requeueAfterMs: poll });
  }
  if (previous?.appliedDigest && !observed.cluster)
    await ctx.event(
      'ClusterMissing',
      `Cluster ${set.clusterName} is gone from the management cluster though clustermint applied it; applying it again`,
      'Warning',
    );

  const pools = poolsOf(set, target);
  const rollout = planCapiRollout({
    topology: set.topology,
    controlPlaneTarget: target,
    pools: set.topology ? [] : pools,
    observed,
    knownVersions: ctx.knownVersions(),
    concurrency: upgradeConcurrency(ctx.cd.metadata.annotations ?? {}, annotationsOf(set.cluster)),
  });
  const toApply = objectsToApply(
    set,
    { controlPlane: rollout.controlPlaneVersion, pools: rollout.poolVersions },
    ctx.cd,
  );
  const digest = applyDigest(toApply);
  const missing = missingObjects(set, observed);
  let appliedDigest = previous?.appliedDigest;
  if (digest !== appliedDigest || missing) {
    try {
      const report = await capi.applySet(toApply);
      appliedDigest = digest;
      ctx.cond(
        'Applied',
        'True',
        'Applied',
        `${report.applied.length} objects applied to the management cluster`,
      );
      await stepEvents(ctx, rollout);
    } catch (e) {
      ctx.status.capi = {
        cluster: set.clusterName,
        ...(appliedDigest ? { appliedDigest } : {}),
        machines: previous?.machines ?? [],
      };
      return providerFailure(ctx, e, poll);
    }
  }

  const st = capiStatus({
    clusterName: set.clusterName,
    controlPlaneTarget: target,
    controlPlaneReplicas: controlPlaneReplicas(set),
    pools,
    observed,
    rollout,
  });
  await machineEvents(ctx, previous?.machines ?? [], st.machineList);
  if (ctx.o.onCapiMachines) {
    const phases = new Map<string, number>();
    for (const m of observed.machines) {
      const phase = m.deleting ? 'Deleting' : m.phase;
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
    }
    ctx.o.onCapiMachines(ctx.ns, ctx.cd.metadata.name, phases);
  }
  const { status } = ctx;
  ctx.setConditions(st.conditions);
  status.controlPlane = { ...st.controlPlane, mode: 'capi' };
  status.machineDeployments = st.machineDeployments;
  status.machines = st.machines;
  status.capi = {
    cluster: set.clusterName,
    ...(appliedDigest ? { appliedDigest } : {}),
    machines: st.machineList,
  };
  if (st.endpoint) status.endpoint = st.endpoint;
  if (st.k8sVersion) status.k8sVersion = st.k8sVersion;

  const cpStable = rollout.controlPlaneStable;
  const progress = upgradeProgress({
    refusal,
    // A topology's workers lag behind in st.machineDeployments until Cluster API has moved them.
    pending: rollout.workers.pending,
    cpVersion: rollout.controlPlaneReported ?? rollout.controlPlaneVersion,
    cpTarget: target,
    cpStable,
    workersReady: st.workersReady,
    pools: st.machineDeployments,
    notes: rollout.workers.notes,
    steps: rollout.steps,
    previous: status.upgrade,
    k8sVersion: status.k8sVersion,
    was: getCondition(ctx.conditions, 'UpgradeInProgress'),
  });
  if (progress.condition) ctx.setConditions([progress.condition]);
  if (progress.upgrade) status.upgrade = progress.upgrade;
  else delete status.upgrade;
  const wantWorkers = st.machines.workers.desired;
  ctx.setConditions([
    readiness({
      refusal,
      upgrade: getCondition(ctx.conditions, 'UpgradeInProgress'),
      clusterName: set.clusterName,
      target,
      cpReady: st.controlPlane.readyReplicas,
      cpReplicas: st.controlPlane.replicas,
      cpStable: cpStable && getCondition(ctx.conditions, 'ControlPlaneReady')?.status === 'True',
      cpInitialized: st.controlPlane.initialized,
      cpUnit: 'machines',
      workersReady: st.workersReady,
      readyWorkers: st.machines.workers.ready,
      wantWorkers,
      readyMachines: st.machines.ready,
      failed: st.failure,
    }),
  ]);
  const ready = getCondition(ctx.conditions, 'Ready')?.status === 'True';
  return finishPass(ctx, { requeueAfterMs: ready ? (ctx.o.resyncMs ?? 10_000) : poll });
}

/** A failed call to the management cluster: a condition, a Warning event, a retry. */
async function providerFailure(ctx: PassContext, e: unknown, poll: number): Promise<ReconcileResult> {
  if (isTransientProviderError(e)) {
    ctx.cond('Ready', 'False', e.reason, e.message);
    await ctx.event(e.reason, e.message, 'Warning', 60_000);
    return finishPass(ctx, { requeueAfterMs: Math.max(poll, e.retryAfterMs) });
  }
  if (isTerminalProviderError(e)) {
    ctx.cond('Applied', 'False', e.reason, e.message);
    ctx.cond('Ready', 'False', e.reason, e.message);
    await ctx.event(e.reason, e.message, 'Warning', 60_000);
    // Cluster API's verdict may change (its CRDs installed, a webhook fixed): look again, slowly.
    return finishPass(ctx, { requeueAfterMs: 30_000 });
  }
  throw e;
}
