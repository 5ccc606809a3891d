// Embedded store benchmark (needs a build: dist/). `node bench/store.js` prints a table;
// bench/run.js can `import { benchStore } from './store.js'` and print the figures it returns.
// Objects are ~300-byte ClusterDeployments, as in DESIGN.md's "Embedded store floor".
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../dist/store/index.js';

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

function deployment(name, i) {
  return {
    ...CD,
    metadata: { name, namespace: 'team-a', labels: { team: 'a', shard: String(i % 10) } },
    spec: {
      template: 'aws-standalone-cp-0-1-0',
      credential: 'aws-cred',
      config: { region: 'eu-west-1', workersNumber: 3, controlPlaneNumber: 3, instanceType: 't3.medium' },
    },
  };
}

const ms = (ns) => Number(ns) / 1e6;
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function latencies(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Runs the workloads on a fresh file; returns the figures. */
export async function benchStore({ n = 20_000, watchSamples = 200 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'clustermint-bench-store-'));
  const file = join(dir, 'state.db');
  const store = openSqliteStore(file);
  const out = {};
  try {
    const objectBytes = JSON.stringify(deployment('c-00000', 0)).length;
    out.objectBytes = objectBytes;
    out.rawFloorPerSec = rawFloor(join(dir, 'raw.db'), n, objectBytes);

    let t = process.hrtime.bigint();
    const created = [];
    for (let i = 0; i < n; i++) created.push(await store.create(deployment(`c-${i}`, i)));
    out.createsPerSec = n / (ms(process.hrtime.bigint() - t) / 1000);

    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const o = created[i];
      await store.update({ ...o, spec: { ...o.spec, config: { ...o.spec.config, workersNumber: 4 } } });
    }
    out.updatesPerSec = n / (ms(process.hrtime.bigint() - t) / 1000);

    const gets = [];
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      await store.get({ ...CD, namespace: 'team-a', name: `c-${(i * 7919) % n}` });
      gets.push(ms(process.hrtime.bigint() - s));
    }
    out.get = latencies(gets);

    // list of 1,000 objects: a namespace holding exactly 1,000.
    for (let i = 0; i < 1000; i++)
      await store.create({
        ...deployment(`l-${i}`, i),
        metadata: { name: `l-${i}`, namespace: 'list-1000' },
      });
    const lists = [];
    for (let i = 0; i < 50; i++) {
      const s = process.hrtime.bigint();
      const r = await store.list(CD, { namespace: 'list-1000' });
      lists.push(ms(process.hrtime.bigint() - s));
      if (r.items.length !== 1000) throw new Error(`listed ${r.items.length}`);
    }
    out.list1000 = latencies(lists);
    const selected = [];
    for (let i = 0; i < 20; i++) {
      const s = process.hrtime.bigint();
      await store.list(CD, { labelSelector: 'shard=3' });
      selected.push(ms(process.hrtime.bigint() - s));
    }
    out.listSelector = { of: n, ...latencies(selected) };

    out.watchInProcess = await watchLatency(store, store, watchSamples);
    const other = openSqliteStore(file);
    try {
      out.watchOtherConnection = await watchLatency(other, store, Math.min(watchSamples, 60));
    } finally {
      await other.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * The floor on this machine right now: autocommit inserts of same-size rows into a bare
 * better-sqlite3 table, WAL + synchronous=NORMAL (DESIGN.md measured 48,000/s unloaded).
 */
function rawFloor(file, n, bytes) {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const body = 'x'.repeat(bytes);
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) insert.run(`k-${i}`, body);
    return n / (ms(process.hrtime.bigint() - t) / 1000);
  } finally {
    db.close();
  }
}

/** Time from a write on `writer` returning to the event arriving on a watch of `watcher`. */
async function watchLatency(watcher, writer, samples) {
  const { resourceVersion } = await watcher.list(CD, { namespace: 'watch' });
  const w = await watcher.watch(CD, { namespace: 'watch', resourceVersion });
  const out = [];
  try {
    for (let i = 0; i < samples; i++) {
      // Writes at random phases of the poll interval.
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      const name = `w-${i}-${Math.random().toString(36).slice(2, 8)}`;
      // The watch is waiting before the write starts.
      const pending = w.next();
      await new Promise((r) => setImmediate(r));
      const s = process.hrtime.bigint();
      await writer.create({ ...deployment(name, i), metadata: { name, namespace: 'watch' } });
      const e = await pending;
      out.push(ms(process.hrtime.bigint() - s));
      if (e.value.object.metadata.name !== name) throw new Error('watch out of order');
    }
  } finally {
    w.close();
  }
  return latencies(out);
}

function print(r) {
  const f = (x) => Math.round(x).toLocaleString('en-US');
  const l = (x) => `p50 ${x.p50.toFixed(3)} ms, p99 ${x.p99.toFixed(3)} ms`;
  console.log(
    `\nEmbedded store (SQLite, WAL, synchronous=NORMAL; ${r.objectBytes}-byte objects, Node ${process.version})`,
  );
  console.table({
    'floor: bare better-sqlite3 autocommit insert': { result: `${f(r.rawFloorPerSec)} /s` },
    'create (1 txn each)': { result: `${f(r.createsPerSec)} /s` },
    'update (1 txn each)': { result: `${f(r.updatesPerSec)} /s` },
    get: { result: l(r.get) },
    'list 1,000 objects': { result: l(r.list1000) },
    [`list with label selector (1/10 of ${f(r.listSelector.of)})`]: { result: l(r.listSelector) },
    'watch latency, same store': { result: l(r.watchInProcess) },
    'watch latency, other connection (25 ms poll)': { result: l(r.watchOtherConnection) },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) print(await benchStore());
