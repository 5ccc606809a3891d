// Reconciler benchmark (issue 5): N ClusterDeployments x (CP control-plane + W worker machines)
// on the simulated provider with zero boot delay, driven by a ManualClock (simulated time jumps
// to the next requeue, so the wall time is the reconciler's own cost). The state is a SQLite file
// in a temporary folder, as `clustermint controller` keeps it (`--memory`: in memory). Prints the
// time to Ready, a rolling upgrade of all of them (v1.33.4 -> v1.34.1, one minor), reconciles/s
// and peak RSS, each against the target (1,000 x (3+10): <= 60 s, <= 120 s, <= 1 GiB).
// Usage: node bench/reconciler.js [N=1000] [W=10] [CP=3] [--memory]   (npm run build first)
// bench/run.js runs it in its own process (peak RSS is per process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createController } from '../dist/controller/index.js';
import { embeddedRegistry, ManualClock, SimulatedCloud } from '../dist/providers/index.js';
import { TemplateCatalog } from '../dist/resolve/catalog.js';
import { openSqliteStore } from '../dist/store/index.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };
export const TARGETS = { provisionSeconds: 60, upgradeSeconds: 120, peakRssMiB: 1024 };

const ready = (cd) => cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Runs the workload; returns the figures. */
export async function benchReconciler({ n = 1000, workers = 10, controlPlane = 3, memory = false } = {}) {
  const dir = memory ? undefined : mkdtempSync(join(tmpdir(), 'clustermint-bench-reconciler-'));
  const clock = new ManualClock();
  const store = openSqliteStore(dir ? join(dir, 'state.db') : ':memory:', {
    clock,
  });
  const cloud = new SimulatedCloud({
    clock,
    path: dir ? join(dir, 'simulated-cloud.db') : ':memory:',
    bootDelayMs: 0,
    bootJitter: 0,
    clusterDelayMs: 0,
    deleteDelayMs: 0,
  });
  // Which deployments are done: the ones reconciled since the last look are read again.
  const touched = new Set();
  const { runtime } = createController({
    store,
    registry: embeddedRegistry(cloud),
    clock,
    catalog: new TemplateCatalog(),
    policies: [],
    onReconciled: (key) => touched.add(key),
  });
  const spec = (version) => ({
    template: 'simulated-standalone-cp',
    config: {
      controlPlaneNumber: controlPlane,
      workersNumber: workers,
      bootDelay: '0s',
      zones: ['a', 'b', 'c'],
      k0s: { version },
    },
  });

  async function phase(done) {
    const finished = new Set();
    touched.clear();
    const r0 = runtime.reconciles;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const sim0 = clock.now();
    const ok = await runtime.runManual(clock, {
      until: async () => {
        for (const key of touched) {
          // deployments' keys only (services:, credential:, ... keys name other work)
          if (key.includes(':')) continue;
          const [namespace, name] = key.split('/');
          const cd = await store.get({ ...CD, namespace, name });
          if (done(cd)) finished.add(key);
          else finished.delete(key);
        }
        touched.clear();
        return finished.size === n;
      },
      maxVirtualMs: 24 * 3_600_000,
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const reconciles = runtime.reconciles - r0;
    return {
      done: ok,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      simulatedSeconds: (clock.now() - sim0) / 1000,
      reconciles,
      reconcilesPerSecond: reconciles / seconds,
    };
  }

  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i++)
      await store.create({
        ...CD,
        metadata: { name: `c${i}`, namespace: `team-${i % 10}` },
        spec: spec('v1.33.4+k0s.0'),
      });
    const storeSeconds = (performance.now() - t0) / 1000;
    const provision = await phase(ready);
    for (const cd of (await store.list(CD)).items) await store.update({ ...cd, spec: spec('v1.34.1+k0s.0') });
    const upgrade = await phase(
      (cd) =>
        ready(cd) &&
        cd.status?.k8sVersion === 'v1.34.1' &&
        cd.status?.observedGeneration === cd.metadata.generation,
    );
    const machines = (await store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'Machine' })).items;
    const upToDate = machines.filter((m) => m.status?.kubeletVersion?.startsWith('v1.34.1')).length;
    return {
      n,
      workers,
      controlPlane,
      state: dir ? 'file' : 'memory',
      storeSeconds,
      provision,
      upgrade,
      machines: machines.length,
      machinesExpected: n * (controlPlane + workers),
      machinesUpgraded: upToDate,
      // ru_maxrss: the process's peak resident set (KiB on Linux).
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await runtime.stop();
    await store.close();
    cloud.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export function printReconcilerFigures(r) {
  const full = r.n === 1000 && r.workers === 10 && r.controlPlane === 3;
  const vs = (value, target, unit) =>
    full ? ` (target <= ${target} ${unit}: ${value <= target ? 'met' : 'NOT MET'})` : '';
  const line = (name, p, target) =>
    `${name}: ${p.done ? '' : 'NOT DONE after '}${p.seconds.toFixed(1)} s wall${vs(p.seconds, target, 's')}, ` +
    `${p.cpuSeconds.toFixed(1)} s CPU, ${p.simulatedSeconds.toFixed(0)} s simulated, ${p.reconciles} reconciles, ` +
    `${Math.round(p.reconcilesPerSecond)} reconciles/s`;
  console.log(
    `\nReconciler: ${r.n} ClusterDeployments x (${r.controlPlane} control-plane + ${r.workers} worker machines), ` +
      `zero boot delay, state in a SQLite ${r.state === 'file' ? 'file' : 'database in memory'} (Node ${process.version})` +
      (full ? '' : ' [not the issue workload of 1,000 x (3+10): no targets]'),
  );
  console.log(`  ${line('provision to Ready', r.provision, TARGETS.provisionSeconds)}`);
  console.log(`  ${line('rolling upgrade v1.33.4 -> v1.34.1', r.upgrade, TARGETS.upgradeSeconds)}`);
  console.log(
    `  machines: ${r.machines} (expected ${r.machinesExpected}), ${r.machinesUpgraded} at v1.34.1; ` +
      `peak RSS ${r.peakRssMiB.toFixed(0)} MiB${vs(r.peakRssMiB, TARGETS.peakRssMiB, 'MiB')}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const memory = process.argv.includes('--memory');
  const [n = 1000, workers = 10, controlPlane = 3] = args.map(Number);
  printReconcilerFigures(await benchReconciler({ n, workers, controlPlane, memory }));
}
