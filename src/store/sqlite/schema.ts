/**
 * Opening the state file: one SQLite database in WAL mode, marked as ours (application_id) and
 * versioned (user_version). A file that is not a database, belongs to something else, is
 * damaged or comes from a newer clustermint is refused with a clear error.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ClustermintError } from '../../util/errors.js';

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

/** 'CMST' */
export const APPLICATION_ID = 0x434d5354;
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE objects (
  grp TEXT NOT NULL,
  kind TEXT NOT NULL,
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  rv INTEGER NOT NULL,
  labels TEXT,                -- JSON of metadata.labels, to filter without parsing the body
  body TEXT NOT NULL,         -- the object as JSON
  PRIMARY KEY (grp, kind, ns, name)
) WITHOUT ROWID;
-- One row per write; the newest is never compacted, so max(id) is the store's resourceVersion.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,     -- the resourceVersion the write produced
  type TEXT NOT NULL,         -- ADDED, MODIFIED, DELETED
  grp TEXT NOT NULL,
  kind TEXT NOT NULL,
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  labels TEXT,
  prev_labels TEXT,           -- labels before a MODIFIED, for selector watches
  body TEXT NOT NULL
);
CREATE TABLE compactions (
  grp TEXT NOT NULL,
  kind TEXT NOT NULL,
  upto INTEGER NOT NULL,      -- the last compacted event of this kind: watching from before it is Expired
  PRIMARY KEY (grp, kind)
) WITHOUT ROWID;
`;

/**
 * Labels whose equality selectors are answered from an index instead of a scan of the kind
 * (the reconciler lists a deployment's Machines and Events by this label). Expression indexes
 * are kept by SQLite itself, so files written by a version without them stay consistent.
 */
export const INDEXED_LABELS = ['clustermint.io/cluster-deployment'] as const;

/** The SQL expression of an indexed label's value; queries must spell it the same way to use the index. */
export const labelExpression = (key: (typeof INDEXED_LABELS)[number]): string =>
  `json_extract(labels, '$."${key}"')`;

export const labelIndexName = (i: number): string => `objects_by_label_${i}`;

function ensureIndexes(db: Database): void {
  INDEXED_LABELS.forEach((key, i) => {
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${labelIndexName(i)} ON objects (grp, kind, ${labelExpression(key)}, ns)`,
    );
  });
}

export const DEFAULT_STATE_PATH = './.clustermint/state.db';

function unreadable(path: string, message: string, details: string[] = []): ClustermintError {
  return new ClustermintError('UNREADABLE', `state file ${path}: ${message}`, { file: path }, details);
}

/** SQLite failures that mean the file cannot be used (as opposed to a bug in a query). */
const FILE_ERRORS = /^SQLITE_(CORRUPT|NOTADB|CANTOPEN|IOERR|FULL|READONLY|BUSY|LOCKED|PERM|AUTH|PROTOCOL)/;

const DAMAGED_HINT =
  'the file is damaged or is not a clustermint state file; restore it or start from a new file';

/** A row whose JSON does not parse, or is not what the store writes: the file was changed behind us. */
export class DamagedRow extends Error {}

/**
 * A stored JSON column, parsed. Every row read goes through here, so a damaged one is reported
 * as the state file's damage (exit 2) by whatever command reads it, never as an internal error.
 */
export function parseStored<T>(text: string, what: string, shape: 'object' | 'labels'): T {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DamagedRow(
      `${what} ${what.startsWith('the labels') ? 'are' : 'is'} not valid JSON (${(e as Error).message})`,
    );
  }
  const isMap = typeof v === 'object' && v !== null && !Array.isArray(v);
  const ok =
    shape === 'labels'
      ? isMap
      : isMap &&
        typeof (v as { metadata?: unknown }).metadata === 'object' &&
        (v as { metadata?: unknown }).metadata !== null;
  if (!ok) throw new DamagedRow(shape === 'labels' ? `${what} are not a map` : `${what} is not an object`);
  return v as T;
}

/** A SQLite error about the file (or a damaged row) turned into a ClustermintError; anything else unchanged. */
export function fileError(path: string, e: unknown): unknown {
  if (e instanceof DamagedRow) return unreadable(path, `damaged: ${e.message}`, [DAMAGED_HINT]);
  const code = (e as { code?: unknown })?.code;
  // SQLite's own JSON functions (the label index, label queries) meeting a damaged labels column
  if (code === 'SQLITE_ERROR' && (e as Error).message === 'malformed JSON')
    return unreadable(path, 'damaged: the labels of a row are not valid JSON (malformed JSON)', [
      DAMAGED_HINT,
    ]);
  if (typeof code === 'string' && FILE_ERRORS.test(code)) {
    const hint =
      code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB'
        ? [DAMAGED_HINT]
        : code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
          ? ['another process holds the file locked for longer than the busy timeout']
          : [];
    return unreadable(path, `${(e as Error).message} (${code})`, hint);
  }
  return e;
}

export interface OpenOptions {
  /** How long a write waits for another process's write lock (ms). */
  busyTimeoutMs: number;
}

/** Opens (creating when absent) and checks the state file. */
export function openDatabase(path: string, options: OpenOptions): Database {
  const memory = path === ':memory:';
  if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw unreadable(path, `cannot create its folder: ${(e as Error).message}`);
    }
  }
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  let db: Database;
  try {
    db = new Sqlite(path, { timeout: options.busyTimeoutMs });
  } catch (e) {
    throw unreadable(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    if (!memory) db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed write survives a process kill (not a power loss).
    db.pragma('synchronous = NORMAL');
    // Reads through a memory map and a larger page cache: a reconciler's state (thousands of
    // machines, their events) is far beyond the default 2 MiB cache. The map is small: what it
    // maps counts in the process's resident set, and a fleet's state file (~200 MiB for 1,000
    // deployments of 13 machines) mapped whole doubled the controller's memory for no speed
    // the page cache does not give (bench/reconciler.js).
    if (!memory) db.pragma('mmap_size = 67108864');
    db.pragma('cache_size = -32768');
    checkSchema(db, path);
    ensureIndexes(db);
    return db;
  } catch (e) {
    db.close();
    throw fileError(path, e);
  }
}

function checkSchema(db: Database, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
  if (appId === APPLICATION_ID) {
    if (version > SCHEMA_VERSION)
      throw unreadable(
        path,
        `written by a newer clustermint (schema version ${version}; this one reads up to ${SCHEMA_VERSION})`,
        ['upgrade clustermint, or point --state at another file'],
      );
    if (version === SCHEMA_VERSION) return;
  } else if (appId !== 0 || tables > 0) {
    throw unreadable(path, 'not a clustermint state file (a SQLite database of another program)', [
      'point --state at another file',
    ]);
  }
  // New file (or one another process is creating right now): create the schema once.
  db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v === SCHEMA_VERSION) return;
    db.exec(SCHEMA);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
