// Admission webhook benchmark: AdmissionReviews for an allowed and a denied ClusterDeployment
// (examples/gate/, policies/) against the in-process HTTPS server, over keep-alive connections.
// Prints requests/s at saturation and p50/p99 latency at a fixed rate (DESIGN.md's admission
// floor: plain Node HTTP on loopback, 1,000 requests/s: p50 0.05 ms, p99 0.3 ms).
//   npm run build && node bench/webhook.js   (BENCH_SECONDS=5, BENCH_RATE=200)

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { createLogger } from '../dist/webhook/log.js';
import { startWebhookServer } from '../dist/webhook/server.js';
import { Sources, warmUp } from '../dist/webhook/sources.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rate = Number(process.env.BENCH_RATE ?? 200);

// a throwaway serving certificate (EC P-256, self-signed)
const dir = mkdtempSync(join(tmpdir(), 'cm-bench-webhook-'));
const key = join(dir, 'tls.key');
const cert = join(dir, 'tls.crt');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);

const log = createLogger('silent');
const sources = await Sources.start({ policies: [join(ROOT, 'policies')], templates: [] }, log);
warmUp(sources.snapshot(), log);
const server = await startWebhookServer({
  certFile: cert,
  keyFile: key,
  port: 0,
  host: '127.0.0.1',
  snapshot: () => sources.snapshot(),
  log,
});
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(cert) });

const deployment = (file) =>
  jsyaml.loadAll(readFileSync(join(ROOT, file), 'utf8')).find((d) => d?.kind === 'ClusterDeployment');
const body = (object) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: 'clustermint.io', version: 'v1alpha1', kind: 'ClusterDeployment' },
      resource: { group: 'clustermint.io', version: 'v1alpha1', resource: 'clusterdeployments' },
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      operation: 'CREATE',
      userInfo: { username: 'bench' },
      object,
    },
  });

function post(path, text) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
      },
      (res) => {
        let n = 0;
        res.on('data', (c) => (n += c.length));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** As many requests as `concurrency` clients can send in `seconds`. */
async function saturate(path, make, concurrency = 8) {
  const until = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await post(path, make(n++));
      }
    }),
  );
  return n / seconds;
}

/** Requests sent at a fixed rate (open loop); latency of each. */
async function fixedRate(path, make) {
  const total = rate * seconds;
  const latencies = [];
  const pending = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(post(path, make(i)).then((ms) => latencies.push(ms)));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    achieved: total / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies[latencies.length - 1],
  };
}

const allowed = deployment('examples/gate/team-a-allowed.yaml');
const denied = deployment('examples/gate/team-a-denied.yaml');
const same = (object) => {
  const text = body(object);
  return () => text;
};
// a new name per request: every review misses the decision cache and runs the whole gate
let run = 0;
const fresh = (object) => {
  run++;
  return (i) =>
    body({ ...object, metadata: { ...object.metadata, name: `${object.metadata.name}-${run}-${i}` } });
};
const cases = [
  ['allowed, /validate, new name each time (gate runs)', '/validate', () => fresh(allowed)],
  ['denied, /validate, new name each time (gate runs)', '/validate', () => fresh(denied)],
  ['allowed, /validate, same review (decision cache)', '/validate', () => same(allowed)],
  ['denied, /validate, same review (decision cache)', '/validate', () => same(denied)],
  ['allowed, /mutate, new name each time', '/mutate', () => fresh(allowed)],
];
for (const [, path, make] of cases) {
  const m = make();
  for (let i = 0; i < 200; i++) await post(path, m(i)); // warm the JIT
}

const rows = [];
for (const [name, path, make] of cases) {
  const rps = await saturate(path, make());
  const r = await fixedRate(path, make());
  rows.push({
    case: name,
    'max req/s (8 clients)': Math.round(rps),
    [`rate (target ${rate}/s)`]: Math.round(r.achieved),
    'p50 ms': r.p50.toFixed(2),
    'p99 ms': r.p99.toFixed(2),
    'max ms': r.max.toFixed(1),
  });
}
console.log(
  `clustermint webhook: HTTPS keep-alive on loopback, ${sources.snapshot().policies.length} policies, ${seconds} s per run, Node ${process.version}`,
);
console.table(rows);
console.log('floor (DESIGN.md): plain Node HTTP on loopback at 1,000 req/s: p50 0.05 ms, p99 0.3 ms');
agent.destroy();
await server.close();
sources.stop();
