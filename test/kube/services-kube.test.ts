// Services onto workload clusters in Kubernetes mode: the management store is the test
// environment's real kube-apiserver (the CRDs of deploy/crds/, not the optional Cluster API
// ones), the controller is startKubeController. Two workload clusters (test/testenv/workload.ts)
// are adopted through kubeconfig Secrets; a MultiClusterService installs a manifest set and a
// chart that depends on it on both. Everything is read back through the apiserver: the services'
// states on the ClusterDeployments and the MultiClusterService (status subresources, CRD schemas
// that must keep what the controller writes), core/v1 Events, /metrics. Drift is put back with
// ContinuousWithDriftDetection and only reported with Continuous; a label change takes the
// services away from one cluster. ClusterResourceSets are not served here: the controller does
// without them, silently.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeController, startKubeController } from '../../src/controller/kube-mode.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import type { ServiceState } from '../../src/services/types.js';
import { WorkloadClient } from '../../src/services/workload-client.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import { modify } from '../../src/store/modify.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { createLogger } from '../../src/util/log.js';
import { eventually } from '../helpers/process.js';
import { keepDeploymentsAvailable } from '../helpers/workload-deployments.js';
import { kubeTestenv } from '../testenv/index.js';
import { closeWorkloadClusters, startWorkloadClusters, type WorkloadCluster } from '../testenv/workload.js';

const env = await kubeTestenv('services in Kubernetes mode');
const clusters = env ? await startWorkloadClusters(2, 'services in Kubernetes mode') : undefined;

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const MCS = { apiVersion: 'clustermint.io/v1alpha1', kind: 'MultiClusterService' } as const;
const ST = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplate' } as const;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

type Condition = { type: string; status: string; reason?: string; message?: string };

/** A chart `app`: a Deployment and a ConfigMap. */
function writeAppChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\ngreeting: hello\n');
  writeFileSync(
    join(dir, 'templates', 'all.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: {{ .Release.Name }} }
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: {{ .Release.Name }} } }
  template:
    metadata: { labels: { app: {{ .Release.Name }} } }
    spec: { containers: [{ name: app, image: nginx:1.27 }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: {{ .Release.Name }}-greeting }
data: { greeting: {{ .Values.greeting | quote }} }
`,
  );
}

/** JSON log lines, kept for assertions. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, stream };
}

describe.skipIf(!env || !clusters)('services in Kubernetes mode (a real management apiserver)', () => {
  const run = Date.now().toString(36);
  const ns = `svck-${run}`;
  const mcsName = `svck-${run}`;
  const selector = { 'svck-run': run };
  let root: string;
  let store: KubeStore;
  let cloud: SimulatedCloud;
  let ctl: KubeController;
  let stopMarking: () => void = () => {};
  const log = logSink();
  const clients: WorkloadClient[] = [];
  const cl = () => clusters as WorkloadCluster[];

  const getCd = (name: string) => store.get({ ...CD, namespace: ns, name });
  const servicesOf = async (name: string): Promise<ServiceState[]> =>
    ((await getCd(name)).status as { services?: ServiceState[] } | undefined)?.services ?? [];
  const stateOf = async (cluster: string, svc: string) =>
    (await servicesOf(cluster)).find((s) => s.name === svc);
  const waitState = (cluster: string, svc: string, state: string, ms = 60_000) =>
    eventually(
      `${cluster} service ${svc} ${state}`,
      async () => {
        const s = await stateOf(cluster, svc);
        return s?.state === state ? s : undefined;
      },
      ms,
      100,
    );
  const live = (i: number, ref: { apiVersion: string; kind: string; namespace?: string; name: string }) =>
    clients[i]!.get(ref);
  const events = async (reason: string) =>
    (await store.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns })).items.filter(
      (e) => (e as { reason?: string }).reason === reason,
    ) as (KubeObject & { message?: string; involvedObject?: { kind?: string; name?: string } })[];
  const mcsStatus = async () =>
    (await store.get({ ...MCS, name: mcsName })).status as
      | {
          services?: (ServiceState & { clusterName: string; clusterNamespace: string })[];
          matchingClusters?: {
            objectRef: { apiVersion?: string; kind?: string; namespace: string; name: string };
            deployed: boolean;
          }[];
          conditions?: Condition[];
          observedGeneration?: number;
        }
      | undefined;
  const setSyncMode = async (mode: string) => {
    await modify(store, { ...MCS, name: mcsName }, (m) => {
      (m.spec as { serviceSpec: { syncMode: string } }).serviceSpec.syncMode = mode;
      return m;
    });
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cm-svc-kube-'));
    writeAppChart(join(root, 'charts', 'app'));
    store = await openKubeStore({ kubeconfig: env!.kubeconfig, fieldManager: 'clustermint-controller' });
    await installCrds(store);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const c of cl()) clients.push(await WorkloadClient.fromKubeconfig(c.kubeconfig));
    stopMarking = keepDeploymentsAvailable(clients);

    // the team's catalog, in its own namespace: manifests from a ConfigMap, and the chart
    await store.create({
      ...CONFIG_MAP,
      metadata: { name: 'base-manifests', namespace: ns },
      data: {
        'quota.yaml':
          'apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: base-quota }\nspec: { hard: { pods: "50" } }\n',
        'settings.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: base-settings }\ndata: { tier: gold }\n',
      },
    } as NewObject);
    await store.create({
      ...ST,
      metadata: { name: 'base-1-0-0', namespace: ns },
      spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'base-manifests' } } },
    });
    await store.create({
      ...ST,
      metadata: { name: 'app-1-0-0', namespace: ns },
      spec: { helm: { chartSpec: { chart: 'app', version: '1.0.0' } }, k8sConstraint: '>=1.30.0' },
    });
    // two adopted clusters
    for (const [i, c] of cl().entries()) {
      await store.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `c${i}-kubeconfig`, namespace: ns },
        data: { value: Buffer.from(c.kubeconfig).toString('base64') },
      } as NewObject);
      await store.create({
        ...CD,
        metadata: { name: `c${i}`, namespace: ns, labels: { ...selector, env: 'prod' } },
        spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: `c${i}-kubeconfig` } } },
      });
    }
    cloud = new SimulatedCloud({ clock: systemClock, path: join(root, 'cloud.db') });
    ctl = await startKubeController({
      store,
      registry: embeddedRegistry(cloud),
      clock: systemClock,
      catalog: new TemplateCatalog([join(root, 'charts', 'app')]),
      policies: [],
      logger: createLogger({ level: 'info', component: 'clustermint-controller', destination: log.stream }),
      ops: { port: 0, host: '127.0.0.1' },
      namespace: ns,
      controller: {
        pollMs: 200,
        driftIntervalMs: 1000,
        adoptedProbeMs: 1000,
        chartCacheDir: join(root, 'cache'),
      },
    });
    for (let i = 0; i < 2; i++)
      await eventually(
        `c${i} Ready`,
        async () =>
          ((await getCd(`c${i}`)).status as { conditions?: Condition[] } | undefined)?.conditions?.some(
            (c) => c.type === 'Ready' && c.status === 'True',
          ) || undefined,
        60_000,
      );
  }, 180_000);

  afterAll(async () => {
    if (process.env.SERVICES_DEBUG) for (const l of log.lines) console.log(JSON.stringify(l));
    stopMarking();
    await ctl?.stop();
    await store?.delete({ ...MCS, name: mcsName }).catch(() => undefined);
    await store?.close();
    cloud?.close();
    for (const c of clients) c.close();
    await closeWorkloadClusters(clusters);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('adopts the clusters through their Secrets: the status keeps how they are reached', async () => {
    const status = (await getCd('c1')).status as {
      k8sVersion?: string;
      adopted?: { server?: string; access?: { kind: string; name: string } };
    };
    expect(status.k8sVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(status.adopted).toMatchObject({
      server: cl()[1]!.server,
      access: { kind: 'secret', namespace: ns, name: 'c1-kubeconfig' },
    });
  });

  it('a MultiClusterService installs a manifest set, then a chart that depends on it, on both clusters', async () => {
    await store.create({
      ...MCS,
      metadata: { name: mcsName },
      spec: {
        clusterSelector: { matchLabels: selector },
        serviceSpec: {
          syncMode: 'ContinuousWithDriftDetection',
          services: [
            {
              name: 'app',
              namespace: 'apps',
              template: 'app-1-0-0',
              values: 'replicas: 2\ngreeting: from-mcs\n',
              dependsOn: [{ name: 'base', namespace: 'apps' }],
            },
            { name: 'base', namespace: 'apps', template: 'base-1-0-0' },
          ],
        },
      },
    });
    for (const c of ['c0', 'c1']) {
      const app = await waitState(c, 'app', 'Deployed');
      const base = await waitState(c, 'base', 'Deployed');
      // every field of the state survived the CRD schema
      expect(app).toMatchObject({
        namespace: 'apps',
        template: 'app-1-0-0',
        owner: `MultiClusterService/${mcsName}`,
        objects: 2,
        reason: 'Deployed',
        lastStateTransitionTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(base).toMatchObject({ template: 'base-1-0-0', objects: 2 });
      const cond = ((await getCd(c)).status as { conditions: Condition[] }).conditions;
      expect(cond.find((x) => x.type === 'ServicesInReadyState')).toMatchObject({
        status: 'True',
        message: '2/2',
      });
      expect(cond.find((x) => x.type === 'WorkloadReachable')?.status).toBe('True');
    }
    for (const i of [0, 1]) {
      const settings = await live(i, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' });
      const deployment = await live(i, { ...DEPLOYMENT, namespace: 'apps', name: 'app' });
      expect(Date.parse(settings!.metadata.creationTimestamp!)).toBeLessThanOrEqual(
        Date.parse(deployment!.metadata.creationTimestamp!),
      );
      expect((deployment!.spec as { replicas: number }).replicas).toBe(2);
      const greeting = await live(i, { ...CONFIG_MAP, namespace: 'apps', name: 'app-greeting' });
      expect((greeting as { data?: Record<string, string> }).data?.greeting).toBe('from-mcs');
    }
    // the MultiClusterService's status, through its status subresource
    const st = await eventually('MultiClusterService status for both clusters', async () => {
      const s = await mcsStatus();
      return s?.matchingClusters?.length === 2 && s.matchingClusters.every((m) => m.deployed) ? s : undefined;
    });
    expect(st.matchingClusters!.map((m) => m.objectRef)).toEqual([
      { apiVersion: CD.apiVersion, kind: 'ClusterDeployment', namespace: ns, name: 'c0' },
      { apiVersion: CD.apiVersion, kind: 'ClusterDeployment', namespace: ns, name: 'c1' },
    ]);
    expect(st.services!.map((s) => `${s.clusterName}:${s.name}:${s.state}`)).toEqual([
      'c0:app:Deployed',
      'c0:base:Deployed',
      'c1:app:Deployed',
      'c1:base:Deployed',
    ]);
    expect(st.services![0]).toMatchObject({ clusterNamespace: ns, owner: `MultiClusterService/${mcsName}` });
    expect(st.conditions?.find((c) => c.type === 'ClusterInReadyState')).toMatchObject({
      status: 'True',
      message: '2/2',
    });
    // core/v1 Events on the deployments
    const applied = await events('ServiceApplied');
    expect(applied.some((e) => e.involvedObject?.name === 'c0' && /apps\/app/.test(e.message ?? ''))).toBe(
      true,
    );
    expect(applied.some((e) => e.involvedObject?.kind === 'ClusterDeployment')).toBe(true);
  });

  it('ContinuousWithDriftDetection puts a deleted ConfigMap back, with an event', async () => {
    await clients[0]!.delete({ ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' });
    const back = await eventually('base-settings recreated', () =>
      live(0, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' }),
    );
    expect((back as { data?: Record<string, string> }).data).toEqual({ tier: 'gold' });
    const corrected = await eventually('a DriftCorrected event', async () =>
      (await events('DriftCorrected')).find((e) =>
        /ConfigMap apps\/base-settings was deleted; put back/.test(e.message ?? ''),
      ),
    );
    expect(corrected.type).toBe('Warning');
  });

  it('Continuous reports a change on the cluster (state drift and an event) and does not put it back', async () => {
    await setSyncMode('Continuous');
    // the new syncMode reaches the cluster's pass before the edit
    await new Promise((r) => setTimeout(r, 1500));
    await clients[1]!.apply(
      { ...CONFIG_MAP, metadata: { name: 'base-settings', namespace: 'apps' }, data: { tier: 'bronze' } },
      { fieldManager: 'kubectl-edit', force: true },
    );
    const drifted = await eventually('base drift reported on c1', async () => {
      const s = await stateOf('c1', 'base');
      return s?.drift?.length ? s : undefined;
    });
    expect(drifted.drift).toEqual(['ConfigMap apps/base-settings: data.tier changed']);
    const detected = await eventually('a DriftDetected event', async () =>
      (await events('DriftDetected')).find(
        (e) => e.involvedObject?.name === 'c1' && /base-settings/.test(e.message ?? ''),
      ),
    );
    expect(detected.message).toContain('syncMode Continuous: reported, not corrected');
    // several drift intervals later, the edit stands
    await new Promise((r) => setTimeout(r, 3000));
    expect(
      ((await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' })) as { data?: object })
        .data,
    ).toEqual({ tier: 'bronze' });
    expect((await stateOf('c1', 'base'))?.drift).toEqual(['ConfigMap apps/base-settings: data.tier changed']);
    // and the MultiClusterService shows it too
    const st = await eventually('drift in the MultiClusterService status', async () => {
      const s = (await mcsStatus())?.services?.find((x) => x.clusterName === 'c1' && x.name === 'base');
      return s?.drift?.length ? s : undefined;
    });
    expect(st.drift).toEqual(['ConfigMap apps/base-settings: data.tier changed']);
    // back to correcting: the edit is undone
    await setSyncMode('ContinuousWithDriftDetection');
    await eventually('base-settings put back on c1', async () => {
      const cm = await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' });
      return (cm as { data?: { tier?: string } } | undefined)?.data?.tier === 'gold' ? cm : undefined;
    });
  });

  it('/metrics shows the services by state and the objects applied', async () => {
    const count = (t: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(t)?.[1]);
    // 4 objects applied on each cluster and the 2 that drift put back; a counter moves after the
    // object it counts is on the cluster, so it is waited for, as the states are
    const text = await eventually('metrics with both clusters and the put-back objects', async () => {
      const t = await (await fetch(`http://127.0.0.1:${ctl.ops!.port}/metrics`)).text();
      return t.includes(`clustermint_services{namespace="${ns}",deployment="c1",state="Deployed"} 2`) &&
        count(t, 'clustermint_service_objects_applied_total') >= 10 &&
        count(t, 'clustermint_service_drift_total') >= 2
        ? t
        : undefined;
    });
    expect(text).toContain(`clustermint_services{namespace="${ns}",deployment="c0",state="Deployed"} 2`);
    expect(text).toContain(`clustermint_services{namespace="${ns}",deployment="c0",state="Failed"} 0`);
  });

  it('a label change takes the services away from one cluster only', async () => {
    await modify(store, { ...CD, namespace: ns, name: 'c1' }, (c1) => ({
      ...c1,
      metadata: { ...c1.metadata, labels: { env: 'prod' } },
    }));
    await eventually('services gone from c1', async () =>
      (await servicesOf('c1')).length === 0 ? true : undefined,
    );
    await eventually('objects gone from c1', async () =>
      (await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'app' })) === undefined &&
      (await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' })) === undefined
        ? true
        : undefined,
    );
    expect(await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'clustermint-svc-app' })).toBeUndefined();
    const cond = ((await getCd('c1')).status as { conditions: Condition[] }).conditions;
    expect(cond.find((c) => c.type === 'ServicesInReadyState')).toBeUndefined();
    await eventually('a ServiceRemoved event on c1', async () =>
      (await events('ServiceRemoved')).some((e) => e.involvedObject?.name === 'c1') ? true : undefined,
    );
    // c0 keeps them
    expect((await stateOf('c0', 'app'))?.state).toBe('Deployed');
    expect(await live(0, { ...DEPLOYMENT, namespace: 'apps', name: 'app' })).toBeDefined();
    const st = await eventually('the MultiClusterService matches c0 only', async () => {
      const s = await mcsStatus();
      return s?.matchingClusters?.length === 1 ? s : undefined;
    });
    expect(st.matchingClusters![0]!.objectRef.name).toBe('c0');
    expect(st.services!.every((s) => s.clusterName === 'c0')).toBe(true);
  });

  it('without the ClusterResourceSet CRDs nothing is said about them, and nothing failed', () => {
    const errors = log.lines.filter((l) => (l.level as number) >= 50);
    expect(errors).toEqual([]);
    expect(log.lines.filter((l) => /clusterresourceset/i.test(JSON.stringify(l)))).toEqual([]);
  });
});
