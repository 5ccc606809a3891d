import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { openKubeStore } from '../../src/store/kube/index.js';
import { capiTestenv } from '../testenv/index.js';

const env = await capiTestenv('explore');

describe.skipIf(!env)('explore', () => {
  it('provisions the in-memory topology cluster', async () => {
    const store = await openKubeStore({ kubeconfig: env!.kubeconfig });
    const ns = 'explore';
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const text = readFileSync('../shared/conformance/capi/clusterclass-in-memory.yaml', 'utf8');
    for (const d of parseAllDocuments(text)) {
      const o = d.toJS();
      o.metadata.namespace = ns;
      await store.apply(o);
    }
    await store.apply({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'c1', namespace: ns },
      spec: {
        clusterNetwork: {
          services: { cidrBlocks: ['10.128.0.0/12'] },
          pods: { cidrBlocks: ['192.168.0.0/16'] },
          serviceDomain: 'cluster.local',
        },
        topology: {
          classRef: { name: 'in-memory' },
          version: 'v1.33.0',
          controlPlane: { replicas: 1 },
          workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 2 }] },
        },
      },
    } as never);
    const t0 = Date.now();
    for (;;) {
      const c = await store.get({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        namespace: ns,
        name: 'c1',
      });
      const conds = ((c.status as any)?.conditions ?? []) as any[];
      const ms = await store.list(
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine' },
        { namespace: ns },
      );
      console.log(
        Math.round((Date.now() - t0) / 1000),
        conds
          .filter(
            (x) =>
              x.type === 'Available' || x.type === 'ControlPlaneAvailable' || x.type === 'WorkersAvailable',
          )
          .map((x) => `${x.type}=${x.status}:${x.reason}`)
          .join(' '),
        ms.items.map((m) => `${m.metadata.name}:${(m.status as any)?.phase}`).join(' '),
      );
      if (conds.find((x) => x.type === 'Available')?.status === 'True') break;
      if (Date.now() - t0 > 240_000) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
    const c = await store.get({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      namespace: ns,
      name: 'c1',
    });
    console.log(JSON.stringify(c.status, null, 1));
    expect(1).toBe(1);
  });
});
