import { fileURLToPath } from 'node:url';
import { loadTestenv } from './testenv-loader.js';

const _ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.argv[2] ?? 20);
const W = Number(process.argv[3] ?? 3);
const FROM = 'v1.32.8';
const TO = 'v1.33.4';
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };
const CLUSTER = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' };
const KCP = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane' };
const MD = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment' };
const config = (version) => ({
  controlPlaneNumber: 1,
  workersNumber: W,
  kubernetesVersion: version,
  provisioning: { vm: '1s', node: '500ms', apiServer: '500ms', etcd: '500ms', jitter: '0' },
  healthCheck: { enabled: false },
});

const { findBinaries, startTestenv, waitReady, findCapi, startCapi } = await loadTestenv([
  'binaries',
  'cluster',
  'ready',
  'capi',
]);
const bin = findBinaries();
const capiBuild = findCapi();
if ('missing' in bin || 'missing' in capiBuild) {
  console.log(`\ncapi provider on Cluster API: skipped, ${bin.missing ?? capiBuild.missing}`);
  process.exit(0);
}
const testenv = await startTestenv(bin);
let capi;
let ctl;
let store;
try {
  await waitReady(testenv.info, 120_000);
  capi = await startCapi(testenv.info, capiBuild);
  const { TemplateCatalog } = await import('../dist/resolve/catalog.js');
  const { renderChart } = await import('../dist/render/chart/render.js');
  const { runChart } = await import('../dist/gate/chart-pipeline.js');
  const { startKubeController } = await import('../dist/controller/kube-mode.js');
  const { ManagementCluster } = await import('../dist/providers/capi/management-cluster.js');
  const { embeddedRegistry, SimulatedCloud, systemClock } = await import('../dist/providers/index.js');
  const { installCrds, openKubeStore } = await import('../dist/store/kube/index.js');
  const { createLogger } = await import('../dist/util/log.js');
  store = await openKubeStore({ kubeconfig: testenv.info.kubeconfig, fieldManager: 'clustermint-bench' });
  await installCrds(store);
  for (const ns of ['bench-cm', 'bench-direct'])
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await store.list(CD);

  let peakRss = 0;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const conds = (o) => o.status?.conditions ?? [];
  const isTrue = (o, type) => conds(o).some((c) => c.type === type && c.status === 'True');

  /** Polls until `count()` reaches N; returns seconds and this process's CPU seconds. */
  async function phase(name, count) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let last = t0;
    for (;;) {
      const n = await count();
      if (n >= N) break;
      if (performance.now() - last > 15_000) {
        last = performance.now();
        console.log(`  ${name}: ${n}/${N} after ${((last - t0) / 1000).toFixed(0)} s`);
      }
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`${name}: not done after 30 min`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const cpu = process.cpuUsage(cpu0);
    return { s: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  }

  const list = async (type, ns) => (await store.list(type, { namespace: ns })).items;
  const machinesRunning = async (ns, version) => {
    const ms = await list({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine' }, ns);
    const byCluster = new Map();
    for (const m of ms) {
      const c = m.metadata.labels?.['cluster.x-k8s.io/cluster-name'];
      const ok =
        m.status?.phase === 'Running' && m.spec?.version === version && !m.metadata.deletionTimestamp;
      const e = byCluster.get(c) ?? { ok: 0, all: 0 };
      e.all++;
      if (ok) e.ok++;
      byCluster.set(c, e);
    }
    return [...byCluster.values()].filter((e) => e.ok === 1 + W && e.all === 1 + W).length;
  };

  console.log(
    `\nThe capi provider on a real Cluster API (core, kubeadm, CAPD in-memory v1.13; Node ${process.version}): ${N} clusters x (1 control-plane + ${W} workers)`,
  );

  // --- Directly: the rendered objects applied by this script, no clustermint controller.
  const catalog = new TemplateCatalog();
  const chart = catalog.resolve('capi-inmemory');
  const objectsOf = (name, version) => {
    const { values } = runChart({
      chart,
      sources: [{ label: 'bench', value: config(version) }],
      release: { name, namespace: 'bench-direct' },
    });
    return renderChart({ chart, values, release: { name, namespace: 'bench-direct' } }).map((d) => d.object);
  };
  const order = (o) => (o.kind === 'Cluster' ? 2 : o.kind === 'MachineDeployment' ? 1 : 0);
  const t0 = performance.now();
  for (let i = 0; i < N; i++)
    for (const o of objectsOf(`d${i}`, FROM).sort((a, b) => order(a) - order(b)))
      await store.apply({ ...o, metadata: { ...o.metadata, namespace: 'bench-direct' } }, { force: true });
  const directApply = (performance.now() - t0) / 1000;
  const directReady = await phase('direct: all Ready', () => machinesRunning('bench-direct', FROM));
  // The upgrade as a script does it: control planes, then each MachineDeployment once its control plane is done.
  const u0 = performance.now();
  for (let i = 0; i < N; i++)
    await store.apply(
      { ...KCP, metadata: { name: `d${i}-cp`, namespace: 'bench-direct' }, spec: { version: TO } },
      { fieldManager: 'bench-upgrade', force: true },
    );
  const movedWorkers = new Set();
  const directUpgrade = await phase('direct: all upgraded', async () => {
    for (const k of await list(KCP, 'bench-direct')) {
      const name = k.metadata.name.replace(/-cp$/, '');
      if (k.status?.version === TO && !movedWorkers.has(name)) {
        movedWorkers.add(name);
        await store.apply(
          {
            ...MD,
            metadata: { name: `${name}-md-0`, namespace: 'bench-direct' },
            spec: { template: { spec: { version: TO } } },
          },
          { fieldManager: 'bench-upgrade', force: true },
        );
      }
    }
    return machinesRunning('bench-direct', TO);
  });
  directUpgrade.s = (performance.now() - u0) / 1000;
  for (let i = 0; i < N; i++) await store.delete({ ...CLUSTER, namespace: 'bench-direct', name: `d${i}` });
  await phase('direct: deleted', async () => N - (await list(CLUSTER, 'bench-direct')).length);

  // --- Through clustermint.
  const cloud = new SimulatedCloud({ clock: systemClock });
  ctl = await startKubeController({
    store,
    registry: embeddedRegistry(cloud),
    capi: new ManagementCluster(store, 'clustermint'),
    clock: systemClock,
    catalog,
    policies: [],
    logger: createLogger({ level: 'silent', component: 'clustermint-controller' }),
    namespace: 'bench-cm',
  });
  const c0 = performance.now();
  for (let i = 0; i < N; i++)
    await store.create({
      ...CD,
      metadata: { name: `c${i}`, namespace: 'bench-cm' },
      spec: { template: 'capi-inmemory', config: config(FROM) },
    });
  const createS = (performance.now() - c0) / 1000;
  const readyAt = (version) => async () =>
    (await list(CD, 'bench-cm')).filter(
      (c) =>
        isTrue(c, 'Ready') &&
        c.status?.k8sVersion === version &&
        c.status?.observedGeneration === c.metadata.generation,
    ).length;
  const cmReady = await phase('clustermint: all Ready', readyAt(FROM));
  const u1 = performance.now();
  for (const c of await list(CD, 'bench-cm'))
    await store.update({ ...c, spec: { template: 'capi-inmemory', config: config(TO) } });
  const cmUpgrade = await phase('clustermint: all upgraded', readyAt(TO));
  cmUpgrade.s = (performance.now() - u1) / 1000;
  const reconciles = ctl.reconciles;
  for (let i = 0; i < N; i++) await store.delete({ ...CD, namespace: 'bench-cm', name: `c${i}` });
  const cmDelete = await phase(
    'clustermint: all deleted',
    async () => N - (await list(CD, 'bench-cm')).length,
  );
  clearInterval(sample);

  const row = (what, cm, direct) =>
    console.log(
      `  ${what.padEnd(34)} clustermint ${cm.toFixed(1).padStart(6)} s   direct ${direct.toFixed(1).padStart(6)} s   ratio ${(cm / direct).toFixed(2)}x`,
    );
  row('time to all Ready (from create)', createS + cmReady.s, directApply + directReady.s);
  row(`rolling upgrade ${FROM} -> ${TO}`, cmUpgrade.s, directUpgrade.s);
  console.log(
    `  clustermint controller CPU: ${cmReady.cpu.toFixed(1)} s while provisioning, ${cmUpgrade.cpu.toFixed(1)} s while upgrading (${reconciles} reconciles); delete all ${cmDelete.s.toFixed(1)} s; peak RSS ${(peakRss / 1048576).toFixed(0)} MiB (controller + this script)`,
  );
  cloud.close();
} finally {
  await ctl?.stop();
  await store?.close();
  await capi?.stop();
  await testenv.stop();
}
