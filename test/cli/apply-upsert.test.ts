/**
 * `apply` of an object that exists: a controller may write its status between apply's read and its
 * update. The change then goes onto the newer version instead of failing with a Conflict.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { upsert } from '../../src/cli/apply-run.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { NewObject, ObjectRef, Store } from '../../src/store/types.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clustermint-upsert-'));
  store = openSqliteStore(join(dir, 'state.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const cd = (workers: number): NewObject => ({
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
  metadata: { name: 'dev', namespace: 'default', labels: { env: 'dev' } },
  spec: { template: 'simulated-standalone', config: { workersNumber: workers } },
});
const REF: ObjectRef = {
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
  namespace: 'default',
  name: 'dev',
};

/** The store, except that its first read is overtaken by a controller's status write. */
function overtaken(s: Store): Store {
  let reads = 0;
  return Object.assign(Object.create(s) as Store, {
    get: async (ref: ObjectRef) => {
      const cur = await s.get(ref);
      if (++reads === 1) await s.updateStatus({ ...cur, status: { observedGeneration: 1 } });
      return cur;
    },
  });
}

it('puts the change onto the version a controller wrote meanwhile', async () => {
  expect(await upsert(store, cd(2))).toBe('created');
  expect(await upsert(overtaken(store), cd(3))).toBe('configured');
  const stored = await store.get(REF);
  expect(stored.spec).toEqual({ template: 'simulated-standalone', config: { workersNumber: 3 } });
  expect(stored.status).toEqual({ observedGeneration: 1 });
  expect(stored.metadata.generation).toBe(2);
});

it('says unchanged when nothing changed, even after a status write', async () => {
  await upsert(store, cd(2));
  expect(await upsert(overtaken(store), cd(2))).toBe('unchanged');
  expect((await store.get(REF)).metadata.generation).toBe(1);
});
