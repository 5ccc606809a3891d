// Reconciler benchmark (issues 5 and 18): N ClusterDeployments x (CP control-plane + W worker
// machines) on the simulated provider with zero boot delay, driven by a ManualClock (simulated
// time jumps to the next requeue, so the wall time is the reconciler's own cost). The state is a
// SQLite file in a temporary folder, as `clustermint controller` keeps it (`--memory`: in
// memory). Prints the time to Ready, a rolling upgrade of all of them (v1.33.4 -> v1.34.1, one
// minor), reconciles/s and peak RSS, each against issue 18's target and figure before it
// (1,000 x (3+10): <= 20 s, <= 40 s, <= 512 MiB; before 31.1 s, 102.1 s, 741 MiB).
// Usage: node bench/reconciler.js [N=1000] [W=10] [CP=3] [--memory]   (npm run build first)
// BENCH_JSON=1: a last line `ISSUE18 {"provisionS":..,"upgradeS":..,"peakRssMiB":..}`.
// bench/run.js runs it in its own process (peak RSS is per process).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { createController } from '../dist/controller/index.js';
import { embeddedRegistry, ManualClock, SimulatedCloud } from '../dist/providers/index.js';
import { TemplateCatalog } from '../dist/resolve/catalog.js';
import { openSqliteStore } from '../dist/store/index.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };
export const TARGETS = { provisionSeconds: 20, upgradeSeconds: 40, peakRssMiB: 512 };
/** Issue 18's figures before its round (an idle 2-core machine). */
export const BEFORE = { provisionSeconds: 31.1, upgradeSeconds: 102.1, peakRssMiB: 741 };

const ready = (cd) => cd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Runs the workload; returns the figures (`upgrade: false`: provision only, for a profile of it). */
export async function benchReconciler({
  n = 1000,
  workers = 10,
  controlPlane = 3,
  memory = false,
  upgrade: withUpgrade = true,
} = {}) {
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
    if (!withUpgrade) return { n, provision };
    for (const cd of (await store.list(CD)).items) await store.update({ ...cd, spec: spec('v1.34.1+k0s.0') });
    const upgrade = await phase(
      (cd) =>
        ready(cd) &&
        cd.status?.k8sVersion === 'v1.34.1' &&
        cd.status?.observedGeneration === cd.metadata.generation,
    );
    const memory = memoryFigures(dir);
    // BENCH_HEAP_SNAPSHOT=path: a heap snapshot of the controller after the upgrade
    if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
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
      memory,
    };
  } finally {
    await runtime.stop();
    await store.close();
    cloud.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the memory is after the upgrade (MiB): the JS heap, native buffers, the state files. */
function memoryFigures(dir) {
  const mib = (b) => Math.round(b / 1048576);
  const m = process.memoryUsage();
  const files = {};
  if (dir) for (const f of readdirSync(dir)) files[f] = mib(statSync(join(dir, f)).size);
  // Linux: how much of the resident set is anonymous memory and how much mapped files (SQLite's mmap)
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rss: mib(m.rss),
    rssAnon: Math.round(kib('RssAnon') / 1024),
    rssFile: Math.round(kib('RssFile') / 1024),
    heapUsed: mib(m.heapUsed),
    heapTotal: mib(m.heapTotal),
    external: mib(m.external),
    files,
  };
}

export function printReconcilerFigures(r) {
  const full = r.n === 1000 && r.workers === 10 && r.controlPlane === 3;
  const vs = (value, target, unit, before) =>
    full
      ? ` (target <= ${target} ${unit}: ${value <= target ? 'met' : 'NOT MET'}; before ${before} ${unit})`
      : '';
  const line = (name, p, target, before) =>
    `${name}: ${p.done ? '' : 'NOT DONE after '}${p.seconds.toFixed(1)} s wall${vs(p.seconds, target, 's', before)}, ` +
    `${p.cpuSeconds.toFixed(1)} s CPU, ${p.simulatedSeconds.toFixed(0)} s simulated, ${p.reconciles} reconciles, ` +
    `${Math.round(p.reconcilesPerSecond)} reconciles/s`;
  console.log(
    `\nReconciler: ${r.n} ClusterDeployments x (${r.controlPlane} control-plane + ${r.workers} worker machines), ` +
      `zero boot delay, state in a SQLite ${r.state === 'file' ? 'file' : 'database in memory'} (Node ${process.version})` +
      (full ? '' : ' [not the issue workload of 1,000 x (3+10): no targets]'),
  );
  console.log(
    `  ${line('provision to Ready', r.provision, TARGETS.provisionSeconds, BEFORE.provisionSeconds)}`,
  );
  console.log(
    `  ${line('rolling upgrade v1.33.4 -> v1.34.1', r.upgrade, TARGETS.upgradeSeconds, BEFORE.upgradeSeconds)}`,
  );
  console.log(
    `  machines: ${r.machines} (expected ${r.machinesExpected}), ${r.machinesUpgraded} at v1.34.1; ` +
      `peak RSS ${r.peakRssMiB.toFixed(0)} MiB${vs(r.peakRssMiB, TARGETS.peakRssMiB, 'MiB', BEFORE.peakRssMiB)}`,
  );
  console.log(`  memory after the upgrade (MiB): ${JSON.stringify(r.memory)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const memory = process.argv.includes('--memory');
  const [n = 1000, workers = 10, controlPlane = 3] = args.map(Number);
  const r = await benchReconciler({ n, workers, controlPlane, memory });
  printReconcilerFigures(r);
  if (process.env.BENCH_JSON === '1') {
    const round = (x) => Math.round(x * 10) / 10;
    console.log(
      `ISSUE18 ${JSON.stringify({ provisionS: round(r.provision.seconds), upgradeS: round(r.upgrade.seconds), peakRssMiB: Math.round(r.peakRssMiB) })}`,
    );
  }
}
