// The webhook's HTTPS server on loopback: routes, bad input (malformed JSON, wrong kind or
// version, oversize and slow bodies), certificate rotation and policy folder reloads.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/webhook/log.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { Sources, warmUp } from '../../src/webhook/sources.js';
import { type WebhookCertificates, webhookCertificates } from '../testenv/certs.js';
import { doc, ROOT, reviewOf } from './helpers.js';

interface Reply {
  status: number;
  body: any;
}

/** Log lines, parsed, for assertions on what the server logged. */
const logLines: any[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
    cb();
  },
});

let certs: WebhookCertificates;
let server: WebhookServer;
let sources: Sources;
let policyDir: string;

function call(
  path: string,
  body?: string | Buffer,
  method = 'POST',
  ca = certs.caPem,
  contentType: string | null = 'application/json',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method,
        ca,
        agent: false,
        headers: contentType === null ? {} : { 'Content-Type': contentType },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const post = (path: string, review: object) => call(path, JSON.stringify(review));

beforeAll(async () => {
  certs = webhookCertificates();
  policyDir = mkdtempSync(join(tmpdir(), 'cm-webhook-policies-'));
  cpSync(join(ROOT, 'policies'), policyDir, { recursive: true });
  const log = createLogger('debug', sink);
  sources = await Sources.start({ policies: [policyDir], templates: [], reloadIntervalMs: 100 }, log);
  warmUp(sources.snapshot(), log);
  server = await startWebhookServer({
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    port: 0,
    host: '127.0.0.1',
    snapshot: () => sources.snapshot(),
    log,
    maxBodyBytes: 1024 * 1024,
    timeoutMs: 1500,
    reloadIntervalMs: 100,
  });
});

afterAll(async () => {
  await server?.close();
  sources?.stop();
});

describe('routes', () => {
  it('refuses a body declared as anything but application/json (415)', async () => {
    const body = JSON.stringify(reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment')));
    const plain = await call('/validate', body, 'POST', certs.caPem, 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.body.message).toMatch(/application\/json, not text\/plain/);
    expect((await call('/validate', body, 'POST', certs.caPem, 'application/yaml')).status).toBe(415);
    // no Content-Type at all: read as JSON (what curl and older clients send)
    expect((await call('/validate', body, 'POST', certs.caPem, null)).status).toBe(200);
    // a charset parameter is fine
    const utf8 = await call('/validate', body, 'POST', certs.caPem, 'application/json; charset=utf-8');
    expect(utf8.status).toBe(200);
  });

  it('serves /healthz and /readyz', async () => {
    expect(await call('/healthz', undefined, 'GET')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await call('/readyz', undefined, 'GET')).toEqual({ status: 200, body: { status: 'ready' } });
  });
  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await call('/nope', '{}')).status).toBe(404);
    const r = await call('/validate', undefined, 'GET');
    expect(r.status).toBe(405);
    expect(r.body.message).toContain('takes POST');
  });
  it('answers an AdmissionReview in the same version, with the uid', async () => {
    const review = reviewOf(doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment'));
    const r = await post('/validate?timeout=10s', review);
    expect(r.status).toBe(200);
    expect(r.body.apiVersion).toBe('admission.k8s.io/v1');
    expect(r.body.kind).toBe('AdmissionReview');
    expect(r.body.response.uid).toBe(review.request.uid);
    expect(r.body.response.allowed).toBe(false);
    expect(r.body.response.status.code).toBe(403);
    const denied = logLines.find((l) => l.uid === review.request.uid);
    expect(denied).toMatchObject({ msg: 'denied', allowed: false, kind: 'ClusterDeployment', user: 'alice' });
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and the parser error', async () => {
    const r = await call('/validate', '{"apiVersion": "admission.k8s.io/v1", "kind": ');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
    expect(r.body.message).toMatch(/^not an AdmissionReview: malformed JSON: /);
  });
  it('answers a body that is not UTF-8 with 400 and the place, not a U+FFFD in its stead', async () => {
    const text = JSON.stringify(reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment')));
    const at = text.indexOf('team-a');
    const body = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(text.slice(at)),
    ]);
    const r = await call('/validate', body);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      `not an AdmissionReview: invalid UTF-8 at byte offset ${at} (byte 0xc3, line 1, column ${at + 1}): input must be UTF-8 text`,
    );
  });
  it('answers a wrong kind or version with 400 naming it', async () => {
    const review = reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
    const wrongKind = await post('/validate', { ...review, kind: 'ConfigMap' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toContain('kind must be AdmissionReview, got "ConfigMap"');
    const v1beta1 = await post('/mutate', { ...review, apiVersion: 'admission.k8s.io/v1beta1' });
    expect(v1beta1.status).toBe(400);
    expect(v1beta1.body.message).toContain('apiVersion "admission.k8s.io/v1beta1" is not supported');
    const noUid = await post('/validate', { ...review, request: { ...review.request, uid: '' } });
    expect(noUid.body.message).toContain('request.uid is required');
    const array = await call('/validate', '[1,2]');
    expect(array.body.message).toContain('must be a JSON object');
  });
  it('answers an oversize body with 413 without reading it all', async () => {
    const review = reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
    review.request.object.spec.config.padding = 'x'.repeat(3 * 1024 * 1024);
    const r = await post('/validate', review);
    expect(r.status).toBe(413);
    expect(r.body.message).toMatch(/request body of \d+ bytes is over the 1048576-byte limit/);
    // still serving
    expect((await call('/healthz', undefined, 'GET')).status).toBe(200);
  });
  it('answers a client that sends too slowly with 408 within the timeout', async () => {
    const started = Date.now();
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/validate?timeout=1s',
          method: 'POST',
          ca: certs.caPem,
          agent: false,
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.write('{"apiVersion": "admission.k8s.io/v1",'); // and nothing more
    });
    expect(r.status).toBe(408);
    expect(r.body.message).toContain('request body not received within 1000 ms');
    expect(Date.now() - started).toBeLessThan(2500);
  });
  it('denies, not crashes, on a deeply nested object', async () => {
    const review = reviewOf(doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment'));
    let deep: any = {};
    review.request.object.spec.config.deep = deep;
    for (let i = 0; i < 300; i++) deep = deep.x = {};
    const r = await post('/validate', review);
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('nesting is deeper than 256 levels');
  });
});

/** The certificate a new TLS connection is served, as PEM-less DER fingerprint. */
function servedFingerprint(ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: server.port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reloads', () => {
  it('serves a rotated certificate to new connections', async () => {
    const before = await servedFingerprint(certs.caPem);
    const next = webhookCertificates(); // another CA and serving certificate
    // rotate as a Secret mount does: new files renamed into place
    copyFileSync(next.keyFile, `${certs.keyFile}.new`);
    copyFileSync(next.certFile, `${certs.certFile}.new`);
    renameSync(`${certs.keyFile}.new`, certs.keyFile);
    renameSync(`${certs.certFile}.new`, certs.certFile);
    const after = await eventually('the new certificate', async () => {
      const fp = await servedFingerprint(next.caPem);
      return fp !== before ? fp : undefined;
    });
    expect(after).not.toBe(before);
    // the old CA no longer verifies the server; the new one does, for admission too
    await expect(servedFingerprint(certs.caPem)).rejects.toThrow();
    expect((await call('/healthz', undefined, 'GET', next.caPem)).status).toBe(200);
    certs = { ...certs, caPem: next.caPem };
  });

  it('keeps the previous certificate when the new pair does not match', async () => {
    const before = await servedFingerprint(certs.caPem);
    const other = webhookCertificates();
    writeFileSync(certs.certFile, readFileSync(other.certFile)); // key not rotated
    await eventually('the error to be logged', async () =>
      logLines.some((l) => l.msg === 'cannot load the serving certificate; keeping the previous one')
        ? true
        : undefined,
    );
    expect(await servedFingerprint(certs.caPem)).toBe(before);
  });

  it('re-reads the policy folder when a file changes, and keeps the last good set on a broken one', async () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    expect((await post('/validate', reviewOf(cd))).body.response.allowed).toBe(true);
    const generation = sources.generation;
    writeFileSync(
      join(policyDir, 'no-eu-central.yaml'),
      `apiVersion: json.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: { name: no-eu-central }
spec:
  rules:
  - name: region
    match: { all: [ { kind: ClusterDeployment } ] }
    assert:
      all:
      - message: eu-central-1 is full
        check: { spec: { config: { region: { (@ != 'eu-central-1'): true } } } }
`,
    );
    await eventually('the reload', async () => (sources.generation > generation ? true : undefined));
    const denied = (await post('/validate', reviewOf(cd))).body.response;
    expect(denied.allowed).toBe(false);
    expect(denied.status.message).toContain(
      '[no-eu-central/region] $.spec.config.region: eu-central-1 is full',
    );
    // a broken policy: logged, and the previous set stays in force
    const g2 = sources.generation;
    writeFileSync(
      join(policyDir, 'broken.yaml'),
      'apiVersion: json.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nspec: {rules: [{name: a, assert: {all: [{check: {(nope(@)): true}}]}}]}\n',
    );
    await eventually('the failed reload to be logged', async () =>
      logLines.some((l) => l.msg?.startsWith('reloading the folders failed')) ? true : undefined,
    );
    expect(sources.generation).toBe(g2);
    expect((await post('/validate', reviewOf(cd))).body.response.allowed).toBe(false);
  });
});
