// The Cluster API test environment itself: its CRDs are served, its webhooks admit and default.
import { describe, expect, it } from 'vitest';
import { openKubeStore } from '../../src/store/kube/index.js';
import { capiTestenv } from '../testenv/index.js';

const env = await capiTestenv('Cluster API smoke tests');

describe.skipIf(!env)('Cluster API test environment', () => {
  it('serves Cluster API kinds and defaults through its webhooks', async () => {
    const store = await openKubeStore({ kubeconfig: env!.kubeconfig });
    try {
      await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capi-smoke' } });
      const md = await store.create({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'MachineDeployment',
        metadata: { name: 'md', namespace: 'capi-smoke' },
        spec: {
          clusterName: 'c1',
          template: {
            spec: {
              clusterName: 'c1',
              version: 'v1.33.0',
              bootstrap: {
                configRef: {
                  apiGroup: 'bootstrap.cluster.x-k8s.io',
                  kind: 'KubeadmConfigTemplate',
                  name: 'x',
                },
              },
              infrastructureRef: {
                apiGroup: 'infrastructure.cluster.x-k8s.io',
                kind: 'DevMachineTemplate',
                name: 'x',
              },
            },
          },
        },
      });
      // The defaulting webhook of the core manager sets the cluster-name label.
      expect(md.metadata.labels?.['cluster.x-k8s.io/cluster-name']).toBe('c1');
    } finally {
      await store.close();
    }
  });
});
