// Services onto real workload clusters, on the embedded runtime (SQLite store, the controller in
// this process): three extra kube-apiserver + etcd instances (test/testenv/workload.ts) are
// adopted as clusters by their kubeconfig Secrets, and a MultiClusterService delivers a Helm chart
// and a manifest set to the ones it selects, in dependency order; a new matching cluster gets
// them, a label change removes them, a chain upgrade prunes a removed object, drift is put back,
// a cluster that goes away recovers with nothing duplicated, a team policy denies a service on
// one team's cluster only, and bad input of every kind ends as a state with its reason.
//
// Nothing runs Deployments on these API servers (no controller manager, no kubelet): the test
// plays that part, marking each Deployment available once it exists (test/helpers/workload-deployments.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src/controller/index.js';
import { parsePolicies } from '../../src/policy/load.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import type { ServiceState } from '../../src/services/types.js';
import { WorkloadClient } from '../../src/services/workload-client.js';
import { modify, openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { eventually } from '../helpers/process.js';
import { keepDeploymentsAvailable } from '../helpers/workload-deployments.js';
import { kubeTestenv } from '../testenv/index.js';
import {
  closeWorkloadClusters,
  kubeconfigWithBadToken,
  kubeconfigWithWrongCa,
  startWorkloadClusters,
  type WorkloadCluster,
} from '../testenv/workload.js';

const env = await kubeTestenv('services on workload clusters');
const clusters = env ? await startWorkloadClusters(3, 'services on workload clusters') : undefined;

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const MCS = { apiVersion: 'clustermint.io/v1alpha1', kind: 'MultiClusterService' } as const;
const ST = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplate' } as const;
const CHAIN = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplateChain' } as const;
const CRS = { apiVersion: 'addons.cluster.x-k8s.io/v1beta2', kind: 'ClusterResourceSet' } as const;
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** A small Helm chart: a Deployment, a Service, and (while `withConfig`) a ConfigMap. */
function writeWebChart(dir: string, version: string, withConfig: boolean): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: web\nversion: ${version}\n`);
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\nmessage: hello\nprivileged: false\n');
  writeFileSync(
    join(dir, 'templates', 'deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: { app: {{ .Release.Name }} }
spec:
  replicas: {{ .Values.replicas }}
  selector: { matchLabels: { app: {{ .Release.Name }} } }
  template:
    metadata: { labels: { app: {{ .Release.Name }} } }
    spec:
      containers:
      - name: web
        image: nginx:1.27
        securityContext: { privileged: {{ .Values.privileged }} }
`,
  );
  writeFileSync(
    join(dir, 'templates', 'service.yaml'),
    `apiVersion: v1
kind: Service
metadata: { name: {{ .Release.Name }} }
spec:
  selector: { app: {{ .Release.Name }} }
  ports: [{ port: 80 }]
`,
  );
  if (withConfig)
    writeFileSync(
      join(dir, 'templates', 'configmap.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: { name: {{ .Release.Name }}-config }
data: { message: {{ .Values.message | quote }}, kube: {{ .Capabilities.KubeVersion.Version | quote }} }
`,
    );
}

const POLICY = `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: { name: services-guardrails }
spec:
  rules:
  - name: no-privileged-for-team-a
    match:
      any:
      - kind: Deployment
    assert:
      all:
      - message: team-a may not run privileged containers
        check:
          (($team == 'team-a') && length(spec.template.spec.containers[?securityContext.privileged]) > \`0\`): false
`;

describe.skipIf(!env || !clusters)('services on real workload clusters (embedded runtime)', () => {
  let root: string;
  let store: SqliteStore;
  let cloud: SimulatedCloud;
  let ctl: Controller;
  const abort = new AbortController();
  let running: Promise<void>;
  let stopMarking: (() => void) | undefined;
  const clients: WorkloadClient[] = [];
  const cl = () => clusters as WorkloadCluster[];

  const getCd = (ns: string, name: string) => store.get({ ...CD, namespace: ns, name });
  /** Changes the newest version, again on a Conflict: the controller writes these objects too. */
  const modifyCd = (ns: string, name: string, f: (o: KubeObject) => KubeObject) =>
    modify(store, { ...CD, namespace: ns, name }, f);
  const modifyMcs = (f: (o: KubeObject) => KubeObject) => modify(store, { ...MCS, name: 'platform' }, f);
  const servicesOf = async (ns: string, name: string): Promise<ServiceState[]> =>
    ((await getCd(ns, name)).status as { services?: ServiceState[] } | undefined)?.services ?? [];
  const stateOf = async (ns: string, name: string, svc: string) =>
    (await servicesOf(ns, name)).find((s) => s.name === svc);
  const waitState = (ns: string, name: string, svc: string, state: string, ms = 60_000) =>
    eventually(
      `${ns}/${name} service ${svc} ${state}`,
      async () => {
        const s = await stateOf(ns, name, svc);
        return s?.state === state ? s : undefined;
      },
      ms,
      100,
    );
  const live = (i: number, ref: { apiVersion: string; kind: string; namespace?: string; name: string }) =>
    clients[i]!.get(ref);
  const events = async (ns: string, reason: string) =>
    (await store.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns })).items.filter(
      (e) => (e as { reason?: string }).reason === reason,
    ) as (KubeObject & { message?: string })[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cm-services-'));
    writeWebChart(join(root, 'charts', 'web-1'), '1.0.0', true);
    writeWebChart(join(root, 'charts', 'web-2'), '2.0.0', false);
    store = openSqliteStore(join(root, 'state.db'));
    cloud = new SimulatedCloud({ clock: systemClock, path: join(root, 'cloud.db') });
    for (const c of cl()) clients.push(await WorkloadClient.fromKubeconfig(c.kubeconfig));
    ctl = createController({
      store,
      registry: embeddedRegistry(cloud),
      clock: systemClock,
      catalog: new TemplateCatalog([join(root, 'charts', 'web-1'), join(root, 'charts', 'web-2')]),
      policies: parsePolicies(POLICY, 'services-guardrails.yaml'),
      pollMs: 200,
      driftIntervalMs: 1000,
      adoptedProbeMs: 1000,
      allowKubeconfigFiles: true,
    });
    for (const ns of ['team-a', 'team-b'])
      await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // three adopted clusters: c0 in team-a (prod), c1 in team-b (prod), c2 in team-b (dev)
    const placement = [
      ['team-a', 'prod'],
      ['team-b', 'prod'],
      ['team-b', 'dev'],
    ] as const;
    for (const [i, [ns, envLabel]] of placement.entries()) {
      await store.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `c${i}-kubeconfig`, namespace: ns },
        data: { value: Buffer.from(cl()[i]!.kubeconfig).toString('base64') },
      } as NewObject);
      await store.create({
        ...CD,
        metadata: { name: `c${i}`, namespace: ns, labels: { env: envLabel } },
        spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: `c${i}-kubeconfig` } } },
      });
    }
    // the platform's catalog: manifests (a ConfigMap-based ServiceTemplate) and the web chart
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clustermint-system' } });
    await store.create({
      ...CONFIG_MAP,
      metadata: { name: 'base-manifests', namespace: 'clustermint-system' },
      data: {
        'quota.yaml':
          'apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: base-quota }\nspec: { hard: { pods: "50" } }\n',
        'settings.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: base-settings }\ndata: { tier: gold }\n',
      },
    } as NewObject);
    await store.create({
      ...ST,
      metadata: { name: 'base-1-0-0', namespace: 'clustermint-system' },
      spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'base-manifests' } } },
    });
    for (const v of ['1.0.0', '2.0.0'])
      await store.create({
        ...ST,
        metadata: { name: `web-${v.replaceAll('.', '-')}`, namespace: 'clustermint-system' },
        spec: { helm: { chartSpec: { chart: 'web', version: v } }, k8sConstraint: '>=1.30.0' },
      });
    await store.create({
      ...CHAIN,
      metadata: { name: 'web', namespace: 'clustermint-system' },
      spec: {
        supportedTemplates: [
          { name: 'web-1-0-0', availableUpgrades: [{ name: 'web-2-0-0' }] },
          { name: 'web-2-0-0' },
        ],
      },
    });
    running = ctl.runtime.runRealtime({ signal: abort.signal });
    stopMarking = keepDeploymentsAvailable(clients);
    for (let i = 0; i < 3; i++)
      await eventually(`c${i} Ready`, async () => {
        const cd = await getCd(placement[i]![0], `c${i}`);
        return (
          cd.status as { conditions?: { type: string; status: string }[] } | undefined
        )?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? cd
          : undefined;
      });
  }, 120_000);

  afterAll(async () => {
    stopMarking?.();
    abort.abort();
    await running;
    await ctl?.runtime.stop();
    ctl?.workloadClients.closeAll();
    for (const c of clients) c.close();
    store?.close();
    cloud?.close();
    await closeWorkloadClusters(clusters);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('adopts the clusters: Ready with their real version', async () => {
    const cd = await getCd('team-b', 'c1');
    const status = cd.status as { k8sVersion?: string; adopted?: { server?: string } };
    expect(status.k8sVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(status.adopted?.server).toBe(cl()[1]!.server);
  });

  it('a MultiClusterService installs a manifest set, then a chart that depends on it, on the clusters it selects', async () => {
    await store.create({
      ...MCS,
      metadata: { name: 'platform' },
      spec: {
        clusterSelector: { matchLabels: { env: 'prod' } },
        serviceSpec: {
          syncMode: 'ContinuousWithDriftDetection',
          services: [
            {
              name: 'web',
              namespace: 'apps',
              template: 'web-1-0-0',
              templateChain: 'web',
              values: 'replicas: 2\nmessage: from-mcs\n',
              dependsOn: [{ name: 'base', namespace: 'apps' }],
            },
            { name: 'base', namespace: 'apps', template: 'base-1-0-0' },
          ],
        },
      },
    });
    const web = await waitState('team-b', 'c1', 'web', 'Deployed');
    const base = await waitState('team-b', 'c1', 'base', 'Deployed');
    expect(web.owner).toBe('MultiClusterService/platform');
    // dependency order: base's objects exist before web's were created
    const settings = await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' });
    const deployment = await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'web' });
    expect(Date.parse(settings!.metadata.creationTimestamp!)).toBeLessThanOrEqual(
      Date.parse(deployment!.metadata.creationTimestamp!),
    );
    expect((deployment!.spec as { replicas: number }).replicas).toBe(2);
    const config = await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'web-config' });
    expect((config as { data?: Record<string, string> }).data).toMatchObject({
      message: 'from-mcs',
      kube: expect.stringMatching(/^v1\./),
    });
    // server-side applied by clustermint
    expect(
      (deployment!.metadata as { managedFields?: { manager?: string }[] }).managedFields?.some(
        (f) => f.manager === 'clustermint',
      ),
    ).toBe(true);
    expect(base.state).toBe('Deployed');
    // the dev cluster gets nothing
    expect(await servicesOf('team-b', 'c2')).toEqual([]);
    expect(await live(2, { ...DEPLOYMENT, namespace: 'apps', name: 'web' })).toBeUndefined();
    // status on the MultiClusterService
    const mcs = await eventually('MCS status', async () => {
      const m = await store.get({ ...MCS, name: 'platform' });
      const st = m.status as { matchingClusters?: { deployed: boolean }[] } | undefined;
      return (st?.matchingClusters?.length ?? 0) >= 2 ? m : undefined;
    });
    expect((mcs.status as { matchingClusters: unknown[] }).matchingClusters).toHaveLength(2);
  });

  it("a team's policy denies the privileged chart on its cluster only", async () => {
    type Spec = { serviceSpec: { services: { name: string; values?: string }[] } };
    const withValues = (values: string) => (mcs: KubeObject) => {
      (mcs.spec as Spec).serviceSpec.services[0]!.values = values;
      return mcs;
    };
    await modifyMcs(withValues('replicas: 2\nmessage: from-mcs\nprivileged: true\n'));
    const denied = await waitState('team-a', 'c0', 'web', 'Failed');
    expect(denied.reason).toBe('PolicyDenied');
    expect(denied.message).toContain('team-a may not run privileged containers');
    // team-b's cluster runs it
    await eventually('privileged web on c1', async () => {
      const d = await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'web' });
      const c = (
        d?.spec as
          | { template: { spec: { containers: { securityContext?: { privileged?: boolean } }[] } } }
          | undefined
      )?.template.spec.containers[0];
      return c?.securityContext?.privileged === true ? d : undefined;
    });
    expect((await stateOf('team-b', 'c1', 'web'))?.state).not.toBe('Failed');
    await modifyMcs(withValues('replicas: 2\nmessage: from-mcs\n'));
    await waitState('team-a', 'c0', 'web', 'Deployed');
  });

  it('drift on a Deployment and a deleted ConfigMap are put back, with an event naming them', async () => {
    const d = (await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'web' }))!;
    await clients[1]!.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'apps' },
        spec: { replicas: 5 },
      },
      { fieldManager: 'kubectl-edit', force: true },
    );
    await clients[1]!.delete({ ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' });
    expect(
      (await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'web' }))!.metadata.generation,
    ).toBeGreaterThan(d.metadata.generation!);
    await eventually('replicas put back', async () => {
      const now = await live(1, { ...DEPLOYMENT, namespace: 'apps', name: 'web' });
      return (now?.spec as { replicas?: number } | undefined)?.replicas === 2 ? now : undefined;
    });
    await eventually('ConfigMap recreated', () =>
      live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' }),
    );
    // the pass that put them back stores its events at its end
    await eventually('DriftCorrected events naming both objects', async () => {
      const corrected = await events('team-b', 'DriftCorrected');
      return corrected.some((e) => /Deployment apps\/web: spec\.replicas changed/.test(e.message ?? '')) &&
        corrected.some((e) => /ConfigMap apps\/base-settings was deleted/.test(e.message ?? ''))
        ? true
        : undefined;
    });
  });

  it('a new matching cluster gets the services; a label change takes them away', async () => {
    await modifyCd('team-b', 'c2', (c2) => ({
      ...c2,
      metadata: { ...c2.metadata, labels: { env: 'prod' } },
    }));
    await waitState('team-b', 'c2', 'web', 'Deployed');
    expect(await live(2, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' })).toBeDefined();
    await modifyCd('team-b', 'c2', (again) => ({
      ...again,
      metadata: { ...again.metadata, labels: { env: 'dev' } },
    }));
    await eventually('services gone from c2', async () =>
      (await servicesOf('team-b', 'c2')).length === 0 ? true : undefined,
    );
    await eventually('objects gone from c2', async () =>
      (await live(2, { ...DEPLOYMENT, namespace: 'apps', name: 'web' })) === undefined &&
      (await live(2, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' })) === undefined
        ? true
        : undefined,
    );
    expect(await live(2, { ...CONFIG_MAP, namespace: 'apps', name: 'clustermint-svc-web' })).toBeUndefined();
  });

  it('an upgrade through the chain prunes the object the new version no longer has', async () => {
    expect(await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'web-config' })).toBeDefined();
    type Spec = { serviceSpec: { services: { name: string; template: string }[] } };
    const withTemplate = (template: string) => (mcs: KubeObject) => {
      (mcs.spec as Spec).serviceSpec.services[0]!.template = template;
      return mcs;
    };
    await modifyMcs(withTemplate('web-2-0-0'));
    await eventually('web-config pruned', async () =>
      (await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'web-config' })) === undefined
        ? true
        : undefined,
    );
    await eventually('web Deployed at web-2-0-0', async () => {
      const st = await stateOf('team-b', 'c1', 'web');
      return st?.state === 'Deployed' && st.template === 'web-2-0-0' ? st : undefined;
    });
    expect(
      (await events('team-b', 'ServiceUpgraded')).some((e) => /web-1-0-0 -> web-2-0-0/.test(e.message ?? '')),
    ).toBe(true);
    // and back is not in the chain: refused, the cluster keeps 2.0.0
    await modifyMcs(withTemplate('web-1-0-0'));
    const refused = await waitState('team-b', 'c1', 'web', 'Failed');
    expect(refused.reason).toBe('UpgradeNotAllowed');
    expect(await live(1, { ...CONFIG_MAP, namespace: 'apps', name: 'web-config' })).toBeUndefined();
    await modifyMcs(withTemplate('web-2-0-0'));
    await waitState('team-b', 'c1', 'web', 'Deployed');
  });

  it('a workload cluster that goes away gets a condition, and recovers with nothing duplicated', async () => {
    const before = (await clients[1]!.list(DEPLOYMENT, { namespace: 'apps' })).length;
    await cl()[1]!.stop();
    await eventually('WorkloadReachable False', async () => {
      const cd = await getCd('team-b', 'c1');
      const c = (
        cd.status as { conditions?: { type: string; status: string; reason: string }[] }
      ).conditions?.find((x) => x.type === 'WorkloadReachable');
      return c?.status === 'False' ? c : undefined;
    });
    expect((await events('team-b', 'WorkloadUnreachable')).length).toBeGreaterThan(0);
    await cl()[1]!.start();
    await eventually('WorkloadReachable True', async () => {
      const cd = await getCd('team-b', 'c1');
      const c = (cd.status as { conditions?: { type: string; status: string }[] }).conditions?.find(
        (x) => x.type === 'WorkloadReachable',
      );
      return c?.status === 'True' ? c : undefined;
    });
    await waitState('team-b', 'c1', 'web', 'Deployed');
    expect((await clients[1]!.list(DEPLOYMENT, { namespace: 'apps' })).length).toBe(before);
  });

  it('bad input ends as a state with its reason; the other services are unaffected', async () => {
    await store.create({
      ...ST,
      metadata: { name: 'future-1-0-0', namespace: 'clustermint-system' },
      spec: {
        resources: { localSourceRef: { kind: 'ConfigMap', name: 'base-manifests' } },
        k8sConstraint: '>=2.0.0',
      },
    });
    await store.create({
      ...CONFIG_MAP,
      metadata: { name: 'broken-manifests', namespace: 'clustermint-system' },
      data: { 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' },
    } as NewObject);
    await store.create({
      ...ST,
      metadata: { name: 'broken-1-0-0', namespace: 'clustermint-system' },
      spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'broken-manifests' } } },
    });
    await modifyCd('team-b', 'c1', (cd) => ({
      ...cd,
      spec: {
        ...(cd.spec as object),
        serviceSpec: {
          services: [
            { name: 'future', namespace: 'x', template: 'future-1-0-0' },
            { name: 'broken', namespace: 'x', template: 'broken-1-0-0' },
            { name: 'missing', namespace: 'x', template: 'nope' },
            {
              name: 'loop-a',
              namespace: 'x',
              template: 'base-1-0-0',
              dependsOn: [{ name: 'loop-b', namespace: 'x' }],
            },
            {
              name: 'loop-b',
              namespace: 'x',
              template: 'base-1-0-0',
              dependsOn: [{ name: 'loop-a', namespace: 'x' }],
            },
            // two services rendering the same objects into namespace y
            { name: 'dup-a', namespace: 'y', template: 'base-1-0-0' },
            { name: 'dup-b', namespace: 'y', template: 'base-1-0-0' },
          ],
        },
      },
    }));
    expect((await waitState('team-b', 'c1', 'future', 'Failed')).reason).toBe('K8sConstraintNotMet');
    const broken = await waitState('team-b', 'c1', 'broken', 'Failed');
    expect(broken.message).toMatch(/broken-manifests key x\.yaml.*metadata\.name/);
    expect((await waitState('team-b', 'c1', 'missing', 'Failed')).reason).toBe('TemplateNotFound');
    const loop = await waitState('team-b', 'c1', 'loop-a', 'Failed');
    expect(loop.reason).toBe('DependencyCycle');
    expect(loop.message).toMatch(/loop-a -> x\/loop-b -> x\/loop-a|loop-b -> x\/loop-a -> x\/loop-b/);
    // ServiceTemplates' status, as k0rdent writes it
    const templateStatus = (name: string) =>
      eventually(`ServiceTemplate ${name} status`, async () => {
        const t = await store.get({ ...ST, namespace: 'clustermint-system', name });
        return (t.status as { valid?: boolean } | undefined)?.valid !== undefined
          ? (t.status as {
              valid: boolean;
              validationError?: string;
              chartVersion?: string;
              k8sConstraint?: string;
            })
          : undefined;
      });
    expect(await templateStatus('web-1-0-0')).toMatchObject({
      valid: true,
      chartVersion: '1.0.0',
      k8sConstraint: '>=1.30.0',
    });
    const brokenStatus = await templateStatus('broken-1-0-0');
    expect(brokenStatus.valid).toBe(false);
    expect(brokenStatus.validationError).toMatch(/metadata\.name/);
    const dup = await waitState('team-b', 'c1', 'dup-b', 'Failed');
    expect(dup.reason).toBe('ObjectConflict');
    expect(dup.message).toMatch(
      /(ConfigMap y\/base-settings|ResourceQuota y\/base-quota) is also rendered by service y\/dup-a/,
    );
    await waitState('team-b', 'c1', 'dup-a', 'Deployed');
    // the MultiClusterService's services on the same cluster are still Deployed
    expect((await stateOf('team-b', 'c1', 'web'))?.state).toBe('Deployed');
    await modifyCd('team-b', 'c1', (fresh) => {
      const { serviceSpec: _drop, ...rest } = fresh.spec as { serviceSpec?: unknown };
      return { ...fresh, spec: rest };
    });
  });

  it('a ClusterResourceSet applies its ConfigMap once; a Secret of the wrong type is refused', async () => {
    await store.create({
      ...CONFIG_MAP,
      metadata: { name: 'crs-cm', namespace: 'team-b' },
      data: {
        'cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-crs, namespace: default }\ndata: { a: "1" }\n',
      },
    } as NewObject);
    await store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'crs-wrong', namespace: 'team-b' },
      type: 'Opaque',
      data: {
        'x.yaml': Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: nope }\n').toString(
          'base64',
        ),
      },
    } as NewObject);
    await store.create({
      ...CRS,
      metadata: { name: 'defaults', namespace: 'team-b' },
      spec: {
        clusterSelector: { matchLabels: { env: 'prod' } },
        resources: [
          { name: 'crs-cm', kind: 'ConfigMap' },
          { name: 'crs-wrong', kind: 'Secret' },
        ],
      },
    });
    await eventually('from-crs on c1', () =>
      live(1, { ...CONFIG_MAP, namespace: 'default', name: 'from-crs' }),
    );
    expect(await live(2, { ...CONFIG_MAP, namespace: 'default', name: 'from-crs' })).toBeUndefined();
    const failed = await eventually('CRS failure event', async () => {
      const e = (await events('team-b', 'ClusterResourceSetFailed')).find((x) =>
        /crs-wrong/.test(x.message ?? ''),
      );
      return e;
    });
    expect(failed.message).toMatch(/addons\.cluster\.x-k8s\.io\/resource-set/);
    const binding = await store.get({
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSetBinding',
      namespace: 'team-b',
      name: 'c1',
    });
    const resources = (binding.spec as { bindings: { resources: { name: string; applied: boolean }[] }[] })
      .bindings[0]!.resources;
    expect(resources.find((r) => r.name === 'crs-cm')?.applied).toBe(true);
    expect(resources.find((r) => r.name === 'crs-wrong')?.applied).toBe(false);
    // ApplyOnce: a change to the ConfigMap is not applied again
    const cm = await store.get({ ...CONFIG_MAP, namespace: 'team-b', name: 'crs-cm' });
    await store.update({
      ...cm,
      data: {
        'cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-crs, namespace: default }\ndata: { a: "2" }\n',
      },
    } as KubeObject);
    await new Promise((r) => setTimeout(r, 2500));
    expect(
      (
        (await live(1, { ...CONFIG_MAP, namespace: 'default', name: 'from-crs' })) as {
          data?: { a?: string };
        }
      ).data?.a,
    ).toBe('1');
  });

  it('an adopted cluster whose kubeconfig has the wrong CA is not Ready, with the reason', async () => {
    await store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bad-ca', namespace: 'team-a' },
      data: { value: Buffer.from(kubeconfigWithWrongCa(cl()[0]!)).toString('base64') },
    } as NewObject);
    await store.create({
      ...CD,
      metadata: { name: 'bad-ca', namespace: 'team-a' },
      spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: 'bad-ca' } } },
    });
    const cond = await eventually('bad-ca not Ready', async () => {
      const cd = await getCd('team-a', 'bad-ca');
      const c = (
        cd.status as
          | { conditions?: { type: string; status: string; reason: string; message: string }[] }
          | undefined
      )?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === 'False' ? c : undefined;
    });
    expect(cond.reason).toBe('CertificateMismatch');
    expect(cond.message).toContain('Secret team-a/bad-ca');
    await store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bad-token', namespace: 'team-a' },
      data: { value: Buffer.from(kubeconfigWithBadToken(cl()[0]!)).toString('base64') },
    } as NewObject);
    await store.create({
      ...CD,
      metadata: { name: 'bad-token', namespace: 'team-a' },
      spec: { template: 'adopted-cluster', config: { clusterIdentity: { name: 'bad-token' } } },
    });
    const unauthorized = await eventually('bad-token not Ready', async () => {
      const cd = await getCd('team-a', 'bad-token');
      const c = (
        cd.status as { conditions?: { type: string; status: string; reason: string }[] } | undefined
      )?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === 'False' ? c : undefined;
    });
    expect(unauthorized.reason).toBe('Unauthorized');
  });

  it('deleting the MultiClusterService uninstalls its services everywhere', async () => {
    await store.delete({ ...MCS, name: 'platform' });
    for (const i of [0, 1])
      await eventually(`c${i} clean`, async () =>
        (await live(i, { ...DEPLOYMENT, namespace: 'apps', name: 'web' })) === undefined &&
        (await live(i, { ...CONFIG_MAP, namespace: 'apps', name: 'base-settings' })) === undefined
          ? true
          : undefined,
      );
    await eventually('no MultiClusterService services in c1 status', async () =>
      (await servicesOf('team-b', 'c1')).some((s) => s.owner === 'MultiClusterService/platform')
        ? undefined
        : true,
    );
    expect(
      (await events('team-b', 'ServiceRemoved')).some((e) =>
        /apps\/web .*MultiClusterService\/platform/.test(e.message ?? ''),
      ),
    ).toBe(true);
  });

  it("deleting an adopted cluster's deployment takes its services off the cluster, and leaves the cluster", async () => {
    await modifyCd('team-b', 'c2', (c2) => ({
      ...c2,
      spec: {
        ...(c2.spec as object),
        serviceSpec: { services: [{ name: 'own', namespace: 'mine', template: 'base-1-0-0' }] },
      },
    }));
    await waitState('team-b', 'c2', 'own', 'Deployed');
    expect(await live(2, { ...CONFIG_MAP, namespace: 'mine', name: 'base-settings' })).toBeDefined();
    await store.delete({ ...CD, namespace: 'team-b', name: 'c2' });
    await eventually('c2 gone', async () => {
      try {
        await getCd('team-b', 'c2');
        return undefined;
      } catch {
        return true;
      }
    });
    expect(await live(2, { ...CONFIG_MAP, namespace: 'mine', name: 'base-settings' })).toBeUndefined();
    expect(await live(2, { ...CONFIG_MAP, namespace: 'mine', name: 'clustermint-svc-own' })).toBeUndefined();
    // the cluster itself is untouched: it still answers
    expect((await clients[2]!.version()).gitVersion).toMatch(/^v1\./);
  });
});
