// Helm charts in Go templates against the real `helm template` (helm v4.3.2, built by
// scripts/install-go-tool.sh helm), all in the same run, on k0rdent's aws-standalone-cp chart
// (../shared/conformance/helm/k0rdent/charts, read in place) with the parity test's values:
//   1. warm, in process: renders/s of the whole `helm template` path (load from the chart's files,
//      dependencies, values, schema validation, render, manifest sort and output) against helm's
//      per-render time (its wall time per `helm template` process: what each render costs with it);
//   2. a fleet: N ClusterDeployments (default 1,000; BENCH_HELM_FLEET) rendered, validated and gated
//      (the repository's example policies) in one `clustermint check`, against N `helm template` runs;
//   3. cold: one `clustermint template CHART -f values` process against one `helm template` process.
// `node bench/helm.js` alone, or part of `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { helmTemplate } from '../dist/render/helm/index.js';
import { loadValues } from '../dist/render/helm/load.js';
import { readChartFolder } from '../dist/resolve/chart-sources/folder.js';
import { readChartArchive } from '../dist/util/archive.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHARTS = join(ROOT, '..', 'shared', 'conformance', 'helm', 'k0rdent', 'charts');
const CHART = join(CHARTS, 'aws-standalone-cp');
const VALUES = join(ROOT, 'test', 'fixtures', 'helm', 'k0rdent-values', 'aws-standalone-cp.yaml');

function findHelm() {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const r = spawnSync(join(ROOT, 'scripts', 'install-go-tool.sh'), ['helm', '--cached'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Wall times of `runs` runs of a command, sorted (ms). */
function wallTimes(runs, cmd, args, env) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
    const t = ms(t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(t);
  }
  return times.sort((a, b) => a - b);
}

export async function benchHelm() {
  const helm = findHelm();
  if (!existsSync(CHART)) {
    console.log(`\nHelm charts: skipped (${CHART} not found: ../shared is absent)`);
    return;
  }
  if (!helm) {
    console.log('\nHelm charts: skipped (no helm: run scripts/install-go-tool.sh helm, or set HELM_BIN)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'clustermint-bench-helm-'));
  const helmEnv = {
    ...process.env,
    HELM_CACHE_HOME: join(work, 'helm-cache'),
    HELM_CONFIG_HOME: join(work, 'helm-config'),
    HELM_DATA_HOME: join(work, 'helm-data'),
  };
  try {
    // 1. warm, in process
    const files = readChartFolder(CHART);
    const values = loadValues(readFileSync(VALUES, 'utf8'));
    let n = 0;
    const render = (name) =>
      helmTemplate(files, { releaseName: name, namespace: 'team-a', values, readArchive: readChartArchive });
    const objects = render('dev-1').manifests.length;
    const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 1500), warmupTime: 300 });
    bench.add('aws-standalone-cp (Go templates): helm template in process, new release name each time', () =>
      render(`dev-${n++ % 1000}`),
    );
    await bench.run();
    const r = bench.tasks[0].result;
    const helmTimes = wallTimes(
      Number(process.env.BENCH_HELM_RUNS ?? 20),
      helm,
      ['template', 'dev-1', CHART, '-f', VALUES, '-n', 'team-a'],
      helmEnv,
    );
    const helmP50 = pct(helmTimes, 50);
    const perSec = 1000 / r.period;
    console.log(`\nHelm charts in Go templates (k0rdent aws-standalone-cp, ${objects} objects per render)`);
    console.table([
      {
        task: 'clustermint, warm in process (load, values, schema, render, sort)',
        'ops/s': Math.round(perSec).toLocaleString('en-US'),
        'p50 ms': r.latency.p50.toFixed(3),
        'p99 ms': r.latency.p99.toFixed(3),
      },
      {
        task: `helm template, one process per render (${helmTimes.length} runs)`,
        'ops/s': (1000 / helmP50).toFixed(1),
        'p50 ms': helmP50.toFixed(1),
        'p99 ms': pct(helmTimes, 99).toFixed(1),
      },
    ]);
    console.log(
      `warm renders/s against helm's per-render time: ${(perSec * (helmP50 / 1000)).toFixed(0)}x (target >= 20x); heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`,
    );

    // 2. the fleet
    const size = Number(process.env.BENCH_HELM_FLEET ?? 1000);
    const docs = [];
    const valueFiles = [];
    for (let i = 0; i < size; i++) {
      const config = {
        region: i % 2 ? 'eu-west-1' : 'eu-central-1',
        clusterIdentity: { name: 'aws-cluster-identity', kind: 'AWSClusterStaticIdentity' },
        controlPlaneNumber: 3,
        workersNumber: 1 + (i % 5),
        controlPlane: { instanceType: 't3.large' },
        worker: { instanceType: i % 3 ? 't3.xlarge' : 'm5.xlarge' },
      };
      docs.push(
        JSON.stringify({
          apiVersion: 'clustermint.io/v1alpha1',
          kind: 'ClusterDeployment',
          metadata: { name: `fleet-${String(i).padStart(4, '0')}`, namespace: 'team-a' },
          spec: { template: 'aws-standalone-cp', credential: 'team-a-aws', config },
        }),
      );
      const vf = join(work, `values-${i}.json`);
      writeFileSync(vf, JSON.stringify(config));
      valueFiles.push(vf);
    }
    const fleetFile = join(work, 'fleet.yaml');
    writeFileSync(fleetFile, docs.join('\n---\n'));
    const bin = join(ROOT, 'bin', 'clustermint.js');
    const t0 = process.hrtime.bigint();
    const check = spawnSync(
      process.execPath,
      [
        bin,
        'check',
        '-f',
        fleetFile,
        '--templates',
        CHARTS,
        '--policies',
        join(ROOT, 'policies'),
        '-o',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 256 << 20 },
    );
    const checkMs = ms(t0);
    if (check.status !== 0 && check.status !== 1)
      throw new Error(`clustermint check failed: ${check.stderr}`);
    const verdicts = JSON.parse(check.stdout);
    const list = Array.isArray(verdicts) ? verdicts : (verdicts.results ?? verdicts.items ?? []);
    const allowed = list.filter((v) => v.allowed === true).length;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < size; i++) {
      const h = spawnSync(helm, ['template', `fleet-${i}`, CHART, '-f', valueFiles[i], '-n', 'team-a'], {
        encoding: 'utf8',
        env: helmEnv,
        maxBuffer: 64 << 20,
      });
      if (h.status !== 0) throw new Error(`helm template failed: ${h.stderr}`);
    }
    const helmFleetMs = ms(t1);
    console.log(
      `fleet of ${size} ClusterDeployments: one \`clustermint check\` (render, validate, policies; ${allowed} allowed) ${(checkMs / 1000).toFixed(1)} s, ${size} \`helm template\` runs ${(helmFleetMs / 1000).toFixed(1)} s: ${(helmFleetMs / checkMs).toFixed(1)}x`,
    );

    // 3. cold, one process each
    const runs = Number(process.env.BENCH_COLD_RUNS ?? 15);
    const ours = wallTimes(runs, process.execPath, [
      bin,
      'template',
      'dev-1',
      CHART,
      '-f',
      VALUES,
      '-n',
      'team-a',
    ]);
    const theirs = wallTimes(runs, helm, ['template', 'dev-1', CHART, '-f', VALUES, '-n', 'team-a'], helmEnv);
    console.log(
      `cold \`clustermint template\` p50 ${pct(ours, 50).toFixed(0)} ms (p99 ${pct(ours, 99).toFixed(0)}), \`helm template\` p50 ${pct(theirs, 50).toFixed(0)} ms (p99 ${pct(theirs, 99).toFixed(0)}): ${(pct(theirs, 50) / pct(ours, 50)).toFixed(2)}x`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchHelm();
