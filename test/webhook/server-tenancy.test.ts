/**
 * The webhook server's decisions that read the cluster at request time, over HTTPS: deletion
 * guards and the one AccessManagement listed live, and the audit entry written after the answer.
 * The "cluster" is the embedded SQLite store (the same Store interface the API server's has).
 */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT_HISTORY_TYPE } from '../../src/api/deployment-history.js';
import { isNotFound } from '../../src/store/errors.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { NewObject } from '../../src/store/types.js';
import { createLogger } from '../../src/webhook/log.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import type { Snapshot } from '../../src/webhook/snapshot.js';
import { loadDirectories } from '../../src/webhook/sources.js';
import { type WebhookCertificates, webhookCertificates } from '../testenv/certs.js';

const V1 = 'clustermint.io/v1alpha1';
let certs: WebhookCertificates;
let server: WebhookServer;
let store: SqliteStore;
let snap: Snapshot;

function post(path: string, review: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: 'POST', ca: certs.caPem, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text).response));
      },
    );
    req.setHeader('content-type', 'application/json');
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

function review(
  kind: string,
  operation: string,
  namespace: string,
  name: string,
  object?: object,
  oldObject?: object,
) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `u-${Math.random()}`,
      kind: { group: 'clustermint.io', version: 'v1alpha1', kind },
      resource: { group: 'clustermint.io', version: 'v1alpha1', resource: 'x' },
      name,
      namespace,
      operation,
      userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:serviceaccounts'] },
      ...(object ? { object } : {}),
      ...(oldObject ? { oldObject } : {}),
    },
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

beforeAll(async () => {
  certs = webhookCertificates();
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'cm-webhook-live-')), 'state.db'));
  const log = createLogger(
    'error',
    new Writable({
      write: (_c, _e, cb) => cb(),
    }),
  );
  snap = { ...loadDirectories([], []), namespaceLabels: new Map(), cluster: store };
  server = await startWebhookServer({
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    port: 0,
    host: '127.0.0.1',
    snapshot: () => snap,
    log,
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('live decisions', () => {
  it('denies deleting a template a deployment uses, and allows it once the deployment is gone', async () => {
    const cd = {
      apiVersion: V1,
      kind: 'ClusterDeployment',
      metadata: { name: 'prod', namespace: 'team-a' },
      spec: { template: 'aws-1' },
    } as NewObject;
    await store.create(cd);
    const del = review('ClusterTemplate', 'DELETE', 'team-a', 'aws-1', undefined, {
      apiVersion: V1,
      kind: 'ClusterTemplate',
      metadata: { name: 'aws-1', namespace: 'team-a' },
      spec: {},
    });
    const denied = await post('/validate', del);
    expect(denied.allowed).toBe(false);
    expect(denied.status.message).toContain('ClusterTemplate team-a/aws-1 is in use and cannot be deleted');
    expect(denied.status.message).toContain('team-a/prod');
    await store.delete({ apiVersion: V1, kind: 'ClusterDeployment', namespace: 'team-a', name: 'prod' });
    // the same review again: listed again, not answered from the decision cache
    expect((await post('/validate', del)).allowed).toBe(true);
  });

  it('denies a second AccessManagement as soon as the first is stored', async () => {
    const am = (name: string) => ({ apiVersion: V1, kind: 'AccessManagement', metadata: { name }, spec: {} });
    expect(
      (await post('/validate', review('AccessManagement', 'CREATE', '', 'kcm', am('kcm')))).allowed,
    ).toBe(true);
    await store.create(am('kcm') as NewObject);
    const second = await post('/validate', review('AccessManagement', 'CREATE', '', 'other', am('other')));
    expect(second.allowed).toBe(false);
    expect(second.status.message).toContain('only one AccessManagement may exist: kcm exists');
  });

  it('records a ClusterDeployment deletion in its history after answering, with the user', async () => {
    const old = {
      apiVersion: V1,
      kind: 'ClusterDeployment',
      metadata: { name: 'gone', namespace: 'team-a', uid: 'uid-gone', generation: 2 },
      spec: { template: 'simulated-standalone-cp', credential: 'sim-cred' },
    };
    const r = await post(
      '/validate',
      review('ClusterDeployment', 'DELETE', 'team-a', 'gone', undefined, old),
    );
    expect(r.allowed).toBe(true);
    // the mutating pass records nothing
    await post('/mutate', review('ClusterDeployment', 'DELETE', 'team-a', 'gone', undefined, old));
    const h = await eventually(async () => {
      try {
        return await store.get({ ...DEPLOYMENT_HISTORY_TYPE, namespace: 'team-a', name: 'gone' });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });
    expect((h.spec as any).entries).toEqual([
      expect.objectContaining({
        user: 'system:serviceaccount:team-a:deployer',
        groups: ['system:serviceaccounts'],
        via: 'webhook',
        action: 'deleted',
        template: 'simulated-standalone-cp',
        credential: 'sim-cred',
        allowed: true,
      }),
    ]);
  });
});
