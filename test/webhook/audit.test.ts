/**
 * The webhook's audit trail: which requests record what (auditRecord, pure), and the writer that
 * appends the entries to DeploymentHistories in a real store (the embedded SQLite store: the same
 * Store interface as the API server), with concurrent writers conflicting and a bounded queue.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT_HISTORY_TYPE } from '../../src/api/deployment-history.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { type AuditRecord, AuditWriter, auditRecord } from '../../src/webhook/audit.js';
import { createLogger } from '../../src/webhook/log.js';
import { type AdmissionRequest, allow, deny, parseAdmissionReview } from '../../src/webhook/review.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');
const V1 = 'clustermint.io/v1alpha1';

const cd = (template: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: V1,
  kind: 'ClusterDeployment',
  metadata: { name: 'prod', namespace: 'team-a', uid: 'uid-1', generation: 3 },
  spec: { template, credential: 'aws-cred', ...extra },
});

function request(
  operation: 'CREATE' | 'UPDATE' | 'DELETE',
  object: unknown,
  oldObject?: unknown,
  more: Record<string, unknown> = {},
): AdmissionRequest {
  return parseAdmissionReview(
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u',
        kind: { group: 'clustermint.io', version: 'v1alpha1', kind: 'ClusterDeployment' },
        resource: { group: 'clustermint.io', version: 'v1alpha1', resource: 'clusterdeployments' },
        name: 'prod',
        namespace: 'team-a',
        operation,
        userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:serviceaccounts'] },
        object,
        oldObject,
        ...more,
      },
    }),
  );
}

describe('auditRecord', () => {
  it('records a create with the user, groups, template and credential', () => {
    const r = auditRecord(request('CREATE', cd('aws-1')), allow('u', ['a warning']), 'validate', NOW);
    expect(r).toEqual({
      namespace: 'team-a',
      name: 'prod',
      uid: 'uid-1',
      entry: {
        time: '2026-01-02T03:04:05.000Z',
        user: 'system:serviceaccount:team-a:deployer',
        groups: ['system:serviceaccounts'],
        via: 'webhook',
        action: 'created',
        template: 'aws-1',
        credential: 'aws-cred',
        generation: 1,
        allowed: true,
        warnings: 1,
      },
    });
  });

  it('records an upgrade, a change, a deletion and a denial', () => {
    const up = auditRecord(request('UPDATE', cd('aws-2'), cd('aws-1')), allow('u'), 'validate', NOW);
    expect(up?.entry).toMatchObject({
      action: 'upgraded',
      template: 'aws-2',
      fromTemplate: 'aws-1',
      generation: 4,
    });
    const change = auditRecord(
      request('UPDATE', cd('aws-1', { config: { workers: 3 } }), cd('aws-1')),
      allow('u'),
      'validate',
      NOW,
    );
    expect(change?.entry).toMatchObject({ action: 'changed', template: 'aws-1' });
    expect(change?.entry.fromTemplate).toBeUndefined();
    const del = auditRecord(request('DELETE', undefined, cd('aws-1')), allow('u'), 'validate', NOW);
    expect(del?.entry).toMatchObject({ action: 'deleted', template: 'aws-1', generation: 3, allowed: true });
    const denied = auditRecord(
      request('CREATE', cd('aws-9')),
      deny(
        'u',
        'ClusterDeployment team-a/prod denied by clustermint: 2 violations:\n- [admission/template-exists] $.spec.template: not found\n- [admission/credential-exists] $.spec.credential: not found',
      ),
      'validate',
      NOW,
    );
    expect(denied?.entry).toMatchObject({
      action: 'denied',
      allowed: false,
      violations: [
        '[admission/template-exists] $.spec.template: not found',
        '[admission/credential-exists] $.spec.credential: not found',
      ],
    });
    expect(denied?.entry.generation).toBeUndefined();
  });

  it('records nothing for the mutating pass, a dry run, an unchanged update or a repeated delete', () => {
    expect(auditRecord(request('CREATE', cd('aws-1')), allow('u'), 'mutate', NOW)).toBeUndefined();
    expect(
      auditRecord(request('CREATE', cd('aws-1'), undefined, { dryRun: true }), allow('u'), 'validate', NOW),
    ).toBeUndefined();
    // finalizers and status: spec and labels unchanged
    const withFinalizer = { ...cd('aws-1'), metadata: { ...cd('aws-1').metadata, finalizers: ['x'] } };
    expect(
      auditRecord(request('UPDATE', withFinalizer, cd('aws-1')), allow('u'), 'validate', NOW),
    ).toBeUndefined();
    // a label change is recorded
    const labelled = { ...cd('aws-1'), metadata: { ...cd('aws-1').metadata, labels: { env: 'prod' } } };
    expect(
      auditRecord(request('UPDATE', labelled, cd('aws-1')), allow('u'), 'validate', NOW)?.entry.action,
    ).toBe('changed');
    const deleting = {
      ...cd('aws-1'),
      metadata: { ...cd('aws-1').metadata, deletionTimestamp: NOW.toISOString() },
    };
    expect(auditRecord(request('DELETE', undefined, deleting), allow('u'), 'validate', NOW)).toBeUndefined();
    const status = { ...request('UPDATE', cd('aws-2'), cd('aws-1')), subResource: 'status' };
    expect(auditRecord(status, allow('u'), 'validate', NOW)).toBeUndefined();
  });
});

describe('AuditWriter', () => {
  let store: SqliteStore;
  const logs: any[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(c, _e, cb) {
        for (const l of String(c).split('\n')) if (l) logs.push(JSON.parse(l));
        cb();
      },
    }),
  );
  beforeAll(() => {
    store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'cm-audit-')), 'state.db'));
  });
  afterAll(() => store?.close());

  const rec = (name: string, i: number, action: AuditRecord['entry']['action'] = 'changed'): AuditRecord => ({
    namespace: 'team-a',
    name,
    uid: `uid-${name}`,
    entry: {
      time: NOW.toISOString(),
      user: `user-${i}`,
      via: 'webhook',
      action,
      template: 't',
      allowed: true,
    },
  });
  const history = async (name: string) =>
    (await store.get({ ...DEPLOYMENT_HISTORY_TYPE, namespace: 'team-a', name })).spec as {
      deployment: string;
      uid?: string;
      entries: Array<{ user: string }>;
      deletedAt?: string;
    };

  it('creates the history, then appends in order', async () => {
    const w = new AuditWriter(store, log);
    for (let i = 0; i < 3; i++) expect(w.push(rec('one', i))).toBe(true);
    await w.idle();
    const h = await history('one');
    expect(h.deployment).toBe('one');
    expect(h.uid).toBe('uid-one');
    expect(h.entries.map((e) => e.user)).toEqual(['user-0', 'user-1', 'user-2']);
    expect(w.written).toBe(3);
  });

  it('two writers on the same history (two webhook replicas) lose no entry', async () => {
    const a = new AuditWriter(store, log, { attempts: 20 });
    const b = new AuditWriter(store, log, { attempts: 20 });
    for (let i = 0; i < 10; i++) (i % 2 ? a : b).push(rec('two', i));
    await Promise.all([a.idle(), b.idle()]);
    const users = (await history('two')).entries.map((e) => e.user).sort();
    expect(users).toEqual(Array.from({ length: 10 }, (_, i) => `user-${i}`).sort());
    expect(a.dropped + b.dropped).toBe(0);
  });

  it('drops what does not fit the queue, and says so', async () => {
    const w = new AuditWriter(store, log, { maxQueue: 2 });
    const pushed = [0, 1, 2, 3].map((i) => w.push(rec('three', i)));
    expect(pushed).toEqual([true, true, false, false]);
    await w.idle();
    expect((await history('three')).entries).toHaveLength(2);
    expect(w.dropped).toBe(2);
    expect(
      logs.some((l) => l.msg === 'the audit queue is full; an entry of a DeploymentHistory is dropped'),
    ).toBe(true);
  });

  it('a history marked deleted is live again when the name is created again', async () => {
    const w = new AuditWriter(store, log);
    w.push(rec('four', 0, 'created'));
    await w.idle();
    const got = await store.get({ ...DEPLOYMENT_HISTORY_TYPE, namespace: 'team-a', name: 'four' });
    await store.update({
      ...got,
      spec: { ...(got.spec as object), deletedAt: NOW.toISOString(), expiresAt: NOW.toISOString() },
    });
    w.push(rec('four', 1, 'created'));
    await w.idle();
    const h = await history('four');
    expect(h.deletedAt).toBeUndefined();
    expect(h.entries).toHaveLength(2);
  });

  it('a store that fails drops the entry with a warning and never throws', async () => {
    const broken = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'cm-audit-')), 'state.db'));
    await broken.close();
    const w = new AuditWriter(broken, log);
    expect(w.push(rec('five', 0))).toBe(true);
    await w.idle();
    expect(w.dropped).toBe(1);
    expect(logs.some((l) => l.msg === 'writing a DeploymentHistory entry failed; the entry is dropped')).toBe(
      true,
    );
  });
});
