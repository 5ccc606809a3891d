// The webhook under abuse (issue 17): does one tenant's large reviews raise the others' latency?
// Starts the built CLI, `clustermint webhook` (bin/clustermint.js) over HTTPS with the policies of
// policies/, then for BENCH_ABUSE_SECONDS (20) a normal client sends ClusterDeployment creates
// (/mutate, then /validate of the patched object, new names, 3 allowed : 1 denied, as
// bench/webhook.js) at a fixed 100 req/s; from half-time on, an abuser (its own thread) sends
// 2 MiB AdmissionReviews (a ClusterDeployment with a large spec.config, new names) to /validate
// at 20/s. Both clients are open loop: a request leaves at its scheduled time whatever the others
// wait for, and its latency counts from that time, so a stalled server cannot hide behind a
// client that waits; an answer that does not come within 10 s (the API server's timeoutSeconds)
// counts as 10 s. Prints the normal reviews' p50/p99 alone and under abuse, their ratio, the
// abuser's answers by status and the server's RSS (the process and its children).
//   npm run build && node bench/webhook-abuse.js
//   CLUSTERMINT_WEBHOOK_ARGS='--isolates 0' (extra flags of `clustermint webhook`, split on spaces),
//   BENCH_ABUSE_SECONDS=20 BENCH_ABUSE_NORMAL_RATE=100 BENCH_ABUSE_RATE=20
//   BENCH_ABUSE_BYTES=2097152 BENCH_ABUSE_PATH=/validate BENCH_ABUSE_KEY=clusterAnnotations (the
//   spec.config key that carries the bulk; an unknown one, e.g. bulk, is denied at the values stage)

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  exampleCreates,
  exampleDeployment,
  fillReview,
  ROOT,
  reviewParts,
  servingCertificate,
} from './lib/webhook-reviews.js';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const TIMEOUT_MS = 10_000;

/** One request; resolves (never rejects) with its status and latency from `scheduledAt`. */
function send(agent, base, path, body, scheduledAt) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, ms: performance.now() - scheduledAt });
    };
    const req = request(`${base}${path}?timeout=10s`, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    const timer = setTimeout(
      () => {
        finish({ status: 'timeout' });
        req.destroy();
      },
      TIMEOUT_MS - (performance.now() - scheduledAt),
    );
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => finish({ status: res.statusCode, text: '' }));
    });
    // a 413 closes the connection while the body is still being written: the answer, when it
    // came, is what counts
    req.on('error', (e) => setTimeout(() => finish({ status: 'error', error: e.code ?? e.message }), 50));
    req.end(body);
  });
}

/**
 * Calls fire(i, scheduledAt) for i = 0..n-1 at `rate` per second from now, catching up at once
 * when the client fell behind (open loop); resolves with the promises fire returned.
 */
async function openLoop(rate, seconds, fire) {
  const t0 = performance.now();
  const n = Math.round(rate * seconds);
  const pending = [];
  for (let i = 0; i < n; ) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0.5) {
      await sleep(wait);
      continue;
    }
    pending.push(fire(i, due));
    i++;
  }
  return Promise.all(pending);
}

/**
 * A ClusterDeployment whose spec.config.<key> (clusterAnnotations: a map the chart accepts and
 * renders into the Cluster, so the review goes the whole way through the gate and is allowed)
 * holds entries until its review is `bytes` long.
 */
function largeDeployment(bytes, key) {
  const object = exampleDeployment('examples/gate/team-a-allowed.yaml');
  const base = reviewParts(object).flat().join('').length;
  const map = {};
  const value = 'x'.repeat(96);
  // each entry is `"example.com/k000000":"x…x",`: 21 + 1 + 98 + 1 bytes
  const entries = Math.max(1, Math.floor((bytes - base - key.length - 6) / 121));
  for (let i = 0; i < entries; i++) map[`example.com/k${i.toString().padStart(6, '0')}`] = value;
  return { ...object, spec: { ...object.spec, config: { ...object.spec.config, [key]: map } } };
}

/** The abuser's thread: waits for 'go', then sends large reviews at its rate and reports. */
async function abuser({ base, ca, rate, seconds, bytes, key, path }) {
  const agent = new Agent({ ca, keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const object = largeDeployment(bytes, key);
  const parts = reviewParts(object);
  const name = (i) => `${object.metadata.name}-abuse-${i.toString(36).padStart(5, '0')}`;
  const sample = fillReview(parts, name(0), randomUUID());
  parentPort.postMessage({
    ready: true,
    bodyBytes: Buffer.byteLength(sample),
    keys: Object.keys(object.spec.config[key]).length,
  });
  const command = await new Promise((resolve) => parentPort.once('message', resolve));
  const answer = (r) => {
    if (r.status !== 200) return { ...r, text: undefined };
    const response = JSON.parse(r.text).response;
    return { status: 200, allowed: response.allowed, code: response.status?.code, ms: r.ms };
  };
  if (command === 'probe') {
    // one review alone, twice (the first pays for compiling the code paths): what one costs
    const probes = [];
    for (let i = 0; i < 2; i++)
      probes.push(
        answer(
          await send(agent, base, path, fillReview(parts, name(1e6 + i), randomUUID()), performance.now()),
        ),
      );
    parentPort.postMessage({ probes });
    await new Promise((resolve) => parentPort.once('message', resolve));
  }
  const results = await openLoop(rate, seconds, (i, due) =>
    send(agent, base, path, fillReview(parts, name(i), randomUUID()), due).then(answer),
  );
  agent.destroy();
  parentPort.postMessage({ results });
}

/** The RSS of a process and its descendants, in bytes (Linux /proc; undefined elsewhere). */
function treeRss(pid) {
  try {
    const children = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
      } catch {}
    }
    let total = 0;
    for (const todo = [pid]; todo.length; ) {
      const p = todo.pop();
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += m ? Number(m[1]) * 1024 : 0;
      todo.push(...(children.get(p) ?? []));
    }
    return total;
  } catch {
    return undefined;
  }
}

/** `clustermint webhook` on a free port; resolves once it listens and /readyz answers 200. */
async function startServer(cert, key, extraArgs) {
  const args = [
    join(ROOT, 'bin', 'clustermint.js'),
    ...['webhook', '--tls-cert', cert, '--tls-key', key, '--port', '0', '--address', '127.0.0.1'],
    ...['--policies', join(ROOT, 'policies'), '--log-level', 'info', ...extraArgs],
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const logs = { errors: 0, warnings: 0, lastError: undefined };
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`clustermint webhook exited with ${code}: ${stderr.trim()}`)),
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'listening') resolve(entry.port);
      if (entry.level >= 50) {
        logs.errors++;
        logs.lastError = entry.msg;
      } else if (entry.level === 40) logs.warnings++;
    });
  });
  const agent = new Agent({ ca: readFileSync(cert) });
  for (let i = 0; ; i++) {
    const status = await new Promise((resolve) =>
      request(`https://127.0.0.1:${port}/readyz`, { agent }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', () => resolve(0))
        .end(),
    );
    if (status === 200) break;
    if (i > 300) {
      child.kill('SIGKILL');
      throw new Error(`clustermint webhook: /readyz still answers ${status} after 30 s`);
    }
    await sleep(100);
  }
  agent.destroy();
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(5000, 'late')])) === 'late') child.kill('SIGKILL');
  };
  return { child, port, logs, stop };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const mib = (b) => (b === undefined ? '?' : `${(b / 1048576).toFixed(0)} MiB`);

/** An answer's name: '200 allowed', '200 denied (403)', '429', 'no answer in 10 s', 'error ECONNRESET'. */
function statusOf(r) {
  if (r.status === 200) return r.allowed ? '200 allowed' : `200 denied (${r.code ?? '?'})`;
  if (r.status === 'timeout') return `no answer in ${TIMEOUT_MS / 1000} s`;
  if (r.status === 'error') return `error ${r.error}`;
  return `${r.status}`;
}

/** Counts of answers by statusOf. */
function byStatus(results) {
  const counts = {};
  for (const r of results) counts[statusOf(r)] = (counts[statusOf(r)] ?? 0) + 1;
  return counts;
}
const countsText = (counts) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');

async function main() {
  const seconds = env('BENCH_ABUSE_SECONDS', 20);
  const rate = env('BENCH_ABUSE_NORMAL_RATE', 100);
  const abuseRate = env('BENCH_ABUSE_RATE', 20);
  const abuseBytes = env('BENCH_ABUSE_BYTES', 2 * 1024 * 1024);
  const abusePath = process.env.BENCH_ABUSE_PATH ?? '/validate';
  const abuseKey = process.env.BENCH_ABUSE_KEY ?? 'clusterAnnotations';
  const extraArgs = (process.env.CLUSTERMINT_WEBHOOK_ARGS ?? '').split(/\s+/).filter(Boolean);
  const half = seconds / 2;
  const [load1] = loadavg();

  const { dir, key, cert } = servingCertificate('cm-bench-abuse-');
  const server = await startServer(cert, key, extraArgs);
  const rssStart = treeRss(server.child.pid);
  const ca = readFileSync(cert);
  const base = `https://127.0.0.1:${server.port}`;
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: {
      base,
      ca,
      rate: abuseRate,
      seconds: seconds - half,
      bytes: abuseBytes,
      key: abuseKey,
      path: abusePath,
    },
  });
  const fromWorker = () =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  try {
    const abuseShape = await fromWorker();
    const creates = await exampleCreates(base, { ca });
    const mix = [creates[0], creates[0], creates[1], creates[0]];
    const agent = new Agent({ ca, keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    let serial = 0;
    // request i: create i/2 of the mix, its /mutate then its /validate
    const normal = (i, due) => {
      const k = mix[Math.floor(i / 2) % mix.length];
      if (i % 2 === 0) serial++;
      const name = `${k.base}-${serial.toString(36).padStart(5, '0')}`;
      const validate = i % 2 === 1;
      return send(
        agent,
        base,
        validate ? '/validate' : '/mutate',
        fillReview(validate ? k.validate : k.mutate, name, randomUUID()),
        due,
      ).then((r) => {
        const wrong = validate && r.status === 200 && r.text.includes('"allowed":true') !== k.allowed;
        return { status: r.status, error: r.error, ms: r.ms, validate, wrong };
      });
    };

    await openLoop(rate, 3, normal); // warm the JIT and the caches of the templates
    worker.postMessage('probe');
    const { probes } = await fromWorker();
    await sleep(500);

    const rss = { alone: 0, abuse: 0 };
    let phase = 'alone';
    const sampler = setInterval(() => {
      const b = treeRss(server.child.pid) ?? 0;
      rss[phase] = Math.max(rss[phase], b);
    }, 250);
    const abuseDone = sleep(half * 1000).then(() => {
      phase = 'abuse';
      worker.postMessage('go');
      return fromWorker();
    });
    const t0 = performance.now();
    const normalResults = await openLoop(rate, seconds, (i, due) =>
      normal(i, due).then((r) => ({ ...r, phase: due - t0 < half * 1000 ? 'alone' : 'abuse' })),
    );
    const abuse = (await abuseDone).results;
    clearInterval(sampler);
    const rssEnd = treeRss(server.child.pid);
    agent.destroy();

    const phaseRow = (label, results) => {
      const times = results.map((r) => (r.status === 'timeout' ? TIMEOUT_MS : r.ms)).sort((a, b) => a - b);
      const other = results.filter((r) => r.status !== 200);
      return {
        times,
        row: {
          phase: label,
          requests: results.length,
          'p50 ms': pct(times, 50).toFixed(1),
          'p90 ms': pct(times, 90).toFixed(1),
          'p99 ms': pct(times, 99).toFixed(1),
          'max ms': times[times.length - 1]?.toFixed(0),
          'not 200': other.length ? countsText(byStatus(other)) : 0,
          'wrong verdicts': results.filter((r) => r.wrong).length,
          'server RSS peak': mib(rss[results[0]?.phase]),
        },
      };
    };
    const alone = phaseRow(
      `alone (0-${half} s)`,
      normalResults.filter((r) => r.phase === 'alone'),
    );
    const under = phaseRow(
      `under abuse (${half}-${seconds} s)`,
      normalResults.filter((r) => r.phase === 'abuse'),
    );
    const p99Alone = pct(alone.times, 99);
    const p99Abuse = pct(under.times, 99);
    const abuseTimes = abuse
      .filter((r) => r.status !== 'timeout')
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    const abuseLabel = `${(abuseShape.bodyBytes / 1048576).toFixed(1)} MiB reviews to ${abusePath} at ${abuseRate}/s`;

    console.log('webhook under abuse');
    console.log(
      `machine: ${cpus().length} cores, load average ${load1.toFixed(1)} at the start (server and both clients share them); Node ${process.version}`,
    );
    console.log(
      `server: clustermint webhook (bin/clustermint.js), HTTPS on loopback, policies/, extra flags: ${extraArgs.length ? extraArgs.join(' ') : 'none'} (CLUSTERMINT_WEBHOOK_ARGS)`,
    );
    console.log(
      `normal client: ClusterDeployment creates (/mutate + /validate, new names, 3 allowed : 1 denied) at ${rate} req/s for ${seconds} s, open loop; ` +
        `abuser from ${half} s: ${abuseLabel} (a ClusterDeployment whose spec.config.${abuseKey} has ${abuseShape.keys.toLocaleString('en-US')} entries, new names), open loop`,
    );
    console.log(
      `one large review alone: ${probes.map((p) => `${p.ms.toFixed(0)} ms (${statusOf(p)})`).join(', then ')}`,
    );
    console.table([alone.row, under.row]);
    console.log(
      `abuser's answers (${abuse.length} sent): ${countsText(byStatus(abuse))}; answered in p50 ${pct(abuseTimes, 50).toFixed(0)} ms, max ${abuseTimes.length ? abuseTimes[abuseTimes.length - 1].toFixed(0) : '-'} ms`,
    );
    console.log(
      `server RSS (process and children): ${mib(rssStart)} at the start, peak ${mib(rss.alone)} alone, ${mib(rss.abuse)} under abuse, ${mib(rssEnd)} at the end; ` +
        `server log: ${server.logs.errors} errors, ${server.logs.warnings} warnings${server.logs.lastError ? ` (last error: ${server.logs.lastError})` : ''}`,
    );
    console.log(
      `latency from each request's scheduled time; no answer within ${TIMEOUT_MS / 1000} s counts as ${TIMEOUT_MS / 1000} s (the API server's timeoutSeconds)`,
    );
    // a p99 at the timeout is a lower bound: the answer never came
    const capped = p99Abuse >= TIMEOUT_MS;
    console.log(
      `figure: normal reviews' p99 ${p99Alone.toFixed(1)} ms alone, ${capped ? `>= ${TIMEOUT_MS} ms (no answer)` : `${p99Abuse.toFixed(1)} ms`} ` +
        `while another client sends ${abuseLabel}: ${capped ? '>= ' : ''}${(p99Abuse / p99Alone).toFixed(1)}x; ` +
        `abuser's answers: ${countsText(byStatus(abuse))}`,
    );
  } finally {
    await worker.terminate();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// last: main and the helpers above use the constants declared before
if (isMainThread)
  await main().catch((e) => {
    console.error(`webhook under abuse: ${e.message}`);
    process.exitCode = 1;
  });
else await abuser(workerData);
