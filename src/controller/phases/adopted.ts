/**
 * An adopted cluster (k0rdent's `adopted-cluster` template): the deployment renders a Sveltos
 * `SveltosCluster` naming the Secret that holds an existing cluster's kubeconfig (or, on the
 * embedded runtime, a file: annotation `clustermint.io/kubeconfig-file`). Nothing is
 * provisioned: a pass reads the kubeconfig, asks the cluster its version and reports it. The
 * cluster is Ready while it answers; after `consecutiveFailureThreshold` failed passes in a row
 * (Sveltos's rule) it is not, with the failure's reason (Unreachable, Unauthorized,
 * CertificateMismatch, InvalidKubeconfig...).
 */

import { WorkloadError } from '../../services/workload-client.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import type { ReconcileResult } from '../runtime.js';
import { describeAccess, readKubeconfig, type WorkloadAccess } from '../services/access.js';
import { readInventories, uninstallService } from '../services/deliver.js';
import type { PassContext } from './context.js';
import { finishPass } from './finish.js';

export const SVELTOS_CLUSTER_KIND = 'SveltosCluster';
export const KUBECONFIG_FILE_ANNOTATION = 'clustermint.io/kubeconfig-file';
/** How often an adopted cluster is asked whether it still answers (ms). */
export const ADOPTED_PROBE_MS = 30_000;

export function adoptedClusterOf(objects: readonly PlainObject[]): PlainObject | undefined {
  return objects.find(
    (o) => o.kind === SVELTOS_CLUSTER_KIND && String(o.apiVersion).startsWith('lib.projectsveltos.io/'),
  );
}

function accessOf(ns: string, sc: PlainObject): WorkloadAccess {
  const meta = isPlainObject(sc.metadata) ? sc.metadata : {};
  const annotations = isPlainObject(meta.annotations) ? meta.annotations : {};
  const file = annotations[KUBECONFIG_FILE_ANNOTATION];
  if (typeof file === 'string' && file !== '') return { kind: 'file', path: file };
  const spec = isPlainObject(sc.spec) ? sc.spec : {};
  const name =
    typeof spec.kubeconfigName === 'string' && spec.kubeconfigName
      ? spec.kubeconfigName
      : `${String(meta.name)}-sveltos-kubeconfig`;
  const key =
    typeof spec.kubeconfigKeyName === 'string' && spec.kubeconfigKeyName ? spec.kubeconfigKeyName : undefined;
  return { kind: 'secret', namespace: ns, name, ...(key ? { key } : {}) };
}

export async function reconcileAdopted(ctx: PassContext, sc: PlainObject): Promise<ReconcileResult> {
  const access = accessOf(ctx.ns, sc);
  const spec = isPlainObject(sc.spec) ? sc.spec : {};
  const threshold =
    typeof spec.consecutiveFailureThreshold === 'number' && spec.consecutiveFailureThreshold > 0
      ? spec.consecutiveFailureThreshold
      : 3;
  const previous = ctx.status.adopted;
  const key = `${ctx.ns}/${ctx.cd.metadata.name}`;
  const probeMs = ctx.o.adoptedProbeMs ?? ADOPTED_PROBE_MS;
  try {
    const kubeconfig = await readKubeconfig(ctx.o.store, access, ctx.o.allowKubeconfigFiles ?? false);
    const client = await ctx.o.workloadClients.clientFor(key, kubeconfig, access.kind === 'file');
    const version = await client.version();
    ctx.status.adopted = { access, server: client.server, version: version.gitVersion, failures: 0 };
    ctx.status.k8sVersion = version.gitVersion;
    ctx.cond(
      'Provisioned',
      'True',
      'Adopted',
      `adopted through ${describeAccess(access)}: nothing to provision`,
    );
    ctx.cond(
      'Ready',
      'True',
      'ClusterReachable',
      `adopted cluster ${client.server} answers (Kubernetes ${version.gitVersion})`,
    );
  } catch (e) {
    if (!(e instanceof WorkloadError)) throw e;
    const failures = (previous?.failures ?? 0) + 1;
    ctx.status.adopted = { ...(previous ?? {}), access, failures };
    const wasReady = ctx.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!wasReady || failures >= threshold) {
      ctx.cond('Ready', 'False', e.reason, `${describeAccess(access)}: ${e.message}`);
    }
    await ctx.event(
      'ClusterUnreachable',
      `${describeAccess(access)}: ${e.message} (${failures} failed in a row)`,
      'Warning',
    );
    return finishPass(ctx, { requeueAfterMs: Math.min(probeMs, 10_000) });
  }
  return finishPass(ctx, { requeueAfterMs: probeMs });
}

/**
 * Deleting an adopted cluster's deployment takes its services off the cluster (the cluster itself
 * stays: clustermint never made it). Until they are gone, the deployment waits (Ready False,
 * `RemovingServices`); a cluster that does not answer keeps it waiting, with the reason, until it
 * answers or someone removes the finalizer by hand.
 */
export async function removeAdoptedServices(
  ctx: PassContext,
): Promise<{ done: true } | { done: false; retryAfterMs: number }> {
  const adopted = ctx.status.adopted;
  if (!adopted?.access) return { done: true };
  const key = `${ctx.ns}/${ctx.cd.metadata.name}`;
  try {
    const kubeconfig = await readKubeconfig(ctx.o.store, adopted.access, ctx.o.allowKubeconfigFiles ?? false);
    const client = await ctx.o.workloadClients.clientFor(key, kubeconfig, adopted.access.kind === 'file');
    const { inventories } = await readInventories(client);
    let objects = 0;
    let removed = 0;
    for (const [service, inv] of inventories) {
      if (inv.deliveredFor && inv.deliveredFor !== key) continue; // another deployment's
      objects += await uninstallService(client, service, inv);
      removed++;
    }
    if (removed)
      await ctx.event(
        'ServicesRemoved',
        `${removed} services (${objects} objects) removed from the adopted cluster`,
      );
    ctx.o.workloadClients.drop(key);
    return { done: true };
  } catch (e) {
    if (!(e instanceof WorkloadError)) throw e;
    ctx.cond(
      'Ready',
      'False',
      'RemovingServices',
      `removing the services from ${describeAccess(adopted.access)}: ${e.message}`,
    );
    await ctx.event(
      'ServicesNotRemoved',
      `${describeAccess(adopted.access)}: ${e.message}; the deployment waits until they are removed`,
      'Warning',
      60_000,
    );
    await finishPass(ctx, {});
    return { done: false, retryAfterMs: e.transient ? 10_000 : 30_000 };
  }
}
