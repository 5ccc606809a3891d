// The capi provider on a real Cluster API (test/testenv/capi.ts): ClusterDeployments of the
// capi-inmemory template provisioned by Cluster API's own controllers, scaled, upgraded two
// minors in ordered steps, healed by a MachineHealthCheck, denied by the gate and by Cluster
// API's webhooks, and deleted with nothing left behind.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ClusterEvent, EVENT_TYPE } from '../../src/api/event.js';
import type { DeploymentStatus } from '../../src/controller/deployment.js';
import { type KubeController, startKubeController } from '../../src/controller/kube-mode.js';
import { LABEL_CLUSTER_DEPLOYMENT } from '../../src/domain/labels.js';
import { ManagementCluster } from '../../src/providers/capi/management-cluster.js';
import { embeddedRegistry, SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { BUILTIN_CLUSTERCLASSES_DIR } from '../../src/resolve/documents.js';
import { isNotFound } from '../../src/store/errors.js';
import { installCrds, type KubeStore, openKubeStore } from '../../src/store/kube/index.js';
import { modify } from '../../src/store/modify.js';
import type { KubeObject } from '../../src/store/types.js';
import { createLogger } from '../../src/util/log.js';
import { run } from '../helpers/cli.js';
import { eventually } from '../helpers/process.js';
import { capiTestenv } from '../testenv/index.js';

const env = await capiTestenv('the capi provider on Cluster API');

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const CLUSTER = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' } as const;
const KCP = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane' } as const;
const MD = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment' } as const;
const MACHINE = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine' } as const;
type CDObject = KubeObject & { status?: DeploymentStatus };

const FAST = { vm: '1s', node: '500ms', apiServer: '500ms', etcd: '500ms', jitter: '0' };
const config = (over: Record<string, unknown> = {}) => ({
  controlPlaneNumber: 1,
  workersNumber: 2,
  kubernetesVersion: 'v1.33.4',
  provisioning: FAST,
  ...over,
});

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

describe.skipIf(!env)('the capi provider on a real Cluster API', () => {
  const ns = `capi-${Date.now().toString(36)}`;
  let store: KubeStore;
  let ctl: KubeController;
  let cloud: SimulatedCloud;
  const log = logSink();

  const startController = () =>
    startKubeController({
      store,
      registry: embeddedRegistry(cloud),
      capi: new ManagementCluster(store, 'clustermint'),
      clock: systemClock,
      catalog: new TemplateCatalog(),
      policies: [],
      logger: createLogger({ level: 'debug', component: 'clustermint-controller', destination: log.stream }),
      namespace: ns,
      controller: { pollMs: 500, resyncMs: 2_000 },
    });

  beforeAll(async () => {
    store = await openKubeStore({ kubeconfig: env!.kubeconfig, fieldManager: 'clustermint-controller' });
    await installCrds(store);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cloud = new SimulatedCloud({ clock: systemClock, path: ':memory:' });
    ctl = await startController();
  });

  afterAll(async () => {
    if (process.env.CTL_DEBUG) for (const l of log.lines) console.log(JSON.stringify(l));
    await ctl?.stop();
    await store?.close();
    cloud?.close();
  });

  const get = async (
    ref: { apiVersion: string; kind: string },
    name: string,
  ): Promise<KubeObject | undefined> => {
    try {
      return await store.get({ ...ref, namespace: ns, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const cd = async (name: string) => (await get(CD, name)) as CDObject | undefined;
  /** Changes the newest version, again on a Conflict: the controller writes its status meanwhile. */
  const modifyCd = (name: string, f: (o: KubeObject) => KubeObject) =>
    modify(store, { ...CD, namespace: ns, name }, f);
  const condition = (o: CDObject | undefined, type: string) =>
    o?.status?.conditions?.find((c) => c.type === type);
  const events = async (name: string) =>
    (await store.list(EVENT_TYPE, { namespace: ns, labelSelector: `${LABEL_CLUSTER_DEPLOYMENT}=${name}` }))
      .items as ClusterEvent[];
  /** eventually(), with the deployment's conditions in the failure. */
  const until = async <T>(
    name: string,
    what: string,
    probe: () => Promise<T | undefined>,
    ms = 120_000,
  ): Promise<T> => {
    try {
      return await eventually(what, probe, ms, 250);
    } catch (e) {
      const o = await cd(name);
      const conds = (o?.status?.conditions ?? [])
        .map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`)
        .join('\n  ');
      throw new Error(
        `${(e as Error).message}\n  ${conds}\n  machines: ${JSON.stringify(o?.status?.capi?.machines)}`,
      );
    }
  };
  const readyAt = (name: string, version: string, ms = 120_000) =>
    until(
      name,
      `${name} Ready at ${version}`,
      async () => {
        const o = await cd(name);
        return condition(o, 'Ready')?.status === 'True' &&
          o!.status?.k8sVersion === version &&
          o!.status?.observedGeneration === o!.metadata.generation
          ? o
          : undefined;
      },
      ms,
    );
  const capiMachines = async (cluster: string) =>
    (await store.list(MACHINE, { namespace: ns, labelSelector: `cluster.x-k8s.io/cluster-name=${cluster}` }))
      .items;

  it('provisions a ClusterDeployment through Cluster API to Ready', async () => {
    await store.create({
      ...CD,
      metadata: { name: 'dev', namespace: ns },
      spec: { template: 'capi-inmemory', config: config() },
    });
    const ready = await readyAt('dev', 'v1.33.4');
    const st = ready.status!;
    expect(st.controlPlane).toMatchObject({
      mode: 'capi',
      version: 'v1.33.4',
      replicas: 1,
      readyReplicas: 1,
      initialized: true,
    });
    expect(st.machineDeployments).toEqual([
      expect.objectContaining({
        name: 'dev-md-0',
        version: 'v1.33.4',
        replicas: 2,
        readyReplicas: 2,
        updatedReplicas: 2,
      }),
    ]);
    expect(st.machines).toMatchObject({ total: 3, ready: 3 });
    // The machines as Cluster API reports them: Running, each with its node.
    expect(st.capi?.machines).toHaveLength(3);
    for (const m of st.capi!.machines)
      expect(m).toMatchObject({ phase: 'Running', version: 'v1.33.4', node: expect.any(String) });
    expect(st.capi!.machines.map((m) => m.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(st.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(condition(ready, 'InfrastructureReady')?.status).toBe('True');
    expect(condition(ready, 'ControlPlaneReady')?.status).toBe('True');
    expect(condition(ready, 'WorkersReady')?.status).toBe('True');

    // What clustermint applied: labelled with the deployment, owned by it, managed as `clustermint`.
    const raw = await openKubeStore({ kubeconfig: env!.kubeconfig, keepManagedFields: true });
    try {
      const cluster = await raw.get({ ...CLUSTER, namespace: ns, name: 'dev' });
      expect(cluster.metadata.labels?.[LABEL_CLUSTER_DEPLOYMENT]).toBe('dev');
      expect(cluster.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ClusterDeployment', name: 'dev', uid: ready.metadata.uid }),
      ]);
      const managers =
        (cluster.metadata as { managedFields?: { manager: string; operation: string }[] }).managedFields ??
        [];
      expect(managers).toContainEqual(
        expect.objectContaining({ manager: 'clustermint', operation: 'Apply' }),
      );
    } finally {
      await raw.close();
    }
    const reasons = (await events('dev')).map((e) => e.reason);
    expect(reasons).toContain('MachineRunning');
  });

  it("prints the workload cluster's kubeconfig, which reaches its API server", async () => {
    const r = await run('kubeconfig', 'dev', '-n', ns, '--kubeconfig', env!.kubeconfig);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: v1\nclusters:/);
    // CAPD's in-memory API server of the workload cluster answers with its nodes.
    const file = join(mkdtempSync(join(tmpdir(), 'cm-capi-')), 'dev.kubeconfig');
    writeFileSync(file, r.stdout);
    const workload = await openKubeStore({ kubeconfig: file });
    try {
      const nodes = await workload.list({ apiVersion: 'v1', kind: 'Node' });
      const expected = (await cd('dev'))!.status!.capi!.machines.map((m) => m.node).sort();
      expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(expected);
    } finally {
      await workload.close();
    }
    // describe and get -o wide read the cluster too: Cluster API's machines as it reports them.
    const d = await run('describe', 'cd', 'dev', '-n', ns, '--kubeconfig', env!.kubeconfig);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Control plane: +dev-cp \(capi\) 1\/1 ready, 1 updated, at v1\.33\.4/);
    expect(d.stdout).toContain('Machines (Cluster API, Cluster dev):');
    expect(d.stdout.match(/^ {2}dev-\S+ +(control-plane|worker) .*v1\.33\.4 +Running +\S+/gm)).toHaveLength(
      3,
    );
    const g = await run('get', 'cd', '-n', ns, '-o', 'wide', '--kubeconfig', env!.kubeconfig);
    expect(g.stdout).toMatch(
      /^\S+ +dev +True +Ready +capi-inmemory +v1\.33\.4 +3\/3 .* 1\/1 v1\.33\.4 +dev-md-0:2\/2 /m,
    );
    // /metrics: the machines by phase.
    expect(await ctl.metrics.registry.metrics()).toContain(
      `clustermint_capi_machines{namespace="${ns}",deployment="dev",phase="Running"} 3`,
    );
    const missing = await run('kubeconfig', 'nope', '-n', ns, '--kubeconfig', env!.kubeconfig);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`error: ClusterDeployment "nope" not found in namespace ${ns}\n`);
  });

  it('scales workers up and down through the MachineDeployment', async () => {
    await modifyCd('dev', (o) => ({
      ...o,
      spec: { template: 'capi-inmemory', config: config({ workersNumber: 3 }) },
    }));
    await eventually(
      '3 workers',
      async () => {
        const c = await cd('dev');
        return c?.status?.machines?.workers.ready === 3 && condition(c, 'Ready')?.status === 'True'
          ? c
          : undefined;
      },
      120_000,
      250,
    );
    expect((await capiMachines('dev')).length).toBe(4);
    await modifyCd('dev', (o2) => ({
      ...o2,
      spec: { template: 'capi-inmemory', config: config({ workersNumber: 1 }) },
    }));
    await eventually(
      '1 worker',
      async () => {
        const c = await cd('dev');
        const machines = await capiMachines('dev');
        return machines.length === 2 &&
          c?.status?.machines?.workers.desired === 1 &&
          condition(c, 'Ready')?.status === 'True'
          ? c
          : undefined;
      },
      120_000,
      250,
    );
  });

  it('rides out a management cluster that is unreachable for a minute, losing nothing', async () => {
    // A second controller whose Cluster API calls go through a TCP proxy we can cut; the first one
    // steps aside for this deployment's namespace by being stopped.
    const target = new URL(env!.server);
    const sockets = new Set<Socket>();
    let up = true;
    const proxy = createServer((client) => {
      if (!up) return client.destroy();
      const server = connect(Number(target.port), target.hostname);
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as AddressInfo).port;
    const kc = readFileSync(env!.kubeconfig, 'utf8').replace(env!.server, `https://127.0.0.1:${port}`);
    const file = join(mkdtempSync(join(tmpdir(), 'cm-capi-proxy-')), 'kubeconfig');
    writeFileSync(file, kc);
    const viaProxy = await openKubeStore({ kubeconfig: file, fieldManager: 'clustermint' });
    await ctl.stop();
    const proxied = await startKubeController({
      store,
      registry: embeddedRegistry(cloud),
      capi: new ManagementCluster(viaProxy, 'clustermint'),
      clock: systemClock,
      catalog: new TemplateCatalog(),
      policies: [],
      logger: createLogger({ level: 'debug', component: 'clustermint-controller', destination: log.stream }),
      namespace: ns,
      controller: { pollMs: 500, resyncMs: 2_000 },
    });
    try {
      await readyAt('dev', 'v1.33.4');
      up = false;
      for (const s of sockets) s.destroy();
      const t0 = Date.now();
      await until(
        'dev',
        'dev unreachable',
        async () => {
          const c = await cd('dev');
          return condition(c, 'Ready')?.reason === 'ManagementClusterUnreachable' ? c : undefined;
        },
        30_000,
      );
      // A change made while Cluster API cannot be reached waits, and is not lost.
      await modifyCd('dev', (o) => ({
        ...o,
        spec: { template: 'capi-inmemory', config: config({ workersNumber: 2 }) },
      }));
      await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - t0))));
      const during = (await cd('dev'))!;
      expect(condition(during, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ManagementClusterUnreachable',
      });
      expect(during.status?.applied).toBeDefined();
      expect((await get(MD, 'dev-md-0'))?.spec).toMatchObject({ replicas: 1 });
      const warnings = (await events('dev')).filter((e) => e.reason === 'ManagementClusterUnreachable');
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]!.type).toBe('Warning');
      up = true;
      await until('dev', 'dev back with 2 workers', async () => {
        const c = await cd('dev');
        return c?.status?.machines?.workers.ready === 2 && condition(c, 'Ready')?.status === 'True'
          ? c
          : undefined;
      });
    } finally {
      up = true;
      await proxied.stop();
      await viaProxy.close();
      proxy.close();
      for (const s of sockets) s.destroy();
      ctl = await startController();
    }
  });

  it('denies at the gate: nothing is applied', async () => {
    await store.create({
      ...CD,
      metadata: { name: 'bad', namespace: ns },
      spec: { template: 'capi-inmemory', config: config({ workersNumber: -1 }) },
    });
    const denied = await eventually('bad denied', async () => {
      const c = await cd('bad');
      return condition(c, 'Ready')?.reason === 'PolicyDenied' ||
        condition(c, 'ValuesValid')?.status === 'False'
        ? c
        : undefined;
    });
    expect(condition(denied, 'ValuesValid')?.message).toMatch(/workersNumber.*must be >= 0/);
    expect(await get(CLUSTER, 'bad')).toBeUndefined();
    await store.delete({ ...CD, namespace: ns, name: 'bad' });
  });

  it("shows Cluster API's webhook denial and applies nothing of the set", async () => {
    // KubeadmControlPlane's webhook refuses an even number of replicas with stacked etcd.
    await store.create({
      ...CD,
      metadata: { name: 'even', namespace: ns },
      spec: { template: 'capi-inmemory', config: config({ controlPlaneNumber: 2 }) },
    });
    const denied = await eventually('even denied by Cluster API', async () => {
      const c = await cd('even');
      return condition(c, 'Applied')?.status === 'False' ? c : undefined;
    });
    expect(condition(denied, 'Applied')).toMatchObject({ reason: 'AdmissionDenied' });
    expect(condition(denied, 'Applied')?.message).toMatch(
      /KubeadmControlPlane .*even-cp.*nothing applied.*denied the request/,
    );
    expect(condition(denied, 'Ready')?.status).toBe('False');
    // The dry run stopped the whole set: not even the objects before the control plane exist.
    expect(
      await get({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DevCluster' }, 'even'),
    ).toBeUndefined();
    expect(await get(CLUSTER, 'even')).toBeUndefined();
    const warning = (await events('even')).find((e) => e.reason === 'AdmissionDenied');
    expect(warning?.type).toBe('Warning');
    await store.delete({ ...CD, namespace: ns, name: 'even' });
    await eventually('even gone', async () => ((await cd('even')) ? undefined : true));
  });

  it('says which CRD is missing when a rendered kind is not installed', async () => {
    // docker-hosted-cp renders a K0smotronControlPlane: k0smotron is not installed here.
    await store.create({
      ...CD,
      metadata: { name: 'k0s', namespace: ns },
      spec: { template: 'docker-hosted-cp', config: {} },
    });
    const c = await until(
      'k0s',
      'k0s CRDNotInstalled',
      async () => {
        const o = await cd('k0s');
        return condition(o, 'Applied')?.reason === 'CRDNotInstalled' ? o : undefined;
      },
      30_000,
    );
    expect(condition(c, 'Applied')?.message).toMatch(
      /K0smotronControlPlane .*nothing applied.*is its CRD installed/,
    );
    expect(await get(CLUSTER, 'k0s')).toBeUndefined();
    await store.delete({ ...CD, namespace: ns, name: 'k0s' });
    await eventually('k0s gone', async () => ((await cd('k0s')) ? undefined : true));
  });

  it('upgrades two minors in ordered steps, surviving a controller restart', async () => {
    await store.create({
      ...CD,
      metadata: { name: 'up', namespace: ns },
      spec: { template: 'capi-inmemory', config: config({ kubernetesVersion: 'v1.32.8' }) },
    });
    await readyAt('up', 'v1.32.8');
    // Snapshots of what Cluster API is asked for and reports, every 200 ms.
    const seen: {
      cpSpec?: string;
      cpStatus?: string;
      mdSpec?: string;
      cpMachines: string[];
      workerMachines: string[];
    }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const [kcp, md, machines] = await Promise.all([
          get(KCP, 'up-cp'),
          get(MD, 'up-md-0'),
          capiMachines('up'),
        ]);
        const v = (o: KubeObject | undefined, ...path: string[]) =>
          path.reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o) as
            | string
            | undefined;
        seen.push({
          cpSpec: v(kcp, 'spec', 'version'),
          cpStatus: v(kcp, 'status', 'version'),
          mdSpec: v(md, 'spec', 'template', 'spec', 'version'),
          cpMachines: machines
            .filter((m) => 'cluster.x-k8s.io/control-plane' in (m.metadata.labels ?? {}))
            .map((m) => v(m, 'spec', 'version')!),
          workerMachines: machines
            .filter((m) => !('cluster.x-k8s.io/control-plane' in (m.metadata.labels ?? {})))
            .map((m) => v(m, 'spec', 'version')!),
        });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await modifyCd('up', (o) => ({
      ...o,
      spec: { template: 'capi-inmemory', config: config({ kubernetesVersion: 'v1.34.1' }) },
    }));
    // Kill the controller as soon as the first step is under way (no Lease to release), start another.
    await eventually(
      'first step applied',
      async () =>
        ((await get(KCP, 'up-cp'))?.spec as { version?: string })?.version === 'v1.33.4' || undefined,
      60_000,
      100,
    );
    await ctl.stop({ release: false });
    await new Promise((r) => setTimeout(r, 2_000));
    ctl = await startController();
    await readyAt('up', 'v1.34.1', 240_000);
    watching = false;
    await watcher;

    const distinct = (xs: (string | undefined)[]) => xs.filter((x, i) => x !== undefined && x !== xs[i - 1]);
    expect(distinct(seen.map((s) => s.cpSpec))).toEqual(['v1.32.8', 'v1.33.4', 'v1.34.1']);
    expect(distinct(seen.map((s) => s.mdSpec))).toEqual(['v1.32.8', 'v1.34.1']);
    // Workers moved only once the control plane reported the target on every machine.
    const firstNewWorkers = seen.findIndex((s) => s.mdSpec === 'v1.34.1');
    expect(seen[firstNewWorkers]!.cpStatus).toBe('v1.34.1');
    // No worker machine was ever ahead of a control-plane machine.
    const minor = (v: string) => Number(v.split('.')[1]);
    for (const s of seen)
      if (s.cpMachines.length && s.workerMachines.length)
        expect(Math.max(...s.workerMachines.map(minor))).toBeLessThanOrEqual(
          Math.min(...s.cpMachines.map(minor)),
        );
    // Each step started once, across the restart.
    const steps = (await events('up'))
      .filter((e) => e.reason === 'ControlPlaneUpgrade')
      .map((e) => e.message);
    expect(steps.sort()).toEqual([
      'upgrading the control plane from v1.32.8 to v1.33.4',
      'upgrading the control plane from v1.33.4 to v1.34.1',
    ]);
    const done = (await cd('up'))!;
    expect(done.status?.upgrade).toBeUndefined();
    expect(condition(done, 'UpgradeInProgress')).toMatchObject({
      status: 'False',
      reason: 'UpgradeCompleted',
    });
  });

  it('heals a worker through the MachineHealthCheck', async () => {
    const before = (await capiMachines('up')).filter(
      (m) => !('cluster.x-k8s.io/control-plane' in (m.metadata.labels ?? {})),
    );
    const victim = before[0]!;
    // Cluster API's manual remediation: the MachineHealthCheck marks it unhealthy, the MachineSet replaces it.
    await modify(store, { ...MACHINE, namespace: ns, name: victim.metadata.name }, (m) => ({
      ...m,
      metadata: {
        ...m.metadata,
        annotations: { ...m.metadata.annotations, 'cluster.x-k8s.io/remediate-machine': '' },
      },
    }));
    await until('up', 'victim replaced', async () => {
      const c = await cd('up');
      const names = (c?.status?.capi?.machines ?? []).map((m) => m.name);
      return !names.includes(victim.metadata.name) &&
        c?.status?.machines?.workers.ready === 2 &&
        condition(c, 'Ready')?.status === 'True'
        ? c
        : undefined;
    });
    const reasons = (await events('up')).map((e) => e.reason);
    expect(reasons).toContain('MachineDeleted');
    expect(reasons.filter((r) => r === 'MachineCreated').length).toBeGreaterThan(0);
  });

  it('applies a Cluster deleted behind its back again', async () => {
    const before = (await get(CLUSTER, 'up'))!;
    await store.delete({ ...CLUSTER, namespace: ns, name: 'up' });
    // While Cluster API deletes it, the deployment says so and applies nothing.
    await until(
      'up',
      'up ClusterDeleting',
      async () => {
        const c = await cd('up');
        return condition(c, 'Ready')?.reason === 'ClusterDeleting' ? c : undefined;
      },
      60_000,
    );
    // Once it is gone, the whole set is applied again and Cluster API makes the machines again.
    // (Not waited to Ready: CAPD v1.13.7's in-memory backend does not serve the API server of a
    // workload cluster re-created under the same name, so its control plane never initializes.)
    const rebuilt = await until(
      'up',
      'up re-applied',
      async () => {
        const c = await cd('up');
        const cluster = await get(CLUSTER, 'up');
        return cluster &&
          cluster.metadata.uid !== before.metadata.uid &&
          condition(c, 'InfrastructureReady')?.status === 'True' &&
          (c?.status?.capi?.machines.length ?? 0) > 0
          ? c
          : undefined;
      },
      120_000,
    );
    expect(condition(rebuilt, 'Applied')?.status).toBe('True');
    expect((await get(KCP, 'up-cp'))?.spec).toMatchObject({ version: 'v1.34.1' });
    const reasons = (await events('up')).map((e) => e.reason);
    expect(reasons).toContain('ClusterDeleting');
    expect(reasons).toContain('ClusterMissing');
  });

  it('provisions a topology Cluster from the in-memory ClusterClass', async () => {
    const text = readFileSync(join(BUILTIN_CLUSTERCLASSES_DIR, 'capi-inmemory.yaml'), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubeObject;
      await store.apply(
        { ...o, metadata: { ...o.metadata, namespace: ns } },
        { fieldManager: 'platform-team' },
      );
    }
    await store.create({
      ...CD,
      metadata: { name: 'topo', namespace: ns },
      spec: {
        template: 'capi-inmemory',
        config: config({ topology: { enabled: true, class: 'in-memory' } }),
      },
    });
    const ready = await readyAt('topo', 'v1.33.4', 180_000);
    expect(ready.status?.machineDeployments).toEqual([
      expect.objectContaining({ name: 'md-0', version: 'v1.33.4', replicas: 2, readyReplicas: 2 }),
    ]);
    expect(ready.status?.capi?.machines).toHaveLength(3);
    // Cluster API's topology controller made the control plane and the MachineDeployment.
    const cluster = await get(CLUSTER, 'topo');
    expect((cluster?.spec as { controlPlaneRef?: { kind: string } } | undefined)?.controlPlaneRef?.kind).toBe(
      'KubeadmControlPlane',
    );
  });

  it('deletes the Cluster and waits for Cluster API before the deployment goes', async () => {
    for (const name of ['up', 'topo']) await store.delete({ ...CD, namespace: ns, name });
    await store.delete({ ...CD, namespace: ns, name: 'dev' });
    await eventually('dev gone', async () => ((await cd('dev')) ? undefined : true), 120_000, 250);
    expect(await get(CLUSTER, 'dev')).toBeUndefined();
    expect(await capiMachines('dev')).toEqual([]);
    expect(await get(KCP, 'dev-cp')).toBeUndefined();
    expect(await get(MD, 'dev-md-0')).toBeUndefined();
    for (const kind of ['DevMachineTemplate', 'DevCluster'])
      expect(
        (
          await store.list({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind }, { namespace: ns })
        ).items.filter((o) => o.metadata.labels?.[LABEL_CLUSTER_DEPLOYMENT] === 'dev'),
      ).toEqual([]);
    const reasons = (await events('dev')).map((e) => e.reason);
    expect(reasons).toContain('DeletingCluster');
    for (const name of ['up', 'topo'])
      await eventually(`${name} gone`, async () => ((await cd(name)) ? undefined : true), 120_000, 250);
    expect((await store.list(MACHINE, { namespace: ns })).items).toEqual([]);
    expect((await store.list(CLUSTER, { namespace: ns })).items).toEqual([]);
  });
});
