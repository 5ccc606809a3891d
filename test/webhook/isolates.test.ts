// `clustermint webhook` evaluates reviews in isolates (worker threads with a heap limit and a
// deadline): a policy or a ClusterClass that takes seconds, or more memory than an isolate has,
// costs the review that reached it (denied, naming the source), never the server: other reviews,
// /healthz and SIGTERM keep working, the isolate is replaced; a reload that brings such a source
// is refused; large reviews are queued apart and refused (429) beyond their share. Runs the built
// CLI (bin/clustermint.js): skipped without `npm run build`.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, cliBuilt, eventually } from '../helpers/process.js';
import { webhookCertificates } from '../testenv/certs.js';
import { doc, ROOT, reviewOf } from './helpers.js';
import { clusterOn, hostileClusterClass, hostilePolicy } from './hostile-sources.js';

const built = cliBuilt();
if (!built) {
  if (process.env.CI === 'true') throw new Error('the webhook isolate tests need npm run build');
  console.warn('skipping the webhook isolate tests: run npm run build first');
}

const certs = built ? webhookCertificates() : undefined;
const running: CliProcess[] = [];
afterAll(() => {
  for (const p of running) if (p.running) p.proc.kill('SIGKILL');
});

interface Reply {
  status: number;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

function call(port: number, path: string, body?: object, agent: Agent | false = false): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body ? 'POST' : 'GET',
        ca: certs!.caPem,
        agent,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            headers: res.headers,
            body: JSON.parse(text),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const validate = (port: number, review: object) => call(port, '/validate?timeout=10s', review);

function start(args: string[]): { p: CliProcess; port: Promise<number> } {
  const p = new CliProcess([
    'webhook',
    '--tls-cert',
    certs!.certFile,
    '--tls-key',
    certs!.keyFile,
    '--port',
    '0',
    '--address',
    '127.0.0.1',
    ...args,
  ]);
  running.push(p);
  const port = eventually('the webhook listening', () => {
    if (!p.running) throw new Error(`the webhook exited: ${p.stderr}`);
    return p.first('listening')?.port as number | undefined;
  });
  return { p, port };
}

function policiesWith(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-isolate-policies-'));
  cpSync(join(ROOT, 'policies'), dir, { recursive: true });
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

const allowed = () => reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
/** The allowed deployment, labelled for the hostile policy. */
function labelled(label: string, padding = 0): Record<string, any> {
  const d = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
  d.metadata.labels = { hostile: label };
  if (padding) d.metadata.annotations = { padding: 'x'.repeat(padding) };
  return reviewOf(d);
}

describe.skipIf(!built)('clustermint webhook --isolates', () => {
  it('denies the review a slow policy or ClusterClass holds past the deadline, naming it; the rest keeps answering; SIGTERM stops it', async () => {
    const templates = mkdtempSync(join(tmpdir(), 'cm-isolate-templates-'));
    writeFileSync(join(templates, 'hostile-k0s.yaml'), hostileClusterClass('hostile-k0s'));
    const policies = policiesWith({ 'hostile.yaml': hostilePolicy('team-limits', 'slow') });
    const { p, port: portP } = start([
      ...['--policies', policies, '--templates', templates],
      ...['--isolates', '2', '--review-deadline', '2'],
    ]);
    const port = await portP;
    expect((await validate(port, allowed())).body.response.allowed).toBe(true);

    // a slow policy: the review is denied at the deadline; meanwhile the server answers
    const slow = validate(port, labelled('slow'));
    await new Promise((r) => setTimeout(r, 300));
    const health = await call(port, '/healthz');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    const other = await validate(port, allowed());
    expect(other.body.response.allowed).toBe(true);
    expect(other.ms).toBeLessThan(1500);
    const stopped = await slow;
    expect(stopped.status).toBe(200);
    expect(stopped.body.response).toMatchObject({
      allowed: false,
      status: {
        code: 504,
        reason: 'Timeout',
        message:
          'clustermint webhook: this review was stopped: evaluating ValidatingPolicy team-limits ran past the 2 s deadline',
      },
    });
    expect(
      await eventually('the stopped review logged', () => p.lines.find((l) => l.msg === 'review stopped')),
    ).toMatchObject({
      level: 50,
      source: 'ValidatingPolicy team-limits',
      reason: 'Timeout',
    });
    // the stopped isolate was replaced: two reviews at once are both answered at once
    await eventually('a new isolate', () => p.first('started an isolate in place of a stopped one'));
    const both = await Promise.all([validate(port, allowed()), validate(port, allowed())]);
    for (const r of both) expect(r.body.response.allowed).toBe(true);

    // a slow ClusterClass (CEL rules of its variables), the same way
    const topology = doc('examples/topology/cluster.yaml', 'Cluster');
    const heavy = validate(port, reviewOf(clusterOn('hostile-k0s', topology)));
    await new Promise((r) => setTimeout(r, 300));
    const plain = await validate(port, reviewOf(topology));
    expect(plain.body.response.allowed).toBe(true);
    expect((await heavy).body.response).toMatchObject({
      allowed: false,
      status: {
        code: 504,
        message:
          'clustermint webhook: this review was stopped: evaluating ClusterClass hostile-k0s ran past the 2 s deadline',
      },
    });

    // SIGTERM while an isolate is busy: the process ends promptly; the review in flight is
    // answered, and its keep-alive connection (as the API server's) closed after the answer
    const agent = new Agent({ keepAlive: true, ca: certs!.caPem });
    const inFlight = call(port, '/validate?timeout=10s', labelled('slow'), agent);
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    p.proc.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect((await inFlight).headers.connection).toBe('close');
    agent.destroy();
    expect(p.stderr).toBe('');
  }, 90_000);

  it('denies the review that takes more memory than an isolate has, naming the policy', async () => {
    const policies = policiesWith({ 'hostile.yaml': hostilePolicy('memory-hog', 'big') });
    const { p, port: portP } = start(['--policies', policies, '--isolates', '1', '--isolate-memory', '64']);
    const port = await portP;
    const hog = await validate(port, labelled('big'));
    expect(hog.body.response).toMatchObject({
      allowed: false,
      status: {
        code: 500,
        reason: 'InternalError',
        message:
          'clustermint webhook: this review was stopped: evaluating ValidatingPolicy memory-hog used more than 64 MiB',
      },
    });
    expect(p.running).toBe(true);
    // the only isolate was replaced: the next review is answered
    expect((await validate(port, allowed())).body.response.allowed).toBe(true);
    p.proc.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  }, 60_000);

  it('refuses a reload that brings a slow policy, keeps the last good set; starts with one, denying what reaches it', async () => {
    const policies = policiesWith({});
    const templates = mkdtempSync(join(tmpdir(), 'cm-isolate-templates-'));
    const { p, port: portP } = start([
      ...['--policies', policies, '--templates', templates, '--reload-interval', '0.2'],
      ...['--isolates', '1', '--review-deadline', '2'],
    ]);
    const port = await portP;
    writeFileSync(join(policies, 'hostile.yaml'), hostilePolicy('team-limits'));
    const refused = await eventually('the reload refused', () =>
      p.lines.find((l) => l.msg.startsWith('refusing the reload')),
    );
    expect(refused.err).toBe('evaluating ValidatingPolicy team-limits ran past the 2 s deadline');
    expect(p.lines.some((l) => l.msg === 'reloaded the policy and template folders')).toBe(false);
    const after = await validate(port, allowed());
    expect(after.body.response.allowed).toBe(true);
    expect(after.ms).toBeLessThan(1500);
    // a set that warms up within the deadline is taken
    rmSync(join(policies, 'hostile.yaml'));
    await eventually('the reload taken', () => p.first('reloaded the policy and template folders'));
    expect((await validate(port, allowed())).body.response.allowed).toBe(true);
    // a ClusterClass whose variables' defaults take seconds to validate: refused the same way
    writeFileSync(join(templates, 'hostile-k0s.yaml'), hostileClusterClass('hostile-k0s', true));
    const second = await eventually(
      'the second reload refused',
      () => p.lines.filter((l) => l.msg.startsWith('refusing the reload'))[1],
    );
    expect(second.err).toBe('evaluating ClusterClass hostile-k0s ran past the 2 s deadline');
    const topology = await validate(port, reviewOf(doc('examples/topology/cluster.yaml', 'Cluster')));
    expect(topology.body.response.allowed).toBe(true);
    p.proc.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    writeFileSync(join(policies, 'hostile.yaml'), hostilePolicy('team-limits'));

    // the same set at startup: logged with the source's name, served anyway, failing closed
    const again = start([...['--policies', policies], ...['--isolates', '1', '--review-deadline', '2']]);
    const port2 = await again.port;
    expect(
      again.p.first(
        'warming up the sources stopped in an isolate; serving anyway: the reviews that reach that source are denied',
      ),
    ).toMatchObject({
      level: 50,
      err: 'evaluating ValidatingPolicy team-limits ran past the 2 s deadline',
    });
    const denied = await validate(port2, allowed());
    expect(denied.body.response).toMatchObject({ allowed: false, status: { code: 504 } });
    expect(denied.body.response.status.message).toContain('ValidatingPolicy team-limits');
    again.p.proc.kill('SIGTERM');
    expect(await again.p.exit).toBe(0);
  }, 90_000);

  it('keeps large reviews to their share of the isolates: beyond it, 429; small reviews pass them', async () => {
    const policies = policiesWith({ 'hostile.yaml': hostilePolicy('team-limits', 'slow') });
    const { p, port: portP } = start([
      ...['--policies', policies, '--isolates', '2', '--review-deadline', '2'],
      ...['--large-review-bytes', '4096'],
    ]);
    const port = await portP;
    // two isolates: one large review runs, eight wait, the rest are refused
    const large = Array.from({ length: 12 }, () => validate(port, labelled('slow', 8000)));
    await new Promise((r) => setTimeout(r, 200));
    const small = await validate(port, allowed());
    expect(small.body.response.allowed).toBe(true);
    expect(small.ms).toBeLessThan(1500);
    const answers = await Promise.all(large);
    const byStatus = (s: number) => answers.filter((a) => a.status === s);
    expect(byStatus(429)).toHaveLength(3);
    for (const a of byStatus(429)) {
      expect(a.headers['retry-after']).toBe('1');
      expect(a.body).toMatchObject({ kind: 'Status', code: 429, reason: 'TooManyRequests' });
    }
    // the one evaluated was stopped at its deadline; the waiting ones were not evaluated
    expect(byStatus(200).map((a) => a.body.response.status.code)).toEqual([504]);
    expect(byStatus(503)).toHaveLength(8);
    expect(byStatus(503)[0]!.body.message).toContain('not evaluated');
    p.proc.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  }, 60_000);
});
