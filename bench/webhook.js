// Admission webhook benchmark: the webhook in its own process (HTTPS, the policies/ folder: 20
// policies), loaded with autocannon at a fixed rate as an API server would load it. Every
// ClusterDeployment create is one /mutate (the submission) then one /validate (the submission
// with the defaults patched in), with a new name and uid each time, so the decision cache never
// answers; three allowed creates for one denied (examples/gate/). Prints p50/p90/p99/max and the
// achieved rate against the target (p99 <= 5 ms at 1,000 requests/s), beside the floor: /healthz
// of the same server at the same rate (TLS, autocannon and this machine, no gate) and DESIGN.md's
// plain-HTTP figure.
//   npm run build && node bench/webhook.js
//   BENCH_RATE=1000 BENCH_SECONDS=10 BENCH_CONNECTIONS=16 BENCH_WORKERS=1 (node:cluster workers),
//   BENCH_ISOLATES=2 (isolate worker threads, as `clustermint webhook`; 0: inline), BENCH_WARMUP=15 (s),
//   BENCH_PROFILE=DIR (CPU profiles of the webhook process, one per thread),
//   BENCH_JSON=1 (a last line `ISSUE18 {...}` for bench/issue18.js)

import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleCreates, fillReview as fill, ROOT, servingCertificate } from './lib/webhook-reviews.js';

const SELF = fileURLToPath(import.meta.url);
const env = (name, fallback) => Number(process.env[name] ?? fallback);

if (process.argv[2] === '--serve') await serve(JSON.parse(process.argv[3]));
else await main();

/**
 * The server process: what `clustermint webhook` runs (sources, warm-up, HTTPS server, JSON logs
 * at level info, here to /dev/null), in one process or in node:cluster workers sharing the port.
 */
async function serve({ cert, key, workers, isolates, port }) {
  if (workers > 1 && cluster.isPrimary) {
    let listening = 0;
    cluster.setupPrimary({
      exec: SELF,
      args: ['--serve', JSON.stringify({ cert, key, workers, isolates, port })],
    });
    for (let i = 0; i < workers; i++)
      cluster.fork().on('message', (m) => {
        if (m?.listening && ++listening === workers) process.send?.(m);
      });
    // CPU time of the workers, summed, for the parent (it asks with 'cpu')
    process.on('message', (m) => {
      if (m !== 'cpu') return;
      const all = Object.values(cluster.workers);
      let ms = 0;
      let answered = 0;
      for (const w of all) {
        w.once('message', (r) => {
          ms += r.cpuMs;
          if (++answered === all.length) process.send?.({ cpuMs: ms });
        });
        w.send('cpu');
      }
    });
    process.on('SIGTERM', () => {
      for (const w of Object.values(cluster.workers)) w.kill();
      process.exit(0);
    });
    return;
  }
  const { createLogger } = await import('../dist/webhook/log.js');
  const { startWebhookServer } = await import('../dist/webhook/server.js');
  const { Sources, warmUp } = await import('../dist/webhook/sources.js');
  const { IsolatePool, isolateWorkerFile, DEFAULT_ISOLATE_MEMORY_MB, DEFAULT_LARGE_REVIEW_BYTES } =
    await import('../dist/webhook/isolate-pool.js');
  const { DEFAULT_REVIEW_DEADLINE_MS } = await import('../dist/webhook/server.js');
  const { default: pino } = await import('pino');
  const log = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  // as src/cli/webhook-run.ts: with isolates, the probe, then the pool loads the sources
  const pool =
    isolates > 0
      ? new IsolatePool({
          isolates,
          memoryMb: DEFAULT_ISOLATE_MEMORY_MB,
          deadlineMs: DEFAULT_REVIEW_DEADLINE_MS,
          largeReviewBytes: DEFAULT_LARGE_REVIEW_BYTES,
          log,
          workerFile: isolateWorkerFile(),
        })
      : undefined;
  const sources = await Sources.start(
    {
      policies: [join(ROOT, 'policies')],
      templates: [],
      ...(pool ? { probe: (spec) => pool.probe(spec) } : {}),
    },
    log,
  );
  if (pool) await pool.start(sources.spec(), sources.generation);
  else warmUp(sources.snapshot(), log);
  const server = await startWebhookServer({
    certFile: cert,
    keyFile: key,
    port,
    host: '127.0.0.1',
    snapshot: () => sources.snapshot(),
    log,
    ...(pool ? { evaluator: pool } : {}),
  });
  process.send?.({ listening: true, port: server.port, policies: sources.snapshot().policies.length });
  process.on('message', (m) => {
    if (m !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMs: (user + system) / 1000 });
  });
  process.on('SIGTERM', () => process.exit(0));
}

async function main() {
  const { default: autocannon } = await import('autocannon');
  const rate = env('BENCH_RATE', 1000);
  const seconds = env('BENCH_SECONDS', 10);
  const connections = env('BENCH_CONNECTIONS', 16);
  const workers = env('BENCH_WORKERS', 1);
  // as `clustermint webhook`: reviews evaluated in 2 isolate worker threads (0: inline)
  const isolates = env('BENCH_ISOLATES', 2);
  const [load1] = loadavg();

  // a throwaway serving certificate (EC P-256, self-signed)
  const { key, cert } = servingCertificate();

  const child = fork(SELF, ['--serve', JSON.stringify({ cert, key, workers, isolates, port: 0 })], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // BENCH_PROFILE=DIR: a CPU profile of the webhook process, written when it stops
    execArgv: process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the webhook process exited with ${code}`)));
  });
  // workers report their own port; with node:cluster they share the primary's
  const base = `https://127.0.0.1:${ready.port}`;
  const tlsOptions = { ca: readFileSync(cert) };

  const kinds = await exampleCreates(base, tlsOptions);

  // The sequence each connection repeats: 3 allowed creates, 1 denied (mutate, then validate).
  const mix = [kinds[0], kinds[0], kinds[1], kinds[0]];
  let serial = 0;
  const wrong = { allowed: 0, denied: 0, unexpected: 0 };
  const requests = mix.flatMap((k) => [
    {
      method: 'POST',
      path: '/mutate?timeout=10s',
      setupRequest(req, context) {
        context.name = `${k.base}-${(++serial).toString(36).padStart(5, '0')}`;
        return { ...req, body: fill(k.mutate, context.name, randomUUID()) };
      },
    },
    {
      method: 'POST',
      path: '/validate?timeout=10s',
      setupRequest: (req, context) => ({ ...req, body: fill(k.validate, context.name, randomUUID()) }),
      onResponse(status, body) {
        if (status !== 200) return;
        const allowed = body.includes('"allowed":true');
        if (allowed === k.allowed) wrong[allowed ? 'allowed' : 'denied']++;
        else wrong.unexpected++;
      },
    },
  ]);

  // Each response's latency to the microsecond (autocannon's histogram keeps whole milliseconds).
  const serverCpu = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.cpuMs));
      child.send('cpu');
    });
  const load = (opts) =>
    new Promise((resolve, reject) => {
      const times = [];
      const clientStart = process.cpuUsage();
      let serverStart = Number.NaN;
      serverCpu().then((ms) => (serverStart = ms));
      const instance = autocannon(
        {
          url: base,
          connections,
          overallRate: rate,
          duration: seconds,
          headers: { 'content-type': 'application/json' },
          tlsOptions,
          ...opts,
        },
        (err, result) => {
          if (err) return reject(err);
          const clientMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(clientStart));
          serverCpu().then((ms) =>
            resolve({ ...result, times: times.sort((a, b) => a - b), serverMs: ms - serverStart, clientMs }),
          );
        },
      );
      instance.on('response', (_client, status, _bytes, ms) => status === 200 && times.push(ms));
    });
  const pct = (sorted, p) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const row = (name, r) => ({
    case: name,
    'req/s (target)': `${Math.round(r.requests.average)} (${rate})`,
    'p50 ms': pct(r.times, 50).toFixed(2),
    'p90 ms': pct(r.times, 90).toFixed(2),
    'p99 ms': pct(r.times, 99).toFixed(2),
    'max ms': r.times[r.times.length - 1]?.toFixed(1),
    'p99 corrected': r.latency.p99,
    'non-2xx': r.non2xx + r.errors + r.timeouts,
    'server CPU ms/req': (r.serverMs / r.requests.total).toFixed(3),
    'client CPU ms/req': (r.clientMs / r.requests.total).toFixed(3),
  });

  // warm the JIT and the caches of the templates, to the steady state a webhook that runs for
  // days is in: each isolate compiles its code on its own, so 3 s left them ~0.5 ms per create
  // above what they settle to
  await load({ duration: env('BENCH_WARMUP', 15), requests });
  wrong.allowed = wrong.denied = wrong.unexpected = 0;
  const floor = await load({ url: `${base}/healthz`, method: 'GET' });
  const gate = await load({ requests });
  child.kill('SIGTERM');

  console.log(
    `machine: ${cpus().length} cores, load average ${load1.toFixed(1)} at the start (other processes compete for the cores)`,
  );
  console.log(
    `clustermint webhook: HTTPS keep-alive on loopback, ${ready.policies ?? 20} policies, ${workers} process${workers > 1 ? 'es (node:cluster)' : ''}, ` +
      `${connections} connections, ${seconds} s at ${rate} req/s, autocannon, Node ${process.version}`,
  );
  console.table([
    row('floor: GET /healthz (TLS + HTTP, no gate)', floor),
    row('ClusterDeployment creates: /mutate + /validate, new names', gate),
  ]);
  console.log(
    `validate verdicts: ${wrong.allowed} allowed, ${wrong.denied} denied as expected, ${wrong.unexpected} unexpected`,
  );
  const p99 = pct(gate.times, 99);
  console.log(
    `target p99 <= 5 ms at ${rate} req/s: ${p99 <= 5 && gate.requests.average >= rate * 0.98 ? 'met' : 'NOT met'} (p99 ${p99.toFixed(2)} ms, ${Math.round(gate.requests.average)} req/s)`,
  );
  console.log(
    "latencies per response, to the microsecond; 'p99 corrected': autocannon's whole-millisecond p99 with its coordinated-omission correction",
  );
  const perCreate = (2 * gate.serverMs) / gate.requests.total;
  console.log(
    `server CPU per ClusterDeployment create (mutate + validate): ${perCreate.toFixed(2)} ms (target <= 0.2 ms), so one core answers at most ${Math.round(2000 / perCreate)} requests/s of this mix`,
  );
  console.log('floor (DESIGN.md): plain Node HTTP on loopback at 1,000 req/s: p50 0.05 ms, p99 0.3 ms');
  // for bench/issue18.js: one line, last
  if (process.env.BENCH_JSON === '1') {
    const round = (n, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
    console.log(
      `ISSUE18 ${JSON.stringify({
        figure: 'webhook',
        cpuMsPerCreate: round(perCreate),
        p50: round(pct(gate.times, 50)),
        p99: round(p99),
        healthzP99: round(pct(floor.times, 99)),
        rate: Math.round(gate.requests.average),
        isolates,
      })}`,
    );
  }
}
