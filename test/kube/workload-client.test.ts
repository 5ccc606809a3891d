// WorkloadClient (src/services/workload-client.ts) against real workload clusters
// (test/testenv/workload.ts): apply, get, list, delete, status, namespaces, discovery of a new
// CRD, and every failure reason from a real server (or a real silent socket for timeouts).
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkloadError, WorkloadClient, type WorkloadError } from '../../src/services/workload-client.js';
import {
  closeWorkloadClusters,
  kubeconfigForUser,
  kubeconfigWithBadToken,
  kubeconfigWithWrongCa,
  startWorkloadClusters,
} from '../testenv/workload.js';

const t0 = performance.now();
const clusters = await startWorkloadClusters(2, 'workload client tests');
if (clusters) console.log(`workload clusters: 2 ready in ${Math.round(performance.now() - t0)} ms`);

const NS = 'wc-test';

/** The WorkloadError a promise rejects with (anything else fails the test). */
async function failure(p: Promise<unknown>): Promise<WorkloadError> {
  try {
    await p;
  } catch (e) {
    if (isWorkloadError(e)) {
      expect(e.message).not.toMatch(/\n\s+at /); // no stack trace in the message
      return e;
    }
    throw e;
  }
  throw new Error('expected a WorkloadError, the call succeeded');
}

function deployment(name: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0' }] },
      },
    },
  };
}

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.wc.example.com' },
  spec: {
    group: 'wc.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

describe.skipIf(!clusters)('WorkloadClient against a workload cluster', () => {
  const [one, two] = clusters ?? [];
  let client: WorkloadClient;

  beforeAll(async () => {
    client = await WorkloadClient.fromKubeconfig(one.kubeconfig);
    await client.ensureNamespace(NS);
  });
  afterAll(async () => {
    client?.close();
    await closeWorkloadClusters(clusters);
  });

  it('reads the server version and names the server', async () => {
    expect(client.server).toBe(one.server);
    const v = await client.version();
    expect(v.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(v.major).toBe('1');
    expect(Number.parseInt(v.minor, 10)).toBeGreaterThan(20);
  });

  it('ensureNamespace creates a namespace once and accepts an existing one', async () => {
    await client.ensureNamespace('wc-made');
    await client.ensureNamespace('wc-made');
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'wc-made' });
    expect(ns?.metadata.name).toBe('wc-made');
  });

  it('applies (create, then an update that changes a field) as field manager clustermint', async () => {
    const created = await client.apply(deployment('web', 1));
    expect(created.metadata.uid).toBeTruthy();
    expect((created.spec as { replicas: number }).replicas).toBe(1);
    const updated = await client.apply(deployment('web', 3));
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect((updated.spec as { replicas: number }).replicas).toBe(3);
    expect(updated.metadata.generation).toBe(2);
    const managedFields = (updated.metadata as { managedFields?: { manager: string; operation: string }[] })
      .managedFields;
    const managers = (managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('clustermint/Apply');

    const read = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'web' });
    expect(read?.spec).toMatchObject({ replicas: 3 });
  });

  it('removes a field it applied before and leaves out now; dry run stores nothing', async () => {
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: NS, resourceVersion: '1', uid: 'stale' },
      data,
    });
    await client.apply(cm({ a: '1', b: '2' }));
    const after = await client.apply(cm({ a: '1' }));
    expect(after.data).toEqual({ a: '1' });

    await client.apply({ ...cm({ x: 'y' }), metadata: { name: 'dry', namespace: NS } }, { dryRun: true });
    expect(
      await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'dry' }),
    ).toBeUndefined();
  });

  it('applies a cluster-scoped object without a namespace in the path', async () => {
    const role = await client.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'wc-reader', namespace: NS }, // ignored: cluster-scoped
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    expect(role.metadata.namespace).toBeUndefined();
    const read = await client.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'wc-reader',
    });
    expect(read?.metadata.uid).toBe(role.metadata.uid);
  });

  it('lists by namespace and label selector, with apiVersion and kind on every item', async () => {
    await client.ensureNamespace('wc-other');
    for (const [ns, name, tier] of [
      [NS, 'l1', 'front'],
      [NS, 'l2', 'back'],
      ['wc-other', 'l3', 'front'],
    ])
      await client.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels: { tier, suite: 'list' } },
      });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap' };
    const names = (items: { metadata: { name: string } }[]) => items.map((o) => o.metadata.name).sort();
    expect(names(await client.list(cm, { labelSelector: 'suite=list' }))).toEqual(['l1', 'l2', 'l3']);
    expect(names(await client.list(cm, { namespace: NS, labelSelector: 'suite=list' }))).toEqual([
      'l1',
      'l2',
    ]);
    const front = await client.list(cm, { labelSelector: 'suite=list,tier=front' });
    expect(names(front)).toEqual(['l1', 'l3']);
    expect(front.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap')).toBe(true);
    expect(await client.list(cm, { namespace: 'wc-none', labelSelector: 'suite=list' })).toEqual([]);
  });

  it('deletes: deleted, then absent; get of an absent object is undefined', async () => {
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: NS } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'gone' };
    expect(await client.delete(ref)).toBe('deleted');
    expect(await client.get(ref)).toBeUndefined();
    expect(await client.delete(ref, { propagationPolicy: 'Foreground' })).toBe('absent');
  });

  it('updates status (playing the Deployment controller)', async () => {
    const d = await client.apply(deployment('status-web', 2));
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    };
    const written = await client.updateStatus({ ...d, status });
    expect(written.status).toMatchObject(status);
    const read = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: NS,
      name: 'status-web',
    });
    expect(read?.status).toMatchObject(status);
  });

  it('applies a CRD, then a custom resource of it (the kind is discovered once served)', async () => {
    const widget = {
      apiVersion: 'wc.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: NS },
      spec: { size: 3 },
    };
    const before = await failure(client.apply(widget));
    expect(before.reason).toBe('NotFound');
    const failedAt = Date.now();

    await client.apply(WIDGET_CRD);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: WIDGET_CRD.metadata.name,
    };
    for (let i = 0; ; i++) {
      const conditions = (
        (await client.get(crd))?.status as { conditions?: { type: string; status: string }[] }
      )?.conditions;
      if (conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 100) throw new Error('the CRD was not Established within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The mapper asks the server again for a kind it lacks at most once a second.
    await new Promise((r) => setTimeout(r, Math.max(0, 1100 - (Date.now() - failedAt))));
    const applied = await client.apply(widget);
    expect(applied.spec).toEqual({ size: 3 });
    const listed = await client.list({ apiVersion: 'wc.example.com/v1', kind: 'Widget' }, { namespace: NS });
    expect(listed.map((w) => w.metadata.name)).toEqual(['w1']);
  });

  describe('failures', () => {
    it('a namespaced object without a namespace: Invalid, before any request', async () => {
      const e = await failure(client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
      expect(e.reason).toBe('Invalid');
      expect(e.message).toContain('metadata.namespace is required');
      expect(e.message).toContain(one.server);
    });

    it('an object the server rejects: Invalid with the field', async () => {
      const e = await failure(client.apply(deployment('bad', -1)));
      expect(e.reason).toBe('Invalid');
      expect(e.transient).toBe(false);
      expect(e.code).toBe(422);
      expect(e.causes.map((c) => c.field)).toContain('spec.replicas');
      expect(e.message).toContain('spec.replicas');
      expect(e.message).toContain(one.server);
    });

    it('a kind the server does not serve: NotFound naming the kind', async () => {
      for (const obj of [
        { apiVersion: 'nothing.example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: NS } },
        { apiVersion: 'apps/v1', kind: 'Gizmo', metadata: { name: 'g', namespace: NS } },
      ]) {
        const e = await failure(client.apply(obj));
        expect(e.reason).toBe('NotFound');
        expect(e.message).toContain(`kind ${obj.kind} in ${obj.apiVersion}`);
      }
      const e = await failure(
        client.get({ apiVersion: 'nothing.example.com/v1', kind: 'Gadget', name: 'g' }),
      );
      expect(e.reason).toBe('NotFound');
    });

    it('a field another manager owns, without force: Conflict', async () => {
      const cm = (value: string) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'owned', namespace: NS },
        data: { key: value },
      });
      await client.apply(cm('theirs'), { fieldManager: 'someone-else' });
      const e = await failure(client.apply(cm('ours'), { force: false }));
      expect(e.reason).toBe('Conflict');
      expect(e.code).toBe(409);
      const forced = await client.apply(cm('ours'));
      expect(forced.data).toEqual({ key: 'ours' });
    });

    it("a kubeconfig whose CA is not the server's: CertificateMismatch", async () => {
      const wrong = await WorkloadClient.fromKubeconfig(kubeconfigWithWrongCa(one));
      try {
        const e = await failure(wrong.version());
        expect(e.reason).toBe('CertificateMismatch');
        expect(e.transient).toBe(false);
        expect(e.message).toContain(
          "the kubeconfig's certificate authority does not match the server's certificate",
        );
        expect(e.message).toContain(one.server);
      } finally {
        wrong.close();
      }
    });

    it('a token the server does not know: Unauthorized', async () => {
      const stranger = await WorkloadClient.fromKubeconfig(kubeconfigWithBadToken(one));
      try {
        const e = await failure(stranger.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: NS }));
        expect(e.reason).toBe('Unauthorized');
        expect(e.code).toBe(401);
        expect(e.message).toContain(one.server);
      } finally {
        stranger.close();
      }
    });

    it('a user RBAC allows nothing: Forbidden', async () => {
      const nobody = await WorkloadClient.fromKubeconfig(kubeconfigForUser(one, 'nobody'));
      try {
        const e = await failure(
          nobody.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', namespace: NS } }),
        );
        expect(e.reason).toBe('Forbidden');
        expect(e.code).toBe(403);
        expect(e.message).toContain('"nobody"');
      } finally {
        nobody.close();
      }
    });

    it('a server that accepts connections and never answers: Timeout, transient, within the bound', async () => {
      const silent: Server = createServer(() => {});
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as { port: number }).port;
      const text = one.kubeconfig.replace(one.server, `https://127.0.0.1:${port}`);
      const slow = await WorkloadClient.fromKubeconfig(text, { requestTimeoutMs: 300 });
      try {
        const start = Date.now();
        const e = await failure(slow.version());
        expect(e.reason).toBe('Timeout');
        expect(e.transient).toBe(true);
        expect(e.message).toContain(`https://127.0.0.1:${port}`);
        expect(Date.now() - start).toBeLessThan(2_000);
      } finally {
        slow.close();
        silent.close();
      }
    });
  });

  it('a stopped cluster is Unreachable (transient); started again it has kept its data', async () => {
    const c2 = await WorkloadClient.fromKubeconfig(two.kubeconfig);
    try {
      await c2.ensureNamespace('kept');
      await c2.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept', namespace: 'kept' },
        data: { a: 'b' },
      });
      let t = performance.now();
      await two.stop();
      const stopMs = performance.now() - t;
      const e = await failure(c2.version());
      expect(e.reason).toBe('Unreachable');
      expect(e.transient).toBe(true);
      expect(e.message).toContain(two.server);
      t = performance.now();
      await two.start();
      console.log(
        `workload cluster: stop ${Math.round(stopMs)} ms, start ${Math.round(performance.now() - t)} ms`,
      );
      const kept = await c2.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kept', name: 'kept' });
      expect(kept?.data).toEqual({ a: 'b' });
    } finally {
      c2.close();
    }
  }, 60_000);
});
