import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isAlreadyExists,
  isConflict,
  openSqliteStore,
  type SqliteStore,
  StoreError,
} from '../../src/store/index.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const EV = { apiVersion: 'v1', kind: 'Event' } as const;
const open: SqliteStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
const store = () => {
  const s = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'clustermint-store-')), 'state.db'));
  open.push(s);
  return s;
};

describe('SqliteStore.writeMany', () => {
  it('writes creates and a status update in one go, each with its own semantics and watch event', async () => {
    const s = store();
    const cd = await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: { x: 1 } });
    await s.create({ ...EV, metadata: { name: 'taken', namespace: 'ns' } });
    const w = await s.watch(EV, { namespace: 'ns', resourceVersion: cd.metadata.resourceVersion });
    const out = await s.writeMany([
      { op: 'create', object: { ...EV, metadata: { name: 'e1', namespace: 'ns' }, reason: 'One' } },
      { op: 'create', object: { ...EV, metadata: { name: 'taken', namespace: 'ns' } } },
      {
        op: 'create',
        object: { ...EV, metadata: { name: 'e2', namespace: 'ns' }, status: { dropped: true } },
      },
      { op: 'updateStatus', object: { ...cd, spec: { x: 2 }, status: { phase: 'Ready' } } },
    ]);
    expect(isAlreadyExists(out[1])).toBe(true);
    const [e1, , e2, updated] = out as Exclude<(typeof out)[number], StoreError>[];
    expect(e1.metadata.generation).toBe(1);
    expect(e2.status).toBeUndefined();
    expect(updated.spec).toEqual({ x: 1 });
    expect(updated.status).toEqual({ phase: 'Ready' });
    expect(Number(e2.metadata.resourceVersion)).toBeGreaterThan(Number(e1.metadata.resourceVersion));
    expect(await s.get({ ...CD, namespace: 'ns', name: 'a' })).toEqual(updated);
    const seen: string[] = [];
    for await (const ev of w) {
      seen.push(`${ev.type} ${ev.object.metadata.name}`);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['ADDED taken', 'ADDED e1', 'ADDED e2']);
    w.close();
  });

  it('reports a stale status update in its place and still writes the rest', async () => {
    const s = store();
    const cd = await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' } });
    await s.updateStatus({ ...cd, status: { n: 1 } });
    const out = await s.writeMany([
      { op: 'create', object: { ...EV, metadata: { name: 'e', namespace: 'ns' } } },
      { op: 'updateStatus', object: { ...cd, status: { n: 2 } } },
    ]);
    expect(out[1]).toBeInstanceOf(StoreError);
    expect(isConflict(out[1])).toBe(true);
    expect((await s.get({ ...CD, namespace: 'ns', name: 'a' })).status).toEqual({ n: 1 });
    expect((await s.list(EV, { namespace: 'ns' })).items.map((e) => e.metadata.name)).toEqual(['e']);
  });

  it('writes nothing for an unchanged status', async () => {
    const s = store();
    const cd = await s.updateStatus({
      ...(await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' } })),
      status: { n: 1 },
    });
    const [same] = await s.writeMany([{ op: 'updateStatus', object: { ...cd, status: { n: 1 } } }]);
    expect((same as typeof cd).metadata.resourceVersion).toBe(cd.metadata.resourceVersion);
  });
});

describe('label index', () => {
  it('lists by the indexed label with other selectors and namespaces, as a scan does', async () => {
    const s = store();
    const M = { apiVersion: 'clustermint.io/v1alpha1', kind: 'Machine' } as const;
    const key = 'clustermint.io/cluster-deployment';
    for (const ns of ['a', 'b'])
      for (let i = 0; i < 6; i++)
        await s.create({
          ...M,
          metadata: {
            name: `m${i}`,
            namespace: ns,
            labels: { [key]: `d${i % 2}`, role: i < 3 ? 'cp' : 'w' },
          },
        });
    const names = async (o: { namespace?: string; labelSelector: string }) =>
      (await s.list(M, o)).items.map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    expect(await names({ namespace: 'a', labelSelector: `${key}=d1` })).toEqual(['a/m1', 'a/m3', 'a/m5']);
    expect(await names({ labelSelector: `${key}=d0,role=w` })).toEqual(['a/m4', 'b/m4']);
    expect(await names({ labelSelector: `${key} in (d1),role!=w` })).toEqual(['a/m1', 'b/m1']);
    expect(await names({ namespace: 'b', labelSelector: `${key}=nope` })).toEqual([]);
    // A label change moves the object between index entries.
    const m1 = await s.get({ ...M, namespace: 'a', name: 'm1' });
    await s.update({ ...m1, metadata: { ...m1.metadata, labels: { [key]: 'd0' } } });
    expect(await names({ namespace: 'a', labelSelector: `${key}=d1` })).toEqual(['a/m3', 'a/m5']);
    expect(await names({ namespace: 'a', labelSelector: `${key}=d0` })).toEqual([
      'a/m0',
      'a/m1',
      'a/m2',
      'a/m4',
    ]);
  });
});
