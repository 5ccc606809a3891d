/**
 * The part of a controller manager that the test workload clusters lack (they run only etcd and
 * kube-apiserver): every Deployment is marked available, so that services with Deployments can
 * become Deployed. Tests call it on a timer.
 */
import type { WorkloadClient } from '../../src/services/workload-client.js';
import type { KubeObject } from '../../src/store/types.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

export async function markDeploymentsAvailable(clients: readonly WorkloadClient[]): Promise<void> {
  for (const c of clients) {
    let list: KubeObject[];
    try {
      list = await c.list(DEPLOYMENT);
    } catch {
      continue; // a stopped cluster
    }
    for (const d of list) {
      const replicas = Number((d.spec as { replicas?: number }).replicas ?? 1);
      const st = (d.status ?? {}) as { observedGeneration?: number; availableReplicas?: number };
      if (st.observedGeneration === d.metadata.generation && st.availableReplicas === replicas) continue;
      await c
        .updateStatus({
          ...d,
          status: {
            observedGeneration: d.metadata.generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok' },
              { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ok' },
            ],
          },
        })
        .catch(() => undefined); // changed meanwhile: the next round marks it
    }
  }
}

/** Marks Deployments available every `ms` until the returned function is called. */
export function keepDeploymentsAvailable(clients: readonly WorkloadClient[], ms = 200): () => void {
  let busy = false;
  const t = setInterval(() => {
    if (busy) return;
    busy = true;
    void markDeploymentsAvailable(clients).finally(() => {
      busy = false;
    });
  }, ms);
  return () => clearInterval(t);
}
