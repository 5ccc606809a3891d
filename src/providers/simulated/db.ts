/**
 * The simulated cloud's state in its own SQLite file (better-sqlite3), so a restarted
 * reconciler finds the machines it created; `:memory:` for unit tests. Records are JSON
 * documents keyed by the caller's ids.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { BoundedCache } from '../../util/bounded-cache.js';
import { TerminalProviderError, TransientProviderError } from '../errors.js';

const SCHEMA_VERSION = '1';
/** Parsed records kept: a reconcile pass reads one cluster's machines again and again. */
const DOC_CACHE_ENTRIES = 4096;

// Loaded at run time (as the store does), so the CLI bundle keeps the native addon outside.
const require = createRequire(import.meta.url);

/** Records are shared with callers: frozen, so a caller that changes one fails loudly. */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export class SimulatedCloudDb {
  private readonly db: Database.Database;
  private readonly stmts: Record<string, Database.Statement>;
  /**
   * Parsed records by table and id, so a reconcile looking at a cluster's machines reads no
   * SQL and parses no JSON. Writes of this connection go through it; a write of another
   * connection (seen as a new `PRAGMA data_version`) empties it. Bounded: a large fleet's
   * records (deleted machines' too) would otherwise all stay in memory; an evicted one is read again.
   */
  private readonly docs = new BoundedCache<string, unknown>(DOC_CACHE_ENTRIES);
  private readonly shared: boolean;
  private dataVersion: number | undefined;
  private inTransaction = false;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      const Sqlite = require('better-sqlite3') as typeof Database;
      this.db = new Sqlite(path);
      this.db.pragma('busy_timeout = 5000');
      if (path !== ':memory:') {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        this.db.pragma('mmap_size = 268435456');
      }
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS clusters (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS machines (id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS machines_by_cluster ON machines (cluster_id, id);
        CREATE TABLE IF NOT EXISTS control_planes (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      `);
    } catch (e) {
      throw new TerminalProviderError(
        'SimulatedCloudUnavailable',
        `cannot open the simulated cloud at ${path}: ${(e as Error).message}`,
      );
    }
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
    const v = (this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schema') as { value: string })
      .value;
    if (v !== SCHEMA_VERSION) {
      this.db.close();
      throw new TerminalProviderError(
        'SimulatedCloudUnavailable',
        `${path} holds simulated cloud schema ${v}; this version reads ${SCHEMA_VERSION}`,
      );
    }
    const sql = {
      getCluster: 'SELECT doc FROM clusters WHERE id = ?',
      putCluster:
        'INSERT INTO clusters (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
      getMachine: 'SELECT doc FROM machines WHERE id = ?',
      putMachine:
        'INSERT INTO machines (id, cluster_id, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET cluster_id = excluded.cluster_id, doc = excluded.doc',
      listMachines: 'SELECT doc FROM machines WHERE cluster_id = ? ORDER BY id',
      countMachines: 'SELECT count(*) AS n FROM machines',
      getControlPlane: 'SELECT doc FROM control_planes WHERE id = ?',
      putControlPlane:
        'INSERT INTO control_planes (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
    };
    this.stmts = Object.fromEntries(Object.entries(sql).map(([k, s]) => [k, this.db.prepare(s)]));
    this.shared = path !== ':memory:';
    if (this.shared) this.stmts.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
  }

  /** Empties the cache when another connection committed since the last look. */
  private sync(): void {
    if (!this.shared || this.inTransaction) return;
    const v = this.run(() => this.stmts.dataVersion.get()) as number;
    if (v !== this.dataVersion) {
      this.docs.clear();
      this.dataVersion = v;
    }
  }

  private cached<T>(table: string, stmt: string, id: string): T | undefined {
    this.sync();
    const key = `${table}\0${id}`;
    if (this.docs.has(key)) return this.docs.get(key) as T | undefined;
    const doc = deepFreeze(this.one<T>(stmt, id));
    this.docs.set(key, doc);
    return doc;
  }

  private remember(table: string, id: string, doc: unknown): void {
    this.docs.set(`${table}\0${id}`, deepFreeze(doc));
  }

  private run<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new TransientProviderError(
          'SimulatedCloudBusy',
          `the simulated cloud's database is busy: ${(e as Error).message}`,
          250,
        );
      }
      throw e;
    }
  }

  private one<T>(stmt: string, ...args: unknown[]): T | undefined {
    const row = this.run(() => this.stmts[stmt].get(...args)) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  getCluster<T>(id: string): T | undefined {
    return this.cached<T>('clusters', 'getCluster', id);
  }
  putCluster(id: string, doc: unknown): void {
    this.run(() => this.stmts.putCluster.run(id, JSON.stringify(doc)));
    this.remember('clusters', id, doc);
  }
  getMachine<T>(id: string): T | undefined {
    return this.cached<T>('machines', 'getMachine', id);
  }
  putMachine(id: string, clusterId: string, doc: unknown): void {
    this.run(() => this.stmts.putMachine.run(id, clusterId, JSON.stringify(doc)));
    this.remember('machines', id, doc);
  }
  listMachines<T>(clusterId: string): T[] {
    const rows = this.run(() => this.stmts.listMachines.all(clusterId)) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
  countMachines(): number {
    return (this.run(() => this.stmts.countMachines.get()) as { n: number }).n;
  }
  getControlPlane<T>(id: string): T | undefined {
    return this.cached<T>('control_planes', 'getControlPlane', id);
  }
  putControlPlane(id: string, doc: unknown): void {
    this.run(() => this.stmts.putControlPlane.run(id, JSON.stringify(doc)));
    this.remember('control_planes', id, doc);
  }
  /** Run f in one transaction (a read-then-write is atomic against other processes). */
  transaction<T>(f: () => T): T {
    try {
      return this.run(() =>
        this.db
          .transaction(() => {
            // Holding the write lock now: what others committed before is visible.
            this.sync();
            this.inTransaction = true;
            return f();
          })
          .immediate(),
      );
    } catch (e) {
      // Rolled back: writes f made to the cache did not happen.
      this.docs.clear();
      this.dataVersion = undefined;
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}
