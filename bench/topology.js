// ClusterClass rendering: a class with 10 patches and 3 MachineDeployment classes, a Cluster
// with 3 MachineDeployments (bench/fixtures/topology-10-patches.yaml): renders/s, warm.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { renderTopology } from '../dist/render/topology/index.js';

const file = fileURLToPath(new URL('./fixtures/topology-10-patches.yaml', import.meta.url));
const [cluster, ...objects] = jsyaml.loadAll(readFileSync(file, 'utf8'));

/**
 * Warm renders/s and latency percentiles of the fixture (each render starts from the parsed
 * documents). "Warm" means after the JIT has settled: the first second runs unmeasured (200
 * renders were not enough for V8's optimising tier to take over every hot function).
 */
export function benchTopology({ ms = 3000, warmMs = 1000 } = {}) {
  const first = renderTopology({ cluster, objects });
  if (first.findings.length) throw new Error(first.findings.map((f) => f.message).join('\n'));
  const warmUntil = performance.now() + warmMs;
  while (performance.now() < warmUntil) renderTopology({ cluster, objects });
  const samples = [];
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const s = performance.now();
    renderTopology({ cluster, objects });
    samples.push(performance.now() - s);
    if ((samples.length & 1023) === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const total = performance.now() - t0;
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  return {
    objects: first.objects.length,
    rendersPerSec: (samples.length * 1000) / total,
    p50: q(50),
    p99: q(99),
    heapPeakMiB: heapPeak / 2 ** 20,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(benchTopology());
