/**
 * The webhook's deletion guards: the pure decision on a DELETE (admitDeletion), and the users
 * listed from a real store (the embedded SQLite store stands in for the API server: same Store
 * interface), including the distributed copies of a system-namespace object.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { NewObject } from '../../src/store/types.js';
import {
  admitDeletion,
  deploymentUse,
  guardedObject,
  isGuardedDeletion,
  liveUsers,
} from '../../src/webhook/deletion.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';

const V1 = 'clustermint.io/v1alpha1';
const SYS = 'clustermint-system';

/** A DELETE review of `kind` ns/name, with the object being deleted as oldObject. */
function deletion(kind: string, namespace: string, name: string, spec: Record<string, unknown> = {}) {
  return parseAdmissionReview(
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u-1',
        kind: { group: 'clustermint.io', version: 'v1alpha1', kind },
        resource: { group: 'clustermint.io', version: 'v1alpha1', resource: `${kind.toLowerCase()}s` },
        name,
        namespace,
        operation: 'DELETE',
        userInfo: { username: 'platform', groups: [] },
        oldObject: { apiVersion: V1, kind, metadata: { name, namespace }, spec },
      },
    }),
  );
}

const cd = (namespace: string, name: string, spec: Record<string, unknown>, status?: unknown): NewObject =>
  ({
    apiVersion: V1,
    kind: 'ClusterDeployment',
    metadata: { name, namespace },
    spec,
    ...(status ? { status } : {}),
  }) as NewObject;

describe('admitDeletion', () => {
  it('judges only DELETEs of the guarded kinds', () => {
    expect(isGuardedDeletion(deletion('ClusterTemplate', 'team-a', 'aws'))).toBe(true);
    expect(isGuardedDeletion(deletion('Credential', 'team-a', 'aws'))).toBe(true);
    expect(isGuardedDeletion(deletion('ClusterDeployment', 'team-a', 'x'))).toBe(false);
    const create = { ...deletion('ClusterTemplate', 'team-a', 'aws'), operation: 'CREATE' as const };
    expect(isGuardedDeletion(create)).toBe(false);
  });

  it('allows a deletion nothing uses and denies one in use, naming the users', () => {
    const req = deletion('ClusterTemplate', 'team-a', 'aws-1');
    expect(admitDeletion(req, [])).toEqual({ uid: 'u-1', allowed: true });
    const users = ['prod-1', 'prod-2', 'prod-3', 'prod-4', 'prod-5', 'prod-6', 'prod-7'].map((name) => ({
      kind: 'ClusterDeployment' as const,
      namespace: 'team-a',
      name,
    }));
    const r = admitDeletion(req, users);
    expect(r.allowed).toBe(false);
    expect(r.status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(r.status?.message).toContain('ClusterTemplate team-a/aws-1 is in use and cannot be deleted');
    expect(r.status?.message).toContain('team-a/prod-1');
    expect(r.status?.message).toContain('team-a/prod-5');
    expect(r.status?.message).not.toContain('prod-6');
    expect(r.status?.message).toContain('2 more');
  });

  it("takes a chain's templates from the object being deleted", () => {
    const req = deletion('ClusterTemplateChain', 'team-a', 'aws', {
      supportedTemplates: [{ name: 'aws-1', availableUpgrades: [{ name: 'aws-2' }] }, { name: 'aws-2' }],
    });
    expect(guardedObject(req)).toEqual({
      kind: 'ClusterTemplateChain',
      namespace: 'team-a',
      name: 'aws',
      chainTemplates: ['aws-1', 'aws-2'],
    });
  });

  it('reads what a deployment uses, the applied template and the services included', () => {
    const use = deploymentUse(
      cd(
        'team-a',
        'prod',
        {
          template: 'aws-2',
          credential: 'aws-cred',
          serviceSpec: { services: [{ name: 'ingress', template: 'nginx-1', templateChain: 'nginx' }] },
        },
        { applied: { template: 'aws-1' } },
      ) as never,
    );
    expect(use).toEqual({
      namespace: 'team-a',
      name: 'prod',
      template: 'aws-2',
      appliedTemplate: 'aws-1',
      credential: 'aws-cred',
      serviceTemplates: ['nginx-1'],
      serviceChains: ['nginx'],
    });
  });
});

describe('liveUsers (from a store)', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'cm-guards-')), 'state.db'));
    const objects: NewObject[] = [
      cd('team-a', 'a-1', { template: 'aws-1', credential: 'aws-cred' }),
      cd('team-a', 'a-2', { template: 'aws-1' }),
      cd('team-b', 'b-1', { template: 'aws-1', credential: 'aws-cred' }),
      cd('team-c', 'c-1', { template: 'aws-1' }),
      // copies of the system namespace's template: team-a and team-b hold one, team-c its own
      ...['team-a', 'team-b'].map(
        (ns) =>
          ({
            apiVersion: V1,
            kind: 'ClusterTemplate',
            metadata: {
              name: 'aws-1',
              namespace: ns,
              labels: { 'clustermint.io/managed': 'true' },
              annotations: { 'clustermint.io/distributed-from': `${SYS}/aws-1` },
            },
            spec: { helm: { chartSpec: { chart: 'aws' } } },
          }) as NewObject,
      ),
      {
        apiVersion: V1,
        kind: 'ClusterTemplate',
        metadata: { name: 'aws-1', namespace: 'team-c' },
        spec: { helm: { chartSpec: { chart: 'aws' } } },
      } as NewObject,
      {
        apiVersion: V1,
        kind: 'MultiClusterService',
        metadata: { name: 'global-ingress' },
        spec: { serviceSpec: { services: [{ name: 'ingress', template: 'nginx-1' }] } },
      } as NewObject,
    ];
    for (const o of objects) await store.create(o);
  });
  afterAll(() => store?.close());

  it("names a team namespace's own users only", async () => {
    const users = await liveUsers(store, { kind: 'Credential', namespace: 'team-a', name: 'aws-cred' });
    expect(users).toEqual([{ kind: 'ClusterDeployment', namespace: 'team-a', name: 'a-1' }]);
  });

  it('names the users of the copies of a system-namespace object, not those of a look-alike', async () => {
    const users = await liveUsers(store, { kind: 'ClusterTemplate', namespace: SYS, name: 'aws-1' });
    expect(users.map((u) => `${u.namespace}/${u.name}`).sort()).toEqual([
      'team-a/a-1',
      'team-a/a-2',
      'team-b/b-1',
    ]);
  });

  it('names MultiClusterServices for a system ServiceTemplate', async () => {
    const users = await liveUsers(store, { kind: 'ServiceTemplate', namespace: SYS, name: 'nginx-1' });
    expect(users).toEqual([expect.objectContaining({ kind: 'MultiClusterService', name: 'global-ingress' })]);
  });
});
