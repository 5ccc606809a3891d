/**
 * The embedded Store: one SQLite file (better-sqlite3, WAL, synchronous=NORMAL). Every write is
 * one transaction that stores the object row and an event row under the next resourceVersion
 * (one global counter). Watches read the events table from their own cursor, so a slow reader
 * costs no memory and sees writes of other processes too: the store polls `PRAGMA data_version`
 * while a watch waits. Events beyond the retention are compacted; watching from before the
 * compaction point is Expired (410).
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import {
  alreadyExists,
  badRequest,
  expired,
  isStoreError,
  MAX_OBJECT_BYTES,
  notFound,
  StoreError,
  tooLarge,
} from '../errors.js';
import {
  checkPreconditions,
  compileFilter,
  type Filter,
  markDeleting,
  matchesKey,
  matchesLabels,
  type Prepared,
  prepareCreate,
  prepareStatusUpdate,
  prepareUpdate,
  refOf,
  typeKey,
} from '../semantics.js';
import {
  type Clock,
  type DeleteOptions,
  type DeleteResult,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type NewObject,
  type ObjectRef,
  type ResourceType,
  type Store,
  systemClock,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../types.js';
import {
  type Database,
  DEFAULT_STATE_PATH,
  fileError,
  INDEXED_LABELS,
  labelExpression,
  labelIndexName,
  openDatabase,
  parseStored,
} from './schema.js';

export interface SqliteStoreOptions {
  clock?: Clock;
  /** Events kept for watches that resume from an older resourceVersion (default 10,000). */
  eventRetention?: number;
  /** How often a waiting watch looks for writes of other processes (ms, default 25). */
  pollIntervalMs?: number;
  /** How long a write waits for another process's lock (ms, default 5,000). */
  busyTimeoutMs?: number;
  /** Random numbers for generateName suffixes (default Math.random). */
  random?: () => number;
}

/** One write of SqliteStore.writeMany. */
export type StoreWrite = { op: 'create'; object: NewObject } | { op: 'updateStatus'; object: KubeObject };

/** Rows a watch reads from the events table at a time. */
const WATCH_BATCH = 256;

interface ObjectKeyRow {
  ns: string;
  name: string;
  labels: string | null;
}
interface ObjectRow extends ObjectKeyRow {
  body: string;
}
interface EventRow {
  id: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  ns: string;
  name: string;
  labels: string | null;
  prev_labels: string | null;
  body: string;
}

type Labels = Record<string, string> | undefined;
const labelsOf = (text: string | null): Labels =>
  text === null ? undefined : parseStored<Record<string, string>>(text, 'the labels of a row', 'labels');
/** An object's stored body; `what` names it in the damage report. */
const objectOf = (body: string, what: string): KubeObject => parseStored<KubeObject>(body, what, 'object');
const rowName = (type: ResourceType, ns: string, name: string) =>
  `the stored ${type.kind} ${ns ? `${ns}/` : ''}${name}`;
/** Whether a row passes the filter; labels are parsed only when a label selector asks. */
const rowMatches = (filter: Filter, ns: string, name: string, labels: string | null): boolean =>
  matchesKey(filter, ns, name) && (filter.labels.length === 0 || matchesLabels(filter, labelsOf(labels)));
const labelsText = (obj: KubeObject): string | null =>
  obj.metadata.labels ? JSON.stringify(obj.metadata.labels) : null;

const kindKey = (type: ResourceType): string => {
  const { group, kind } = typeKey(type);
  return `${group}/${kind}`;
};

function parseVersion(rv: string): number {
  if (!/^\d{1,15}$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly retention: number;
  private readonly pollMs: number;
  private readonly random: () => number;
  private readonly watches = new Set<SqliteWatch>();
  private readonly waiters = new Map<SqliteWatch, { dataVersion: number; kind: string; wake: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private wakeScheduled = false;
  /** Kinds (`group/kind`) this process wrote since the waiting watches were last woken. */
  private readonly writtenKinds = new Set<string>();
  private closed = false;
  /** Between beginWriteBatch and endWriteBatch: writes share one transaction (see there). */
  private batching = false;
  /** The batch's transaction is open (begun by the batch's first write). */
  private batchOpen = false;
  private readonly sql: ReturnType<SqliteStore['prepare']>;
  /** One transaction wrapper for all calls (better-sqlite3 prepares BEGIN/COMMIT per wrapper). */
  private readonly tx: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;

  constructor(db: Database, path: string, options: SqliteStoreOptions = {}) {
    this.db = db;
    this.path = path;
    this.clock = options.clock ?? systemClock;
    this.retention = Math.max(1, options.eventRetention ?? 10_000);
    this.pollMs = options.pollIntervalMs ?? 25;
    this.random = options.random ?? Math.random;
    this.sql = this.prepare();
    this.tx = db.transaction((fn: () => unknown) => fn());
  }

  private prepare() {
    const db = this.db;
    return {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      head: db.prepare('SELECT max(id) FROM events').pluck(),
      oldest: db.prepare('SELECT min(id) FROM events').pluck(),
      dropEvents: db.prepare('DELETE FROM events WHERE id <= ?'),
      // Before dropping events, remember per kind the last one dropped.
      noteCompaction: db.prepare(
        `INSERT INTO compactions (grp, kind, upto) SELECT grp, kind, max(id) FROM events WHERE id <= ? GROUP BY grp, kind
         ON CONFLICT (grp, kind) DO UPDATE SET upto = excluded.upto`,
      ),
      compactedUpto: db.prepare('SELECT upto FROM compactions WHERE grp = ? AND kind = ?').pluck(),
      get: db.prepare('SELECT body FROM objects WHERE grp = ? AND kind = ? AND ns = ? AND name = ?').pluck(),
      exists: db.prepare('SELECT 1 FROM objects WHERE grp = ? AND kind = ? AND ns = ? AND name = ?').pluck(),
      listAll: db.prepare('SELECT body FROM objects WHERE grp = ? AND kind = ? ORDER BY ns, name').pluck(),
      listNs: db
        .prepare('SELECT body FROM objects WHERE grp = ? AND kind = ? AND ns = ? ORDER BY name')
        .pluck(),
      keysAll: db.prepare(
        'SELECT ns, name, labels FROM objects WHERE grp = ? AND kind = ? ORDER BY ns, name',
      ),
      keysNs: db.prepare(
        'SELECT ns, name, labels FROM objects WHERE grp = ? AND kind = ? AND ns = ? ORDER BY name',
      ),
      put: db.prepare(
        `INSERT INTO objects (grp, kind, ns, name, rv, labels, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (grp, kind, ns, name) DO UPDATE SET rv = excluded.rv, labels = excluded.labels, body = excluded.body`,
      ),
      remove: db.prepare('DELETE FROM objects WHERE grp = ? AND kind = ? AND ns = ? AND name = ?'),
      event: db.prepare(
        'INSERT INTO events (id, type, grp, kind, ns, name, labels, prev_labels, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // Per indexed label: the objects of a kind with that label value (in a namespace, or all).
      // INDEXED BY: without statistics the planner would take the primary key's namespace range.
      byLabel: INDEXED_LABELS.map((key, i) => ({
        key,
        ns: db.prepare(
          `SELECT ns, name, labels, body FROM objects INDEXED BY ${labelIndexName(i)} WHERE grp = ? AND kind = ? AND ${labelExpression(key)} = ? AND ns = ? ORDER BY name`,
        ),
        all: db.prepare(
          `SELECT ns, name, labels, body FROM objects INDEXED BY ${labelIndexName(i)} WHERE grp = ? AND kind = ? AND ${labelExpression(key)} = ? ORDER BY ns, name`,
        ),
      })),
      events: db.prepare(
        // No index on kind: a watch that keeps up reads the few newest rows; one replaying
        // scans at most the retained events. An index would cost every write a page.
        'SELECT id, type, ns, name, labels, prev_labels, body FROM events WHERE id > ? AND grp = ? AND kind = ? ORDER BY id LIMIT ?',
      ),
    };
  }

  /**
   * Runs fn inside a transaction; SQLite file errors become ClustermintErrors. In a write batch
   * the first write begins the batch's transaction and each write is a savepoint in it (one
   * that fails undoes only itself).
   */
  private run<T>(fn: () => T, write: boolean): T {
    if (this.closed) throw new Error('the store is closed');
    try {
      if (write && this.batching && !this.batchOpen) {
        this.sql.begin.run();
        this.batchOpen = true;
      }
      return (write ? this.tx.immediate(fn) : this.tx.deferred(fn)) as T;
    } catch (e) {
      throw fileError(this.path, e);
    }
  }

  /**
   * From now until endWriteBatch, writes are committed together: at commitWriteBatch (a caller
   * about to act outside the store on what it wrote calls it first) and at the end. Each write
   * keeps its own semantics and is seen at once by this process (its watches too); other
   * processes see the batch at its commits, and the write lock is held from a batch's first
   * write to its commit, so a batch is for a run of local work (a reconcile pass), never for a
   * wait. Not part of the Store interface (the reconciler looks for it).
   */
  beginWriteBatch(): void {
    this.batching = true;
  }

  /** Commits what the batch wrote so far (nothing when it wrote nothing). */
  commitWriteBatch(): void {
    if (!this.batchOpen) return;
    this.batchOpen = false;
    // An I/O error may have rolled the transaction back already: nothing to commit then.
    if (!this.db.inTransaction) return;
    try {
      this.sql.commit.run();
    } catch (e) {
      throw fileError(this.path, e);
    }
  }

  /** Commits and ends the batch: writes commit one by one again. */
  endWriteBatch(): void {
    this.batching = false;
    this.commitWriteBatch();
  }

  /** One read statement: atomic on its own, so it needs no transaction. */
  private read1<T>(fn: () => T): T {
    if (this.closed) throw new Error('the store is closed');
    try {
      return fn();
    } catch (e) {
      throw fileError(this.path, e);
    }
  }

  /** The store's resourceVersion: the last event's id. */
  private head(): number {
    return (this.sql.head.get() as number | null) ?? 0;
  }

  private read(ref: ObjectRef): KubeObject | undefined {
    const { group, kind } = typeKey(ref);
    const body = this.sql.get.get(group, kind, ref.namespace ?? '', ref.name) as string | undefined;
    return body === undefined ? undefined : objectOf(body, rowName(ref, ref.namespace ?? '', ref.name));
  }

  /** Stores `obj` (or removes it for DELETED) under the next resourceVersion, with its event. */
  private commit(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    obj: KubeObject,
    prevLabels: string | null,
  ): KubeObject {
    const rv = this.head() + 1;
    obj.metadata.resourceVersion = String(rv);
    const { group, kind } = typeKey(obj);
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name;
    const body = JSON.stringify(obj);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only for bodies that may be over.
    if (body.length > MAX_OBJECT_BYTES / 3 && Buffer.byteLength(body) > MAX_OBJECT_BYTES)
      throw tooLarge(refOf(obj), Buffer.byteLength(body));
    const labels = labelsText(obj);
    if (type === 'DELETED') this.sql.remove.run(group, kind, ns, name);
    else this.sql.put.run(group, kind, ns, name, rv, labels, body);
    this.sql.event.run(rv, type, group, kind, ns, name, labels, prevLabels, body);
    // Compact in steps of a tenth of the retention, so the delete is amortised over many writes.
    const slack = Math.max(1, Math.floor(this.retention / 10));
    if (rv - ((this.sql.oldest.get() as number | null) ?? rv) >= this.retention + slack)
      this.compactTo(rv - this.retention);
    return obj;
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    const obj = this.read1(() => this.read(ref));
    if (!obj) throw notFound(ref);
    return obj;
  }

  async list(type: ResourceType, options?: ListOptions): Promise<ListResult> {
    const filter = compileFilter(options);
    return this.run(() => {
      const items = this.matching(type, filter).map((body) => objectOf(body, `a stored ${type.kind}`));
      return { items, resourceVersion: String(this.head()) };
    }, false);
  }

  /** The bodies of the objects of `type` that pass the filter, sorted by namespace and name. */
  private matching(type: ResourceType, filter: Filter): string[] {
    const { group, kind } = typeKey(type);
    const ns = filter.namespace;
    if (filter.labels.length === 0 && filter.fields.length === 0)
      return (
        ns !== undefined ? this.sql.listNs.all(group, kind, ns) : this.sql.listAll.all(group, kind)
      ) as string[];
    // An equality on an indexed label: only the objects with that value are read.
    for (const r of filter.labels) {
      if (r.op !== 'in' || r.values.length !== 1) continue;
      const q = this.sql.byLabel.find((b) => b.key === r.key);
      if (!q) continue;
      const rows = (
        ns !== undefined ? q.ns.all(group, kind, r.values[0], ns) : q.all.all(group, kind, r.values[0])
      ) as ObjectRow[];
      const out: string[] = [];
      for (const row of rows) if (rowMatches(filter, row.ns, row.name, row.labels)) out.push(row.body);
      return out;
    }
    // With selectors: keys and labels first, then only the bodies of the objects that match.
    const keys = (
      ns !== undefined ? this.sql.keysNs.all(group, kind, ns) : this.sql.keysAll.all(group, kind)
    ) as ObjectKeyRow[];
    const out: string[] = [];
    for (const k of keys)
      if (rowMatches(filter, k.ns, k.name, k.labels))
        out.push(this.sql.get.get(group, kind, k.ns, k.name) as string);
    return out;
  }

  async create(input: NewObject): Promise<KubeObject> {
    const obj = this.prepareNew(input);
    const out = this.run(() => this.createIn(obj), true);
    this.changed(obj);
    return out;
  }

  private prepareNew(input: NewObject): KubeObject {
    return prepareCreate(input, { uid: randomUUID(), now: new Date(this.clock.now()), random: this.random });
  }

  /** The create itself, inside a write transaction. */
  private createIn(obj: KubeObject): KubeObject {
    const ref = refOf(obj);
    if (this.sql.exists.get(typeKey(ref).group, ref.kind, ref.namespace ?? '', ref.name) !== undefined)
      throw alreadyExists(ref);
    return this.commit('ADDED', obj, null);
  }

  async update(input: KubeObject): Promise<KubeObject> {
    return this.replace(input, prepareUpdate);
  }

  async updateStatus(input: KubeObject): Promise<KubeObject> {
    return this.replace(input, prepareStatusUpdate);
  }

  /**
   * Several creates and status updates in one transaction (one commit instead of one each),
   * for a writer with many small writes at once (the reconciler's events of a pass). Each
   * write has the semantics of its own call; one refused (AlreadyExists, Conflict, Invalid...)
   * is reported in its place and writes nothing, the others are written. Not part of the Store
   * interface: callers check for it and fall back to one call per write.
   */
  async writeMany(writes: readonly StoreWrite[]): Promise<(KubeObject | StoreError)[]> {
    const prepared = writes.map((w) => {
      if (w.op !== 'create') return w;
      try {
        return { op: 'create' as const, object: this.prepareNew(w.object) };
      } catch (e) {
        if (isStoreError(e)) return e;
        throw e;
      }
    });
    const written = new Set<string>();
    const out = this.run(
      () =>
        prepared.map((w): KubeObject | StoreError => {
          if (w instanceof StoreError) return w;
          try {
            if (w.op === 'updateStatus')
              return this.replaceIn(w.object, prepareStatusUpdate, () => written.add(kindKey(w.object)));
            const r = this.createIn(w.object as KubeObject);
            written.add(kindKey(r));
            return r;
          } catch (e) {
            if (isStoreError(e)) return e;
            throw e;
          }
        }),
      true,
    );
    for (const k of written) this.changedKind(k);
    return out;
  }

  private replace(
    input: KubeObject,
    prepare: (old: KubeObject, incoming: KubeObject) => Prepared,
  ): KubeObject {
    let wrote = false;
    const out = this.run(
      () =>
        this.replaceIn(input, prepare, () => {
          wrote = true;
        }),
      true,
    );
    if (wrote) this.changed(input);
    return out;
  }

  /** An update inside a write transaction; `onWrite` when it writes. */
  private replaceIn(
    input: KubeObject,
    prepare: (old: KubeObject, incoming: KubeObject) => Prepared,
    onWrite: () => void,
  ): KubeObject {
    const ref = refOf(input);
    const old = this.read(ref);
    if (!old) throw notFound(ref);
    const next = prepare(old, input);
    if (!next.changed) return old;
    onWrite();
    // Removing the last finalizer of a deleting object deletes it; the event carries the
    // last stored state, as the apiserver's does.
    if (next.finalized) return this.commit('DELETED', old, null);
    return this.commit('MODIFIED', next.object, labelsText(old));
  }

  async delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteResult> {
    let wrote = true;
    const out = this.run((): DeleteResult => {
      const old = this.read(ref);
      if (!old) throw notFound(ref);
      checkPreconditions(old, options?.preconditions);
      if (!old.metadata.finalizers?.length)
        return { object: this.commit('DELETED', old, null), deleted: true };
      const marked = markDeleting(old, new Date(this.clock.now()));
      if (!marked) {
        wrote = false;
        return { object: old, deleted: false };
      }
      return { object: this.commit('MODIFIED', marked, labelsText(old)), deleted: false };
    }, true);
    if (wrote) this.changed(ref);
    return out;
  }

  async watch(type: ResourceType, options?: WatchOptions): Promise<Watch> {
    const filter = compileFilter(options);
    const rv = options?.resourceVersion;
    const from = rv === undefined || rv === '' || rv === '0' ? undefined : parseVersion(rv);
    const w = this.run(() => {
      const head = this.head();
      if (from === undefined) {
        // Synthetic ADDED events for what exists now, then the changes after it.
        const initial = this.matching(type, filter).map(
          (body): WatchEvent => ({ type: 'ADDED', object: objectOf(body, `a stored ${type.kind}`) }),
        );
        return new SqliteWatch(this, type, filter, head, initial);
      }
      this.checkNotExpired(type, from);
      return new SqliteWatch(this, type, filter, from, []);
    }, false);
    this.watches.add(w);
    return w;
  }

  /**
   * @internal Events of `type` after `cursor` (up to one batch) and the cursor to continue
   * from. Expired when the events after the cursor have been compacted away.
   */
  readEvents(type: ResourceType, cursor: number): { rows: EventRow[]; cursor: number; dataVersion: number } {
    // data_version first: a write of another process after this point wakes the watch.
    const dataVersion = this.dataVersion();
    return this.run(() => {
      const head = this.head();
      this.checkNotExpired(type, cursor);
      const { group, kind } = typeKey(type);
      const rows = this.sql.events.all(cursor, group, kind, WATCH_BATCH) as EventRow[];
      let next = rows.length ? rows[rows.length - 1].id : cursor;
      // A short batch read everything up to the head: skip past other kinds' events.
      if (rows.length < WATCH_BATCH) next = Math.max(next, head);
      return { rows, cursor: next, dataVersion };
    }, false);
  }

  private dataVersion(): number {
    try {
      return this.db.pragma('data_version', { simple: true }) as number;
    } catch (e) {
      throw fileError(this.path, e);
    }
  }

  /** @internal Resolves on the next change (this process's or another's) or on close. */
  waitForChange(w: SqliteWatch, type: ResourceType, dataVersion: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.set(w, { dataVersion, kind: kindKey(type), wake: resolve });
      this.timer ??= setInterval(() => this.poll(), this.pollMs);
    });
  }

  /** @internal */
  release(w: SqliteWatch): void {
    this.waiters.get(w)?.wake();
    this.waiters.delete(w);
    this.watches.delete(w);
    this.stopTimerIfIdle();
  }

  private poll(): void {
    if (this.closed) return;
    let current: number;
    try {
      current = this.db.pragma('data_version', { simple: true }) as number;
    } catch {
      // The file went away or broke: let the watches read it and report the error.
      this.wakeAll();
      return;
    }
    for (const [w, waiter] of this.waiters)
      if (waiter.dataVersion !== current) {
        this.waiters.delete(w);
        waiter.wake();
      }
    this.stopTimerIfIdle();
  }

  private stopTimerIfIdle(): void {
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** After a write of this process: wake the waiting watches once the current task ends. */
  private changed(type: ResourceType): void {
    this.changedKind(kindKey(type));
  }

  private changedKind(key: string): void {
    if (this.waiters.size === 0) return;
    this.writtenKinds.add(key);
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wakeWritten();
    });
  }

  /** Wakes the watches of the kinds written (a watch of another kind would read nothing new). */
  private wakeWritten(): void {
    for (const [w, waiter] of this.waiters)
      if (this.writtenKinds.has(waiter.kind)) {
        this.waiters.delete(w);
        waiter.wake();
      }
    this.writtenKinds.clear();
    this.stopTimerIfIdle();
  }

  private wakeAll(): void {
    const all = [...this.waiters.values()];
    this.waiters.clear();
    for (const w of all) w.wake();
    this.stopTimerIfIdle();
  }

  /**
   * Drops every retained event: watching from any resourceVersion before now is Expired.
   * For tests and maintenance; retention compacts on its own.
   */
  compact(): void {
    this.run(() => this.compactTo(this.head()), true);
  }

  /** Events up to `upto` are compacted (the newest row stays: it holds the store's version). */
  private compactTo(upto: number): void {
    this.sql.noteCompaction.run(upto);
    this.sql.dropEvents.run(Math.min(upto, this.head() - 1));
  }

  /**
   * Expired when events of the type after `cursor` were compacted away. Per kind, so a watch
   * of a quiet kind is not expired by another kind's traffic.
   */
  private checkNotExpired(type: ResourceType, cursor: number): void {
    const { group, kind } = typeKey(type);
    const upto = this.sql.compactedUpto.get(group, kind) as number | undefined;
    if (upto !== undefined && cursor < upto) throw expired(String(cursor), String(upto + 1));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.endWriteBatch();
    for (const w of [...this.watches]) w.close();
    this.wakeAll();
    this.closed = true;
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** A watch reading the events table from its cursor. */
class SqliteWatch implements Watch {
  private buffer: WatchEvent[];
  private closed = false;

  constructor(
    private readonly store: SqliteStore,
    private readonly type: ResourceType,
    private readonly filter: Filter,
    private cursor: number,
    initial: WatchEvent[],
  ) {
    this.buffer = initial.reverse();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<WatchEvent, undefined>> {
    for (;;) {
      const e = this.buffer.pop();
      if (e) return { value: e, done: false };
      if (this.closed || this.store.isClosed) return { value: undefined, done: true };
      const read = this.store.readEvents(this.type, this.cursor);
      this.cursor = read.cursor;
      const events: WatchEvent[] = [];
      for (const row of read.rows) {
        const ev = this.toEvent(row);
        if (ev) events.push(ev);
      }
      this.buffer = events.reverse();
      if (this.buffer.length === 0) await this.store.waitForChange(this, this.type, read.dataVersion);
    }
  }

  async return(): Promise<IteratorResult<WatchEvent, undefined>> {
    this.close();
    return { value: undefined, done: true };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.store.release(this);
  }

  /** The event a selector watch sees: objects entering the selection are ADDED, leaving it DELETED. */
  private toEvent(row: EventRow): WatchEvent | undefined {
    try {
      return this.eventOf(row);
    } catch (e) {
      throw fileError(this.store.path, e);
    }
  }

  private eventOf(row: EventRow): WatchEvent | undefined {
    const what = `the change ${row.id} of ${rowName(this.type, row.ns, row.name)}`;
    const now = rowMatches(this.filter, row.ns, row.name, row.labels);
    if (row.type !== 'MODIFIED')
      return now ? { type: row.type, object: objectOf(row.body, what) } : undefined;
    const before = rowMatches(this.filter, row.ns, row.name, row.prev_labels);
    if (!now && !before) return undefined;
    return { type: now && before ? 'MODIFIED' : now ? 'ADDED' : 'DELETED', object: objectOf(row.body, what) };
  }
}

/**
 * Opens (creating when absent) the state file at `path` (default `./.clustermint/state.db`).
 * Throws a ClustermintError (UNREADABLE) for a file that is damaged, not ours, or newer.
 */
export function openSqliteStore(
  path: string = DEFAULT_STATE_PATH,
  options: SqliteStoreOptions = {},
): SqliteStore {
  const db = openDatabase(path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  return new SqliteStore(db, path, options);
}
