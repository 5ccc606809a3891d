import { fileURLToPath } from 'node:url';
import { loadTestenv } from './testenv-loader.js';

const _ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.argv[2] ?? 200);
const W = Number(process.argv[3] ?? 2);
const CP = Number(process.argv[4] ?? 1);
const NAMESPACES = 10;
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

let kubeconfig = process.env.BENCH_KUBECONFIG;
let testenv;
if (!kubeconfig) {
  const { findBinaries, startTestenv } = await loadTestenv(['binaries', 'cluster']);
  const found = findBinaries();
  if ('missing' in found) {
    console.log(
      `controller on Kubernetes (${N} ClusterDeployments): skipped, ${found.missing}; or set BENCH_KUBECONFIG`,
    );
    process.exit(0);
  }
  testenv = await startTestenv(found);
  kubeconfig = testenv.info.kubeconfig;
}

const { TemplateCatalog } = await import('../dist/resolve/catalog.js');
const { startKubeController } = await import('../dist/controller/kube-mode.js');
const { embeddedRegistry, SimulatedCloud, systemClock } = await import('../dist/providers/index.js');
const { installCrds, openKubeStore } = await import('../dist/store/kube/index.js');
const { createLogger } = await import('../dist/util/log.js');

const store = await openKubeStore({ kubeconfig, fieldManager: 'clustermint-bench' });
let ctl;
try {
  // The API server: ready once it answers (the test environment takes a few seconds).
  const up0 = performance.now();
  for (;;) {
    try {
      await store.list({ apiVersion: 'v1', kind: 'Namespace' });
      break;
    } catch (e) {
      if (performance.now() - up0 > 120_000) throw new Error(`the API server is not answering: ${e.message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await installCrds(store);
  for (let i = 0; i < NAMESPACES; i++)
    await store
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${i}` } })
      .catch((e) => {
        if (e.reason !== 'AlreadyExists') throw e;
      });
  // kube-apiserver holds the first requests for a new CRD's objects for 2 s (an HA safeguard).
  await store.list(CD);

  const cloud = new SimulatedCloud({
    clock: systemClock,
    bootDelayMs: 0,
    bootJitter: 0,
    clusterDelayMs: 0,
    deleteDelayMs: 0,
  });
  ctl = await startKubeController({
    store,
    registry: embeddedRegistry(cloud),
    clock: systemClock,
    catalog: new TemplateCatalog(),
    policies: [],
    logger: createLogger({ level: 'silent', component: 'clustermint-controller' }),
  });
  let peakRss = 0;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);

  const spec = {
    template: 'simulated-standalone-cp',
    config: {
      controlPlaneNumber: CP,
      workersNumber: W,
      bootDelay: '0s',
      zones: ['a', 'b', 'c'],
      k0s: { version: 'v1.33.4+k0s.0' },
    },
  };
  const ready = (cd) => cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const metricsOf = async () => {
    const m = (await ctl.metrics.reconcileDuration.get()).values;
    const of = (name) => m.filter((v) => v.metricName === name).reduce((n, v) => n + v.value, 0);
    return {
      count: of('clustermint_reconcile_duration_seconds_count'),
      sum: of('clustermint_reconcile_duration_seconds_sum'),
    };
  };

  async function phase(name, done) {
    const t0 = performance.now();
    const r0 = ctl.reconciles;
    const m0 = await metricsOf();
    let last = t0;
    for (;;) {
      const items = (await store.list(CD)).items;
      const n = done(items);
      if (n === N) break;
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.log(`  ${name}: ${n}/${N} after ${((last - t0) / 1000).toFixed(0)} s`);
      }
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`${name}: not done after 30 min`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const s = (performance.now() - t0) / 1000;
    const recs = ctl.reconciles - r0;
    const m1 = await metricsOf();
    const mean = (m1.sum - m0.sum) / Math.max(1, m1.count - m0.count);
    console.log(
      `${name}: ${s.toFixed(1)} s, ${recs} reconciles (${(recs / s).toFixed(1)}/s, mean ${(mean * 1000).toFixed(1)} ms each)`,
    );
    return s;
  }

  console.log(
    `\nController on Kubernetes: ${N} ClusterDeployments x (${CP} control-plane + ${W} workers), simulated provider, zero boot delay, ${testenv ? 'test environment' : 'BENCH_KUBECONFIG'} (Node ${process.version})`,
  );
  const c0 = performance.now();
  for (let i = 0; i < N; i++)
    await store.create({ ...CD, metadata: { name: `c${i}`, namespace: `bench-${i % NAMESPACES}` }, spec });
  console.log(`created ${N} ClusterDeployments in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
  await phase('time to all Ready', (items) => items.filter(ready).length);
  const machines = (await store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'Machine' })).items
    .length;
  const events = (await store.list({ apiVersion: 'v1', kind: 'Event' })).items.length;
  console.log(
    `  in the API server: ${machines} Machines, ${events} Events; the simulated cloud: ${cloud.machineRecordCount()} machines`,
  );
  for (let i = 0; i < N; i++)
    await store.delete({ ...CD, namespace: `bench-${i % NAMESPACES}`, name: `c${i}` });
  await phase('time to all deleted', (items) => N - items.length);
  clearInterval(sample);
  console.log(`peak RSS ${(peakRss / 1048576).toFixed(0)} MiB (controller and client; the API server apart)`);
  cloud.close();
} finally {
  await ctl?.stop();
  await store.close();
  await testenv?.stop();
}
