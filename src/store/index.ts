/** The Store contract and its embedded backend. */
export * from './errors.js';
export { CONFLICT_ATTEMPTS, modify, retryOnConflict } from './modify.js';
export { DEFAULT_STATE_PATH } from './sqlite/schema.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite/store.js';
export * from './types.js';
