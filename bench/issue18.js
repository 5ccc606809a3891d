// Issue 18's table: every figure of the performance round with its anchor measured in the same
// run and its target beside it. `node bench/issue18.js` alone (after `npm run build`), or the last
// part of `npm run bench`. Each row is measured here or in its own bench process (the webhook and
// the reconciler print their own detail, then one `ISSUE18 {...}` line this script reads).
//   BENCH_COLD_RUNS (15) cold runs per command, BENCH_SCAN_RUNS (7), BENCH_CHECK_RUNS (3),
//   BENCH_HELM_ANCHOR_RUNS (20) `helm template` runs timed for the 1,000-run anchor (x 1,000 / runs;
//   BENCH_HELM_ANCHOR_RUNS=1000 runs them all), BENCH_ISSUE18_SKIP="webhook,reconciler" skips rows.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { runChart } from '../dist/gate/chart-pipeline.js';
import { TemplateCatalog } from '../dist/resolve/catalog.js';
import { parseYamlSource } from '../dist/util/yaml-source.js';
import { deployments, deploymentsYaml } from './lib/deployments.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared', 'conformance');
const K0RDENT_CHARTS = join(SHARED, 'helm', 'k0rdent', 'charts');
const CHART = 'aws-standalone-cp';
const VALUES = join(ROOT, 'templates', CHART, 'ci', 'example-values.yaml');
const HELM_VALUES = join(ROOT, 'test', 'fixtures', 'helm', 'k0rdent-values', 'aws-standalone-cp.yaml');
const SCAN_POLICY = join(ROOT, 'bench', 'fixtures', 'cluster-deployment-5-rules.yaml');
const skip = new Set((process.env.BENCH_ISSUE18_SKIP ?? '').split(',').filter(Boolean));
const num = (name, fallback) => Number(process.env[name] ?? fallback);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall ms of one process; `ok` lists the exit codes that are not a failure. */
function wall(cmd, args, { ok = [0], env } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 512 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, out: r.stdout };
}

/** Median wall ms of each command over `runs` interleaved rounds (a slow moment hits all alike). */
function interleaved(runs, cmds) {
  const times = cmds.map(() => []);
  const outs = [];
  for (let i = 0; i < runs; i++)
    cmds.forEach(([cmd, args, opts], j) => {
      const r = wall(cmd, args, opts);
      times[j].push(r.ms);
      outs[j] ??= r.out;
    });
  return times.map((t, j) => ({ ms: median(t), out: outs[j] }));
}

/** The command a user runs: package.json's bin (a sh launcher or a Node script). */
function userCommand(args) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const bin = join(ROOT, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.clustermint);
  return bin.endsWith('.js') ? [process.execPath, [bin, ...args]] : [bin, args];
}

function installed(envName, script, args) {
  if (process.env[envName]) return process.env[envName];
  const r = spawnSync('bash', [join(ROOT, 'scripts', script), ...args, '--cached'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
}

/** The last `ISSUE18 {...}` line of a bench process, its output passed through as it comes. */
function issue18Line(script, args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', script), ...args], {
      env: { ...process.env, BENCH_JSON: '1', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let found;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      rest += chunk;
      const lines = rest.split('\n');
      rest = lines.pop();
      for (const line of lines) {
        if (line.startsWith('ISSUE18 ')) found = JSON.parse(line.slice(8));
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('close', () => resolve(found));
  });
}

const rows = [];
const row = (figure, anchor, before, now, target, met) =>
  rows.push({ figure, 'anchor (same run)': anchor, before, now, target, met: met ? 'yes' : 'no' });
const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
const work = mkdtempSync(join(tmpdir(), 'clustermint-issue18-'));
const helm = installed('HELM_BIN', 'install-go-tool.sh', ['helm']);
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(work, 'helm-cache'),
  HELM_CONFIG_HOME: join(work, 'helm-config'),
  HELM_DATA_HOME: join(work, 'helm-data'),
};
console.log(`\nIssue 18's table (Node ${process.version}, load average ${loadavg()[0].toFixed(2)} at start)`);

try {
  // 1. cold `clustermint template`, against `node -e 0` and `helm template` of k0rdent's chart
  {
    const cmds = [[process.execPath, ['-e', '0']], userCommand(['template', CHART, '-f', VALUES])];
    const haveHelm = helm && existsSync(K0RDENT_CHARTS);
    if (haveHelm)
      cmds.push([
        helm,
        ['template', 'dev-1', join(K0RDENT_CHARTS, CHART), '-f', HELM_VALUES, '-n', 'team-a'],
        { env: helmEnv },
      ]);
    const [node0, ours, theirs] = interleaved(num('BENCH_COLD_RUNS', 15), cmds);
    const ratio = ours.ms / node0.ms;
    row(
      `cold \`clustermint template ${CHART} -f values\``,
      `node -e 0: ${s(node0.ms)}${haveHelm ? `; helm template (k0rdent): ${s(theirs.ms)}` : ''}`,
      '0.205 s (2.2x node)',
      `${s(ours.ms)} (${ratio.toFixed(2)}x node)`,
      '<= 1.2x node -e 0',
      ratio <= 1.2,
    );
  }

  // 2. `clustermint check` of 1,000 ClusterDeployments with the 20 policies of policies/: k0rdent's
  // chart in Go templates (as helm renders it), and the built-in handlebars chart
  {
    const n = 1000;
    const fleet = join(work, 'fleet.yaml');
    writeFileSync(fleet, deploymentsYaml(n));
    const checkArgs = [
      'check',
      '-f',
      fleet,
      '--policies',
      join(ROOT, 'policies'),
      '--state',
      join(work, 'none.db'),
    ];
    const cmds = [userCommand(checkArgs)];
    if (existsSync(K0RDENT_CHARTS)) cmds.push(userCommand([...checkArgs, '--templates', K0RDENT_CHARTS]));
    const runs = num('BENCH_CHECK_RUNS', 3);
    const [builtin, k0rdent] = interleaved(
      runs,
      cmds.map(([c, a]) => [c, a, { ok: [0, 1] }]),
    );
    let anchor = 'helm not installed';
    if (helm && existsSync(K0RDENT_CHARTS)) {
      const helmRuns = Math.min(n, num('BENCH_HELM_ANCHOR_RUNS', 20));
      const vf = join(work, 'values.json');
      let total = 0;
      deployments(helmRuns).forEach((d, i) => {
        writeFileSync(vf, JSON.stringify(d.spec.config));
        total += wall(helm, ['template', `c${i}`, join(K0RDENT_CHARTS, CHART), '-f', vf, '-n', 'team-a'], {
          env: helmEnv,
        }).ms;
      });
      anchor = `${n} helm template runs: ${(((total / helmRuns) * n) / 1000).toFixed(1)} s${helmRuns < n ? ` (from ${helmRuns})` : ''}`;
    }
    const main = k0rdent ?? builtin;
    row(
      `check ${n} ClusterDeployments, 20 policies (${k0rdent ? "k0rdent's Go-template chart" : 'built-in chart'})`,
      anchor,
      '2.9 s',
      s(main.ms),
      '<= 1 s',
      main.ms <= 1000,
    );
    if (k0rdent)
      row(
        `check ${n} ClusterDeployments, 20 policies (built-in handlebars chart)`,
        '-',
        '1.5 s',
        s(builtin.ms),
        '<= 1 s',
        builtin.ms <= 1000,
      );
  }

  // 3. the warm whole chart pipeline, in process
  {
    const chart = new TemplateCatalog().resolve(CHART);
    const [doc] = parseYamlSource(readFileSync(VALUES, 'utf8'), VALUES);
    const release = { name: 'bench', namespace: 'team-a' };
    const sources = [{ label: VALUES, value: doc.value, doc }];
    let i = 0;
    const bench = new Bench({ time: num('BENCH_TIME_MS', 1500), warmupTime: 300 });
    bench.add('same values', () => runChart({ chart, sources, release }));
    bench.add('new name and values each time', () => {
      i++;
      const value = { ...doc.value, workersNumber: (i % 97) + 1 };
      runChart({
        chart,
        sources: [{ label: VALUES, value, doc }],
        release: { name: `c${i}`, namespace: 'team-a' },
      });
    });
    await bench.run();
    const [same, fresh] = bench.tasks.map((t) => 1000 / t.result.period);
    const f = (x) => `${Math.round(x).toLocaleString('en-US')}/s`;
    row(
      'warm whole chart pipeline (values, schema, render, parse, validate)',
      '-',
      '5,500/s same, 2,100/s new',
      `${f(same)} same, ${f(fresh)} new`,
      '>= 10,000/s both',
      same >= 10000 && fresh >= 10000,
    );
  }

  // 4. scan: 1,000 ClusterDeployments x a 5-rule policy, against kyverno-json
  {
    const kj = installed('KYVERNO_JSON_BIN', 'install-kyverno-json.sh', []);
    const payload = join(work, 'payload.json');
    writeFileSync(payload, JSON.stringify(deployments(1000)));
    const args = ['scan', '--payload', payload, '--policy', SCAN_POLICY];
    if (!kj)
      row(
        'scan 1,000 ClusterDeployments x 5 rules',
        'kyverno-json not installed',
        '1.0x',
        '-',
        '>= 2x',
        false,
      );
    else {
      const [node0, ours, theirs] = interleaved(num('BENCH_SCAN_RUNS', 7), [
        [process.execPath, ['-e', '0']],
        userCommand(args),
        [kj, args],
      ]);
      const ratio = theirs.ms / ours.ms;
      row(
        'scan 1,000 ClusterDeployments x a 5-rule policy',
        `kyverno-json: ${s(theirs.ms)}; node -e 0: ${s(node0.ms)}`,
        '0.266 s (1.0x)',
        `${s(ours.ms)} (${ratio.toFixed(2)}x)${ours.out === theirs.out ? '' : ' OUTPUT DIFFERS'}`,
        '>= 2x kyverno-json',
        ratio >= 2 && ours.out === theirs.out,
      );
    }
  }

  // 5. the webhook at 1,000 creates' requests/s (bench/webhook.js)
  if (!skip.has('webhook')) {
    console.log('');
    const w = await issue18Line('webhook.js', [], {
      BENCH_RATE: '1000',
      BENCH_SECONDS: process.env.BENCH_SECONDS ?? '10',
    });
    if (!w)
      row('webhook, 20 policies, creates at 1,000 req/s', '-', '-', 'no figure (see above)', '-', false);
    else
      row(
        `webhook, 20 policies, creates at 1,000 req/s (isolates: ${w.isolates})`,
        `/healthz p99: ${w.healthzP99.toFixed(1)} ms`,
        'p50 8.6 ms, p99 22.8 ms, CPU 1.2 ms/create',
        `p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms, CPU ${w.cpuMsPerCreate.toFixed(2)} ms/create (${Math.round(w.rate)} req/s)`,
        'CPU <= 0.2 ms/create; p99 <= 5 ms',
        w.cpuMsPerCreate <= 0.2 && w.p99 <= 5,
      );
  }

  // 6. the reconciler, 1,000 x (3 + 10) machines (bench/reconciler.js)
  if (!skip.has('reconciler')) {
    console.log('');
    const r = await issue18Line('reconciler.js', []);
    if (!r) row('reconciler 1,000 x (3 + 10) machines', '-', '-', 'no figure (see above)', '-', false);
    else
      row(
        'reconciler 1,000 x (3 + 10) machines, zero boot delay',
        '-',
        'provision 31.1 s, upgrade 102.1 s, RSS 741 MiB',
        `provision ${r.provisionS.toFixed(1)} s, upgrade ${r.upgradeS.toFixed(1)} s, RSS ${Math.round(r.peakRssMiB)} MiB`,
        '<= 20 s, <= 40 s, <= 512 MiB',
        r.provisionS <= 20 && r.upgradeS <= 40 && r.peakRssMiB <= 512,
      );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nIssue 18's table (load average ${loadavg()[0].toFixed(2)} at the end; medians)`);
console.table(rows);
