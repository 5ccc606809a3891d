/**
 * Deleting a deployment whose cluster Cluster API runs: delete the Cluster and wait until
 * Cluster API has removed everything it made (its finalizers), then delete the other objects
 * clustermint applied (templates, health checks; a ClusterClass is left alone: other Clusters
 * may use it), then the deployment's finalizer goes.
 */
import type { RenderedObject } from '../../../k8s/object.js';
import type { ManagementCluster } from '../../../providers/capi/management-cluster.js';
import { CLUSTER_TYPE } from '../../../providers/capi/management-cluster.js';
import { isTransientProviderError } from '../../../providers/errors.js';
import type { PassContext } from '../context.js';
import { finishPass } from '../finish.js';
import type { CapiSet } from './objects.js';

export type CapiDeletion = { done: true } | { done: false; retryAfterMs: number };

const ref = (o: RenderedObject, namespace: string) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace ?? namespace,
  name: o.metadata.name,
});

/** One step of taking the cluster down; done once nothing clustermint applied is left. */
export async function deleteCapiCluster(
  ctx: PassContext,
  capi: ManagementCluster,
  set: CapiSet,
): Promise<CapiDeletion> {
  const poll = Math.max(ctx.pollMs, 2_000);
  try {
    const cluster = { ...CLUSTER_TYPE, namespace: ctx.ns, name: set.clusterName };
    if (await capi.exists(cluster)) {
      const observed = await capi.observe(ctx.ns, set.clusterName, set.controlPlane?.apiVersion);
      if (!observed.cluster?.deleting) {
        await capi.delete(cluster);
        await ctx.event(
          'DeletingCluster',
          `deleting Cluster ${set.clusterName}: Cluster API removes its machines first`,
        );
      }
      const machines = observed.machines.length;
      ctx.cond(
        'Deleting',
        'True',
        'DeletingCluster',
        `waiting for Cluster API to delete Cluster ${set.clusterName}` +
          (machines ? ` (${machines} machine(s) left)` : ''),
      );
      await finishPass(ctx, {});
      return { done: false, retryAfterMs: poll };
    }
    const rest = set.objects.filter((o) => o !== set.cluster && o.kind !== 'ClusterClass');
    const left: string[] = [];
    for (const o of rest) {
      const r = ref(o, ctx.ns);
      if (!(await capi.exists(r))) continue;
      await capi.delete(r);
      left.push(`${o.kind} ${o.metadata.name}`);
    }
    if (left.length) {
      ctx.cond('Deleting', 'True', 'DeletingObjects', `deleting ${left.join(', ')}`);
      await finishPass(ctx, {});
      return { done: false, retryAfterMs: poll };
    }
    ctx.o.onCapiMachines?.(ctx.ns, ctx.cd.metadata.name, new Map());
    return { done: true };
  } catch (e) {
    if (!isTransientProviderError(e)) throw e;
    ctx.cond('Deleting', 'True', e.reason, e.message);
    await ctx.event(e.reason, e.message, 'Warning', 60_000);
    await finishPass(ctx, {});
    return { done: false, retryAfterMs: Math.max(poll, e.retryAfterMs) };
  }
}
