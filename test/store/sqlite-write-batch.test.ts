/**
 * SqliteStore's write batch (the reconciler's pass): writes share a transaction that other
 * processes see only at a commit; this process sees them at once; a refused write undoes only
 * itself; closing commits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlreadyExists, isNotFound, openSqliteStore, type SqliteStore } from '../../src/store/index.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const open: SqliteStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
const pair = () => {
  const path = join(mkdtempSync(join(tmpdir(), 'clustermint-store-')), 'state.db');
  // the second store is another process's view of the same file
  const s = openSqliteStore(path);
  const other = openSqliteStore(path, { busyTimeoutMs: 50 });
  open.push(s, other);
  return { s, other };
};
const ref = (name: string) => ({ ...CD, namespace: 'ns', name });
const absent = (s: SqliteStore, name: string) =>
  s.get(ref(name)).then(
    () => false,
    (e) => isNotFound(e),
  );

describe('SqliteStore write batch', () => {
  it('commits at commitWriteBatch and at the end; until then only this process sees the writes', async () => {
    const { s, other } = pair();
    s.beginWriteBatch();
    await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: {} });
    expect((await s.get(ref('a'))).metadata.name).toBe('a');
    expect(await absent(other, 'a')).toBe(true);
    s.commitWriteBatch();
    expect((await other.get(ref('a'))).metadata.name).toBe('a');
    const b = await s.create({ ...CD, metadata: { name: 'b', namespace: 'ns' }, spec: {} });
    await s.updateStatus({ ...b, status: { phase: 'Ready' } });
    expect(await absent(other, 'b')).toBe(true);
    s.endWriteBatch();
    expect((await other.get(ref('b'))).status).toEqual({ phase: 'Ready' });
    // after the batch, each write commits on its own again
    await s.create({ ...CD, metadata: { name: 'c', namespace: 'ns' }, spec: {} });
    expect((await other.get(ref('c'))).metadata.name).toBe('c');
  });

  it('a refused write undoes only itself; the batch goes on', async () => {
    const { s, other } = pair();
    s.beginWriteBatch();
    await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: {} });
    await expect(s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: {} })).rejects.toSatisfy(
      isAlreadyExists,
    );
    await s.create({ ...CD, metadata: { name: 'b', namespace: 'ns' }, spec: {} });
    s.endWriteBatch();
    const names = (await other.list(CD)).items.map((o) => o.metadata.name);
    expect(names).toEqual(['a', 'b']);
  });

  it('watches of this process see a batch write before its commit, with its resourceVersion', async () => {
    const { s } = pair();
    const w = await s.watch(CD);
    s.beginWriteBatch();
    const a = await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: {} });
    const next = await w[Symbol.asyncIterator]().next();
    expect(next.value?.type).toBe('ADDED');
    expect(next.value?.object.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    s.endWriteBatch();
    w.close();
  });

  it('closing the store commits an open batch', async () => {
    const { s, other } = pair();
    s.beginWriteBatch();
    await s.create({ ...CD, metadata: { name: 'a', namespace: 'ns' }, spec: {} });
    await s.close();
    expect((await other.get(ref('a'))).metadata.name).toBe('a');
  });
});
