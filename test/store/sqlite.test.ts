import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Clock,
  isExpired,
  openSqliteStore,
  type SqliteStore,
  type Watch,
} from '../../src/store/index.js';
import { ClustermintError } from '../../src/util/errors.js';
import { describeStoreConformance } from './conformance.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'clustermint-store-'));
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const ROOT = join(import.meta.dirname, '..', '..');

describeStoreConformance('sqlite', async () => {
  const store = openSqliteStore(join(tmp(), 'state.db'));
  return { store, close: () => store.close(), expire: async () => store.compact() };
});

const open: SqliteStore[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of open.splice(0)) await s.close();
});

function store(path: string, options: Parameters<typeof openSqliteStore>[1] = {}): SqliteStore {
  const s = openSqliteStore(path, options);
  open.push(s);
  return s;
}

const deployment = (namespace: string, name: string, labels?: Record<string, string>) => ({
  ...CD,
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  spec: { template: 't', config: {} },
});

async function next(w: Watch, ms = 5000) {
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      w.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no watch event in time')), ms);
      }),
    ]);
    if (r.done) throw new Error('watch ended');
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

/** The error a call throws or rejects with. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

// The writer child runs the store from sources: bundled once with esbuild (better-sqlite3 stays
// external and is found through NODE_PATH).
let writerJs = '';
beforeAll(async () => {
  writerJs = join(tmp(), 'writer.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'fixtures', 'writer.ts')],
    outfile: writerJs,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
});

function writer(
  file: string,
  mode: string,
  n = 0,
): { child: ChildProcess; lines: string[]; done: Promise<number | null> } {
  const child = spawn(process.execPath, [writerJs, file, mode, String(n)], {
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, lines, done };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('sqlite store', () => {
  it('creates the folder and keeps everything across a reopen; versions keep increasing', async () => {
    const file = join(tmp(), 'deep', 'er', 'state.db');
    const a = store(file);
    const v1 = await a.create(deployment('ns', 'keep', { x: 'y' }));
    const v2 = await a.updateStatus({ ...v1, status: { observedGeneration: 1 } });
    await a.close();
    expect(existsSync(file)).toBe(true);
    const b = store(file);
    expect(await b.get({ ...CD, namespace: 'ns', name: 'keep' })).toEqual(v2);
    const v3 = await b.update({ ...v2, spec: { template: 'u', config: {} } });
    expect(Number(v3.metadata.resourceVersion)).toBeGreaterThan(Number(v2.metadata.resourceVersion));
    // A watch from before the reopen replays the history.
    const w = await b.watch(CD, { namespace: 'ns', resourceVersion: v1.metadata.resourceVersion });
    expect((await next(w)).object).toEqual(v2);
    expect((await next(w)).object).toEqual(v3);
  });

  it('close() ends waiting watches; calls after close fail', async () => {
    const s = openSqliteStore(join(tmp(), 'state.db'));
    const w = await s.watch(CD, { resourceVersion: (await s.list(CD)).resourceVersion });
    const pending = w.next();
    await s.close();
    expect((await pending).done).toBe(true);
    await expect(s.get({ ...CD, namespace: 'ns', name: 'x' })).rejects.toThrow('the store is closed');
  });

  it('identifies objects by API group and kind, not version', async () => {
    const s = store(join(tmp(), 'state.db'));
    await s.create({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'n' },
    });
    const got = await s.get({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      namespace: 'n',
      name: 'c',
    });
    expect(got.apiVersion).toBe('cluster.x-k8s.io/v1beta1');
    await expect(
      s.get({
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
        kind: 'Cluster',
        namespace: 'n',
        name: 'c',
      }),
    ).rejects.toMatchObject({
      reason: 'NotFound',
      message: 'clusters.infrastructure.cluster.x-k8s.io "c" not found',
    });
  });

  it('takes its timestamps from the clock it is given', async () => {
    let t = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const clock: Clock = { now: () => t };
    const s = store(join(tmp(), 'state.db'), { clock });
    const v1 = await s.create({
      ...deployment('ns', 'c'),
      metadata: { name: 'c', namespace: 'ns', finalizers: ['x.io/f'] },
    });
    expect(v1.metadata.creationTimestamp).toBe('2025-01-02T03:04:05Z');
    t += 60_000;
    const { object } = await s.delete({ ...CD, namespace: 'ns', name: 'c' });
    expect(object.metadata.deletionTimestamp).toBe('2025-01-02T03:05:05Z');
    expect(object.metadata.deletionGracePeriodSeconds).toBe(0);
  });

  it('refuses objects over 1.5 MiB (RequestEntityTooLarge, 413) and stores nothing', async () => {
    const s = store(join(tmp(), 'state.db'));
    const big = { ...deployment('ns', 'big'), spec: { blob: 'x'.repeat(1.6 * 1024 * 1024) } };
    await expect(s.create(big)).rejects.toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
    await expect(s.get({ ...CD, namespace: 'ns', name: 'big' })).rejects.toMatchObject({
      reason: 'NotFound',
    });
    const small = await s.create(deployment('ns', 'small'));
    await expect(s.update({ ...small, spec: big.spec })).rejects.toMatchObject({ code: 413 });
    expect(await s.get({ ...CD, namespace: 'ns', name: 'small' })).toEqual(small);
  });

  it('words errors as the apiserver does', async () => {
    const s = store(join(tmp(), 'state.db'));
    const v1 = await s.create(deployment('ns', 'w'));
    await expect(s.create(deployment('ns', 'w'))).rejects.toMatchObject({
      message: 'clusterdeployments.clustermint.io "w" already exists',
    });
    await s.update({ ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } });
    await expect(s.update(v1)).rejects.toMatchObject({
      message:
        'Operation cannot be fulfilled on clusterdeployments.clustermint.io "w": the object has been modified; please apply your changes to the latest version and try again',
    });
    await expect(s.create(deployment('ns', 'Bad'))).rejects.toMatchObject({
      message: expect.stringMatching(
        /^ClusterDeployment\.clustermint\.io "Bad" is invalid: metadata\.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain/,
      ),
    });
  });

  describe('event retention', () => {
    it('compacts old events: watching from before them is Expired at watch()', async () => {
      const s = store(join(tmp(), 'state.db'), { eventRetention: 10 });
      const first = await s.create(deployment('ns', 'o-0'));
      for (let i = 1; i < 30; i++) await s.create(deployment('ns', `o-${i}`));
      const e = await failure(() => s.watch(CD, { resourceVersion: first.metadata.resourceVersion }));
      expect(isExpired(e)).toBe(true);
      expect(e).toMatchObject({
        reason: 'Expired',
        code: 410,
        message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
      });
      // The last `retention` events are still there.
      const { resourceVersion } = await s.list(CD);
      const w = await s.watch(CD, { resourceVersion: String(Number(resourceVersion) - 10) });
      expect((await next(w)).object.metadata.name).toBe('o-20');
    });

    it('expires a watch that falls behind the retention while reading', async () => {
      const s = store(join(tmp(), 'state.db'), { eventRetention: 10 });
      const start = await s.list(CD);
      const w = await s.watch(CD, { resourceVersion: start.resourceVersion });
      await s.create(deployment('ns', 'first'));
      expect((await next(w)).object.metadata.name).toBe('first');
      for (let i = 0; i < 40; i++) await s.create(deployment('ns', `later-${i}`));
      expect(isExpired(await failure(() => next(w)))).toBe(true);
    });

    it('does not expire a watch whose kind was quiet while other kinds wrote', async () => {
      const s = store(join(tmp(), 'state.db'), { eventRetention: 10 });
      const start = await s.list(CD);
      const w = await s.watch(CD, { resourceVersion: start.resourceVersion });
      const pending = next(w);
      for (let i = 0; i < 5; i++)
        await s.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, namespace: 'ns' },
        });
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 5; i < 60; i++)
        await s.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, namespace: 'ns' },
        });
      await s.create(deployment('ns', 'late'));
      expect((await pending).object.metadata.name).toBe('late');
    });
  });

  describe('other processes', () => {
    it('survives kill -9: the file is intact and every acknowledged write is there', async () => {
      const file = join(tmp(), 'state.db');
      const w = writer(file, 'loop');
      await until(() => w.lines.length >= 400);
      w.child.kill('SIGKILL');
      await w.done;
      const acked = new Map<string, number>();
      for (const line of w.lines) {
        const [word, name, gen] = line.split(' ');
        if (word === 'ack') acked.set(name, Math.max(acked.get(name) ?? 0, Number(gen)));
      }
      expect(acked.size).toBeGreaterThan(250);
      const raw = new Database(file);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const s = store(file);
      const { items } = await s.list(CD, { namespace: 'crash' });
      const stored = new Map(items.map((o) => [o.metadata.name, o.metadata.generation]));
      for (const [name, gen] of acked) expect(stored.get(name), name).toBeGreaterThanOrEqual(gen);
      // And the store goes on writing.
      await s.create(deployment('crash', 'after'));
    });

    it('a watch sees the writes of another process, in order', async () => {
      const file = join(tmp(), 'state.db');
      const s = store(file, { pollIntervalMs: 20 });
      const start = await s.list(CD);
      const w = await s.watch(CD, { namespace: 'cross', resourceVersion: start.resourceVersion });
      const child = writer(file, 'create', 50);
      const names: string[] = [];
      for (let i = 0; i < 50; i++) {
        const e = await next(w);
        expect(e.type).toBe('ADDED');
        names.push(e.object.metadata.name);
      }
      expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `p-${i}`));
      expect(await child.done).toBe(0);
    });

    it('two stores on one file in one process see each other', async () => {
      const file = join(tmp(), 'state.db');
      const a = store(file, { pollIntervalMs: 10 });
      const b = store(file, { pollIntervalMs: 10 });
      const w = await a.watch(CD, { resourceVersion: (await a.list(CD)).resourceVersion });
      const created = await b.create(deployment('ns', 'from-b'));
      expect((await next(w)).object).toEqual(created);
      await expect(b.create(deployment('ns', 'from-b'))).rejects.toMatchObject({ reason: 'AlreadyExists' });
      expect(await a.get({ ...CD, namespace: 'ns', name: 'from-b' })).toEqual(created);
    });

    it('concurrent writers in two processes lose no update', async () => {
      const file = join(tmp(), 'state.db');
      const s = store(file);
      await s.create({
        ...deployment('cross', 'counter'),
        metadata: { name: 'counter', namespace: 'cross', annotations: { count: '0' } },
      });
      const children = [writer(file, 'bump', 100), writer(file, 'bump', 100)];
      const codes = await Promise.all(children.map((c) => c.done));
      expect(codes).toEqual([0, 0]);
      const got = await s.get({ ...CD, namespace: 'cross', name: 'counter' });
      expect(got.metadata.annotations?.count).toBe('200');
    });
  });

  describe('bad files', () => {
    const unreadable = async (file: string) => {
      const e = await failure(() => openSqliteStore(file));
      expect(e).toBeInstanceOf(ClustermintError);
      expect((e as ClustermintError).code).toBe('UNREADABLE');
      expect((e as ClustermintError).exitCode).toBe(2);
      expect((e as Error).stack ?? '').not.toBe('');
      return e as ClustermintError;
    };

    it('refuses a file that is not a database', async () => {
      const file = join(tmp(), 'state.db');
      writeFileSync(file, 'this is not a database, it is a note\n'.repeat(200));
      const e = await unreadable(file);
      expect(e.message).toBe(`state file ${file}: file is not a database (SQLITE_NOTADB)`);
      expect(e.details[0]).toMatch(/damaged or is not a clustermint state file/);
    });

    it('refuses a damaged state file', async () => {
      const file = join(tmp(), 'state.db');
      const s = openSqliteStore(file);
      for (let i = 0; i < 200; i++) await s.create(deployment('ns', `o-${i}`));
      await s.close();
      // Overwrite everything after the 100-byte header with garbage.
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(64 * 1024, 0xa5), 0, 64 * 1024, 100);
      closeSync(fd);
      const e = await failure(async () => {
        const again = openSqliteStore(file);
        open.push(again);
        await again.list(CD);
      });
      expect(e).toBeInstanceOf(ClustermintError);
      expect((e as Error).message).toMatch(new RegExp(`^state file ${file}: .*\\(SQLITE_(CORRUPT|NOTADB)`));
    });

    it('refuses a SQLite database of another program', async () => {
      const file = join(tmp(), 'other.db');
      const raw = new Database(file);
      raw.exec('CREATE TABLE notes (t TEXT)');
      raw.close();
      const e = await unreadable(file);
      expect(e.message).toMatch(/not a clustermint state file/);
    });

    it('refuses a file from a newer clustermint', async () => {
      const file = join(tmp(), 'state.db');
      await openSqliteStore(file).close();
      const raw = new Database(file);
      raw.pragma('user_version = 7');
      raw.close();
      const e = await unreadable(file);
      expect(e.message).toBe(
        `state file ${file}: written by a newer clustermint (schema version 7; this one reads up to 1)`,
      );
    });

    it('refuses a path it cannot create', async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'file'), '');
      const e = await unreadable(join(dir, 'file', 'state.db'));
      expect(e.message).toMatch(/cannot create its folder/);
    });
  });
});
