/**
 * Deletion: workers, then the control plane (machines, or the hosted one), then the
 * infrastructure, then the finalizer. Each machine is deleted at its provider before its
 * finalizer goes.
 */
import { MACHINE_TYPE, type Machine } from '../../api/machine.js';
import { kubernetesVersion } from '../../domain/kubernetes-version.js';
import { CLUSTER_DEPLOYMENT_FINALIZER } from '../../domain/labels.js';
import type {
  ControlPlaneBinding,
  InfrastructureProvider,
  RenderedObject as ProviderObject,
} from '../../providers/contract.js';
import { isTerminalProviderError, isTransientProviderError } from '../../providers/errors.js';
import { isNotFound } from '../../store/errors.js';
import { type DesiredCluster, desiredCluster } from '../desired.js';
import { markHistoryDeleted } from '../history.js';
import { deleteMachine, listMachines, type MachineContext, syncMachine } from '../machines.js';
import { isDeleting } from '../pool.js';
import type { ReconcileResult } from '../runtime.js';
import { removeAdoptedServices } from './adopted.js';
import { capiFor, deleteCapiCluster } from './capi/index.js';
import type { PassContext } from './context.js';
import { type ControlPlaneStrategy, controlPlaneStrategy } from './control-plane/index.js';
import { finishPass } from './finish.js';

export async function deleteDeployment(ctx: PassContext): Promise<ReconcileResult> {
  const poll = ctx.pollMs;
  ctx.status.phase = 'Deleting';
  if (!(ctx.cd.metadata.finalizers ?? []).includes(CLUSTER_DEPLOYMENT_FINALIZER)) return {};
  const applied = ctx.status.applied;
  if (ctx.status.adopted) {
    const removed = await removeAdoptedServices(ctx);
    if (!removed.done) return { requeueAfterMs: removed.retryAfterMs };
    return removeFinalizer(
      ctx,
      `deployment ${ctx.cd.metadata.name} deleted: the adopted cluster is left as it was, without clustermint's services`,
    );
  }
  const capi = applied ? capiFor(ctx, applied.objects) : undefined;
  if (capi) {
    ctx.cond('Ready', 'False', 'Deleting', 'the deployment is being deleted');
    const step = await deleteCapiCluster(ctx, capi.capi, capi.set);
    if (!step.done) return { requeueAfterMs: step.retryAfterMs };
    return removeFinalizer(
      ctx,
      `deployment ${ctx.cd.metadata.name} deleted: Cluster API removed Cluster ${capi.set.clusterName} and its machines`,
    );
  }
  let d: DesiredCluster | undefined;
  try {
    d = applied ? desiredCluster(applied.objects) : undefined;
  } catch {
    d = undefined;
  }
  const machines = await listMachines(ctx.o.store, ctx.ns, ctx.cd.metadata.name);
  let infra: InfrastructureProvider | undefined;
  if (d) {
    try {
      infra = ctx.o.registry.infrastructureFor(d.infrastructure as ProviderObject);
    } catch (e) {
      if (!isTerminalProviderError(e)) throw e;
    }
  }
  ctx.cond('Ready', 'False', 'Deleting', 'the deployment is being deleted');
  if (d && infra) {
    try {
      if (await deleteCluster(ctx, d, infra, machines)) {
        await finishPass(ctx, {});
        return { requeueAfterMs: poll };
      }
    } catch (e) {
      if (isTransientProviderError(e)) {
        await finishPass(ctx, {});
        return { requeueAfterMs: Math.max(poll, e.retryAfterMs) };
      }
      throw e;
    }
  } else if (machines.length) await dropMachineRecords(ctx, machines);
  return removeFinalizer(
    ctx,
    `deployment ${ctx.cd.metadata.name} deleted: workers, control plane and infrastructure are gone`,
  );
}

async function removeFinalizer(ctx: PassContext, message: string): Promise<ReconcileResult> {
  await ctx.event('Deleted', message);
  const finalizers = (ctx.cd.metadata.finalizers ?? []).filter((f) => f !== CLUSTER_DEPLOYMENT_FINALIZER);
  try {
    await ctx.o.store.update({ ...ctx.cd, metadata: { ...ctx.cd.metadata, finalizers } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  // the deletion is complete: the deployment's history is kept for the retention period
  await markHistoryDeleted(
    ctx.o.store,
    { namespace: ctx.ns, name: ctx.cd.metadata.name, uid: ctx.cd.metadata.uid },
    ctx.now,
    ctx.o.historyRetentionMs,
  );
  return {};
}

/** One step of taking the cluster down (Deleting says which); false once all of it is gone. */
async function deleteCluster(
  ctx: PassContext,
  d: DesiredCluster,
  infra: InfrastructureProvider,
  stored: readonly Machine[],
): Promise<boolean> {
  const clusterId = `${ctx.ns}/${d.clusterName}`;
  const mctx: MachineContext = {
    store: ctx.o.store,
    clock: ctx.o.clock,
    events: ctx.o.events,
    infra,
    deployment: ctx.cd,
    clusterId,
    clusterName: d.clusterName,
    joinToken: '',
  };
  const machines: Machine[] = [];
  for (const m of stored)
    if (!isDeleting(m) || (await syncMachine(mctx, m, () => undefined))) machines.push(m);
  const why = 'the deployment is being deleted';
  const workers = machines.filter((m) => m.spec.role === 'worker');
  if (workers.length) {
    ctx.cond('Deleting', 'True', 'DeletingWorkers', `deleting ${workers.length} worker machine(s)`);
    for (const m of workers) await deleteMachine(mctx, m, why);
    return true;
  }
  const cps = machines.filter((m) => m.spec.role === 'control-plane');
  if (cps.length) {
    ctx.cond('Deleting', 'True', 'DeletingControlPlane', `deleting ${cps.length} control-plane machine(s)`);
    for (const m of cps) await deleteMachine(mctx, m, why);
    return true;
  }
  const strategy = controlPlaneOf(ctx, d, clusterId);
  const waitingFor = await strategy?.teardown();
  if (waitingFor) {
    ctx.cond('Deleting', 'True', 'DeletingControlPlane', waitingFor);
    return true;
  }
  const st = await infra.deleteCluster(clusterId);
  if (st.phase === 'Deleted') return false;
  ctx.cond(
    'Deleting',
    'True',
    'DeletingInfrastructure',
    st.message ?? `deleting ${d.infrastructure.kind} ${d.clusterName}`,
  );
  return true;
}

/** The control plane's strategy; none when no provider serves its kind (nothing to delete there). */
function controlPlaneOf(
  ctx: PassContext,
  d: DesiredCluster,
  clusterId: string,
): ControlPlaneStrategy | undefined {
  let binding: ControlPlaneBinding;
  try {
    binding = ctx.o.registry.controlPlaneFor(d.controlPlane as ProviderObject);
  } catch {
    return undefined;
  }
  return controlPlaneStrategy(
    { ctx, desired: d, clusterId, target: kubernetesVersion(binding.spec.version) },
    binding,
  );
}

/** No provider for these machines: nothing to delete at a provider; the records go. */
async function dropMachineRecords(ctx: PassContext, machines: readonly Machine[]): Promise<void> {
  for (const m of machines) {
    const finalizers = (m.metadata.finalizers ?? []).filter((f) => f !== 'clustermint.io/machine');
    await ctx.o.store.update({ ...m, metadata: { ...m.metadata, finalizers } });
    if (!isDeleting(m))
      await ctx.o.store.delete({ ...MACHINE_TYPE, namespace: ctx.ns, name: m.metadata.name });
  }
}
