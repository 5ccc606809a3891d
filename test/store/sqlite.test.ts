import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import { describeStoreConformance } from './conformance.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'clustermint-store-'));

describeStoreConformance('sqlite', async () => {
  const store = openSqliteStore(join(tmp(), 'state.db'));
  return { store, close: () => store.close(), expire: async () => store.compact() };
});
