/** `clustermint kubeconfig` against the management cluster (loaded only when it runs). */
import { ManagementCluster } from '../providers/capi/management-cluster.js';
import { isProviderError } from '../providers/errors.js';
import { isNotFound } from '../store/errors.js';
import { type KubeStore, openKubeStore } from '../store/kube/index.js';
import { ClustermintError } from '../util/errors.js';
import type { IO } from './io.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;

/** The Cluster a deployment made: status.capi.cluster, else the Cluster it last applied. */
function clusterNameOf(cd: { status?: unknown }): string | undefined {
  const status = (cd.status ?? {}) as {
    capi?: { cluster?: string };
    applied?: { objects?: { apiVersion?: string; kind?: string; metadata?: { name?: string } }[] };
  };
  if (status.capi?.cluster) return status.capi.cluster;
  return status.applied?.objects?.find(
    (o) => o.kind === 'Cluster' && o.apiVersion?.startsWith('cluster.x-k8s.io/'),
  )?.metadata?.name;
}

export async function runKubeconfig(
  name: string,
  o: { namespace: string; kubeconfig?: string; context?: string },
  io: IO,
): Promise<number> {
  let store: KubeStore;
  try {
    store = await openKubeStore({
      ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
      ...(o.context !== undefined ? { context: o.context } : {}),
    });
  } catch (e) {
    throw new ClustermintError(
      'UNREADABLE',
      `cannot load the kubeconfig: ${(e as Error).message}`,
      o.kubeconfig ? { file: o.kubeconfig } : undefined,
    );
  }
  try {
    let cd: { status?: unknown };
    try {
      cd = await store.get({ ...CD, namespace: o.namespace, name });
    } catch (e) {
      if (isNotFound(e)) {
        io.err(`error: ClusterDeployment "${name}" not found in namespace ${o.namespace}\n`);
        return 1;
      }
      throw new ClustermintError(
        'UNREADABLE',
        `cannot reach the management cluster: ${(e as Error).message}`,
      );
    }
    const cluster = clusterNameOf(cd);
    if (!cluster) {
      io.err(
        `error: ClusterDeployment "${name}" has no Cluster API Cluster (not applied yet, or not a cluster Cluster API runs)\n`,
      );
      return 1;
    }
    try {
      io.out(await new ManagementCluster(store).kubeconfig(o.namespace, cluster));
    } catch (e) {
      if (!isProviderError(e)) throw e;
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}
