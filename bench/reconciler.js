// Reconciler benchmark: N ClusterDeployments x (CP control-plane + W worker machines) on the
// simulated provider with zero boot delay, driven by a ManualClock (simulated time jumps to the
// next requeue, so the wall time is the reconciler's own cost). Prints time to Ready, a rolling
// upgrade of all of them (v1.33.4 -> v1.34.1), reconciles/s and peak RSS.
// Usage: node bench/reconciler.js [N=100] [W=10] [CP=3]   (npm run build first)
import { TemplateCatalog } from '../dist/api/catalog.js';
import { createController } from '../dist/controller/index.js';
import { embeddedRegistry, ManualClock, SimulatedCloud } from '../dist/providers/index.js';
import { openSqliteStore } from '../dist/store/index.js';

const N = Number(process.argv[2] ?? 100);
const W = Number(process.argv[3] ?? 10);
const CP = Number(process.argv[4] ?? 3);
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

const clock = new ManualClock();
const store = openSqliteStore(':memory:', { clock: { now: () => new Date(clock.now()) } });
const cloud = new SimulatedCloud({
  clock,
  bootDelayMs: 0,
  bootJitter: 0,
  clusterDelayMs: 0,
  deleteDelayMs: 0,
});
const { runtime } = createController({
  store,
  registry: embeddedRegistry(cloud),
  clock,
  catalog: new TemplateCatalog(),
  policies: [],
});
let peakRss = 0;
const sample = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const spec = (version) => ({
  template: 'simulated-standalone-cp',
  config: {
    controlPlaneNumber: CP,
    workersNumber: W,
    bootDelay: '0s',
    zones: ['a', 'b', 'c'],
    k0s: { version },
  },
});
const count = async (pred) => {
  let n = 0;
  for (const cd of (await store.list(CD)).items) if (pred(cd)) n++;
  return n;
};
const ready = (cd) => cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const upgraded = (cd) =>
  ready(cd) &&
  cd.status?.k8sVersion === 'v1.34.1' &&
  cd.status?.observedGeneration === cd.metadata.generation;

async function phase(name, until) {
  const r0 = runtime.reconciles;
  const t0 = performance.now();
  const sim0 = clock.now();
  let checks = 0;
  const ok = await runtime.runManual(clock, {
    // Counting all deployments is costly: look every 200 reconciles.
    until: async () => ++checks % 200 === 0 && (await count(until)) === N,
    maxVirtualMs: 24 * 3_600_000,
  });
  const ms = performance.now() - t0;
  const recs = runtime.reconciles - r0;
  console.log(
    `${name}: ${ok ? 'done' : 'NOT DONE'} in ${(ms / 1000).toFixed(1)} s wall (${((clock.now() - sim0) / 1000).toFixed(0)} s simulated), ` +
      `${recs} reconciles, ${Math.round(recs / (ms / 1000))} reconciles/s`,
  );
}

const t0 = performance.now();
for (let i = 0; i < N; i++)
  await store.create({
    ...CD,
    metadata: { name: `c${i}`, namespace: `team-${i % 10}` },
    spec: spec('v1.33.4+k0s.0'),
  });
console.log(
  `${N} ClusterDeployments x (${CP} control-plane + ${W} worker machines), stored in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
);
await phase('provision to Ready', ready);
for (const cd of (await store.list(CD)).items) await store.update({ ...cd, spec: spec('v1.34.1+k0s.0') });
await phase('rolling upgrade v1.33.4 -> v1.34.1', upgraded);
const machines = (await store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'Machine' })).items.length;
clearInterval(sample);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(
  `machines: ${machines} (expected ${N * (CP + W)}), peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`,
);
await runtime.stop();
await store.close();
cloud.close();
