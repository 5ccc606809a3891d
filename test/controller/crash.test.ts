/**
 * Crash safety (issue 5, item 6): the reconciler PROCESS is killed with SIGKILL at many seeded
 * random points of provisioning, scaling, a two-minor upgrade and deletion, and restarted on the
 * same state files. After every kill: each machine the simulated cloud runs is a stored Machine
 * and no pool has more live machines than its size plus the surge. After each phase converges:
 * the cloud's live machines, the store's Machines and the desired counts agree (no duplicate,
 * no leak), every deployment is Ready at the desired version and size or gone with its
 * infrastructure, and no machine was created that a crash-free run would not have created.
 *
 * The process is test/controller/fixtures/crash-controller.mjs: the embedded controller from
 * dist/ (`npm run build` first) with short simulated delays. Kill points come from a seeded
 * generator (CLUSTERMINT_CRASH_SEED=N replays a run): right after the N-th event the process
 * prints (amid a pass's writes), or T ms after it has loaded (listing, a pass, or a wait). The
 * test changes the desired state through the store, as `apply` and `delete` do, sometimes
 * while no reconciler runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_TYPE, type Machine } from '../../src/api/machine.js';
import type { DeploymentStatus } from '../../src/controller/deployment.js';
import { SimulatedCloud, systemClock } from '../../src/providers/index.js';
import { isNotFound, openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { KubeObject } from '../../src/store/types.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'crash-controller.mjs');
const built = existsSync(join(ROOT, 'dist', 'controller', 'index.js'));
if (!built) {
  if (process.env.CI === 'true') throw new Error('crash test: dist/ is missing (npm run build first)');
  console.warn('skipping the crash test: dist/ is missing (npm run build first)');
}

const SEED = Number(process.env.CLUSTERMINT_CRASH_SEED ?? 20_260_605);
const NS = 'team-a';
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const CLOUD_OPTIONS = { clusterDelayMs: 150, deleteDelayMs: 150, bootJitter: 0.5 };
const POLL_MS = 100;

/** mulberry32: a small seeded generator (the kill points of a seed are always the same). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Desired {
  controlPlane: number;
  workers: number;
  version: string;
  zones: string[];
}

type KillPoint = { afterEvents: number } | { afterMs: number };

const k8s = (v: string) => v.replace(/\+.*$/, '');

function spec(d: Desired): Record<string, unknown> {
  return {
    template: 'simulated-standalone-cp',
    config: {
      controlPlaneNumber: d.controlPlane,
      workersNumber: d.workers,
      zones: d.zones,
      bootDelay: '100ms',
      k0s: { version: `${d.version}+k0s.0` },
    },
  };
}

/** One run of the reconciler process. */
class Reconciler {
  readonly child: ChildProcess;
  events = 0;
  readonly errors: string[] = [];
  readonly exited: Promise<void>;
  readonly startedAt = Date.now();
  private onEvent: (() => void) | undefined;
  private onStarted!: () => void;
  /** The process has loaded and is about to list and reconcile. */
  readonly started = new Promise<void>((r) => {
    this.onStarted = r;
  });

  constructor(state: string) {
    this.child = spawn(process.execPath, [FIXTURE, state, JSON.stringify(CLOUD_OPTIONS), String(POLL_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      let i = out.indexOf('\n');
      while (i >= 0) {
        if (out.startsWith('started')) this.onStarted();
        else if (out.startsWith('EVENT ')) {
          this.events++;
          this.onEvent?.();
        }
        out = out.slice(i + 1);
        i = out.indexOf('\n');
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.errors.push(chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /**
   * Resolves when the kill point is reached (the caller kills then). The process runs until it is
   * killed, so an exit of its own before that is a failure (e.g. a module it loads from dist/ is
   * gone), reported with its stderr at once instead of waiting out the test's timeout.
   */
  reached(p: KillPoint): Promise<void> {
    const point =
      'afterMs' in p
        ? this.started.then(() => new Promise<void>((r) => setTimeout(r, p.afterMs)))
        : new Promise<void>((r) => {
            this.onEvent = () => {
              if (this.events >= p.afterEvents) r();
            };
          });
    const died = this.exited.then(() => {
      if (this.killed) return; // our own SIGKILL: not a failure
      throw new Error(
        `the reconciler process exited before the kill point: ${this.errors.join('').slice(0, 2000)}`,
      );
    });
    return Promise.race([point, died]);
  }

  private killed = false;

  async kill(): Promise<void> {
    this.killed = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

describe.skipIf(!built)('crash safety: SIGKILL at random points, restart, converge', () => {
  let dir: string;
  let state: string;
  let store: SqliteStore;
  const rnd = random(SEED);
  const log: string[] = [];
  const errors: string[] = [];
  let kills = 0;
  let running: Reconciler | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cm-crash-'));
    state = join(dir, 'state.db');
    store = openSqliteStore(state);
  });
  afterAll(async () => {
    await running?.kill();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const killPoint = (): KillPoint =>
    rnd() < 0.6 ? { afterEvents: 1 + Math.floor(rnd() * 6) } : { afterMs: Math.floor(rnd() * 800) };

  async function getCd(name: string): Promise<KubeObject | undefined> {
    try {
      return await store.get({ ...CD, namespace: NS, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async function machinesOf(name: string): Promise<Machine[]> {
    return (
      await store.list(MACHINE_TYPE, {
        namespace: NS,
        labelSelector: `clustermint.io/cluster-deployment=${name}`,
      })
    ).items as Machine[];
  }

  /** Per deployment: the most non-deleting machines a pool may have while changing (surge 1). */
  const bounds = new Map<string, { controlPlane: number; workers: number }>();
  const lastDesired = new Map<string, Desired>();

  async function applyDesired(name: string, d: Desired): Promise<void> {
    const prev = lastDesired.get(name) ?? d;
    lastDesired.set(name, d);
    bounds.set(name, {
      controlPlane: Math.max(prev.controlPlane, d.controlPlane) + 1,
      workers: Math.max(prev.workers, d.workers) + 1,
    });
    const old = await getCd(name);
    if (old) await store.update({ ...old, spec: spec(d) });
    else await store.create({ ...CD, metadata: { name, namespace: NS }, spec: spec(d) });
  }

  /** Why the deployment is not (yet) in its desired state; undefined when it is. */
  async function notConverged(name: string, d: Desired | 'deleted'): Promise<string | undefined> {
    const cd = await getCd(name);
    const machines = await machinesOf(name);
    if (d === 'deleted') {
      if (cd) return `${name} still exists`;
      return machines.length ? `${name}: ${machines.length} machines left in the store` : undefined;
    }
    if (!cd) return `${name} is missing`;
    const st = (cd.status ?? {}) as DeploymentStatus;
    if (st.observedGeneration !== cd.metadata.generation) return `${name}: generation not observed`;
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True')
      return `${name}: Ready ${ready?.status} ${ready?.reason}: ${ready?.message}`;
    if (st.k8sVersion !== d.version) return `${name}: at ${st.k8sVersion}, not ${d.version}`;
    const want = d.controlPlane + d.workers;
    if (machines.length !== want) return `${name}: ${machines.length} machines in the store, want ${want}`;
    const off = machines.find(
      (m) => m.metadata.deletionTimestamp || !m.status?.ready || k8s(m.spec.version) !== d.version,
    );
    if (off) return `${name}: machine ${off.metadata.name} is not a ready ${d.version} machine`;
    return undefined;
  }

  async function allConverged(want: Record<string, Desired | 'deleted'>): Promise<string | undefined> {
    for (const [name, d] of Object.entries(want)) {
      const why = await notConverged(name, d);
      if (why) return why;
    }
    return undefined;
  }

  async function waitConverged(want: Record<string, Desired | 'deleted'>, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const why = await allConverged(want);
      if (why === undefined) return;
      if (Date.now() > end) throw new Error(`not converged after ${ms} ms: ${why}\n${log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Starts the process and kills it at the kill point (true), or stops it when the phase converges first (false). */
  async function killAt(
    phase: string,
    p: KillPoint,
    want: Record<string, Desired | 'deleted'>,
  ): Promise<boolean> {
    const r = new Reconciler(state);
    running = r;
    const converged = (async () => {
      while (r.child.exitCode === null && (await allConverged(want)) !== undefined)
        await new Promise((res) => setTimeout(res, 50));
      return 'converged' as const;
    })();
    const racers: Promise<'kill' | 'converged'>[] = [r.reached(p).then(() => 'kill' as const)];
    if (Object.keys(want).length) racers.push(converged);
    const hit = await Promise.race(racers);
    await r.kill();
    errors.push(...r.errors);
    running = undefined;
    if (hit === 'converged') {
      log.push(`${phase}: converged before kill point ${JSON.stringify(p)}`);
      return false;
    }
    kills++;
    log.push(
      `${phase}: SIGKILL #${kills} at ${JSON.stringify(p)} (${r.events} events, ${Date.now() - r.startedAt} ms)`,
    );
    await checkAnyTime();
    return true;
  }

  /** Starts the process and kills it at each kill point in turn, until the phase has converged. */
  async function crashThrough(
    phase: string,
    want: Record<string, Desired | 'deleted'>,
    points: number,
  ): Promise<void> {
    for (let i = 0; i < points; i++) if (!(await killAt(phase, killPoint(), want))) return;
  }

  /** Restarts the process, lets the phase converge, stops it and checks store and cloud. */
  async function settle(want: Record<string, Desired | 'deleted'>): Promise<void> {
    const t = Date.now();
    const r = new Reconciler(state);
    running = r;
    try {
      await waitConverged(want, 30_000);
      log.push(`  converged ${Date.now() - t} ms after the last restart`);
    } finally {
      await r.kill();
      errors.push(...r.errors);
      running = undefined;
    }
    await verifyCloud(want);
  }

  /**
   * What holds at any moment, checked right after a kill: every machine the cloud runs (or is
   * deleting) is a stored Machine (the store is written first and its finalizer goes last),
   * and no pool has more live machines than its size plus the surge (no duplicates).
   */
  async function checkAnyTime(): Promise<void> {
    const stored = (await store.list(MACHINE_TYPE, { namespace: NS })).items as Machine[];
    const storedIds = new Set(stored.map((m) => `${NS}/${m.metadata.name}`));
    await withCloud(async (cloud, clusterIds) => {
      for (const id of clusterIds) {
        const machines = await cloud.listMachines(id);
        const leaked = machines.filter((m) => !storedIds.has(m.machineId)).map((m) => m.machineId);
        expect(leaked, `cloud machines of ${id} without a stored Machine\n${log.join('\n')}`).toEqual([]);
        const bound = bounds.get(id.slice(`${NS}/`.length));
        if (!bound) continue;
        const running = machines.filter((m) => m.phase !== 'Deleting').length;
        expect(running, `live cloud machines of ${id}\n${log.join('\n')}`).toBeLessThanOrEqual(
          bound.controlPlane + bound.workers,
        );
      }
    });
    for (const [name, bound] of bounds) {
      const live = stored.filter(
        (m) =>
          m.metadata.labels?.['clustermint.io/cluster-deployment'] === name && !m.metadata.deletionTimestamp,
      );
      const cp = live.filter((m) => m.spec.role === 'control-plane').length;
      expect(cp, `${name}: live control-plane Machines\n${log.join('\n')}`).toBeLessThanOrEqual(
        bound.controlPlane,
      );
      expect(live.length - cp, `${name}: live worker Machines\n${log.join('\n')}`).toBeLessThanOrEqual(
        bound.workers,
      );
    }
  }

  async function withCloud(f: (cloud: SimulatedCloud, clusterIds: string[]) => Promise<void>): Promise<void> {
    const cloudPath = join(dir, 'simulated-cloud.db');
    if (!existsSync(cloudPath)) return;
    const require = createRequire(import.meta.url);
    const Sqlite = require('better-sqlite3') as typeof Database;
    const raw = new Sqlite(cloudPath, { readonly: true });
    const clusterIds = (raw.prepare('SELECT id FROM clusters ORDER BY id').all() as { id: string }[]).map(
      (r) => r.id,
    );
    raw.close();
    const cloud = new SimulatedCloud({ clock: systemClock, path: cloudPath, ...CLOUD_OPTIONS });
    try {
      await f(cloud, clusterIds);
    } finally {
      cloud.close();
    }
  }

  /** The simulated cloud against the store and the desired state (the reconciler is not running). */
  async function verifyCloud(want: Record<string, Desired | 'deleted'>): Promise<void> {
    const stored = (await store.list(MACHINE_TYPE, { namespace: NS })).items as Machine[];
    await withCloud(async (cloud, clusterIds) => {
      const live: string[] = [];
      for (const id of clusterIds) {
        const name = id.slice(`${NS}/`.length);
        const d = want[name];
        const machines = await cloud.listMachines(id);
        live.push(...machines.map((m) => m.machineId));
        const cluster = await cloud.getCluster(id);
        if (d === undefined || d === 'deleted') {
          // Gone: the infrastructure and every machine deleted at the provider (nothing leaked).
          expect(cluster?.phase ?? 'Deleted', `cluster ${id}`).toBe('Deleted');
          expect(
            machines.map((m) => m.machineId),
            `machines left of ${id}`,
          ).toEqual([]);
          continue;
        }
        // No duplicates: exactly the desired machines run, at the desired version.
        expect(machines, `machines of ${id}`).toHaveLength(d.controlPlane + d.workers);
        for (const m of machines) {
          expect(m.phase, m.machineId).toBe('Running');
          expect(k8s(m.node?.kubeletVersion ?? ''), m.machineId).toBe(d.version);
        }
      }
      // Every live cloud machine is a stored Machine and the other way round.
      expect(live.sort()).toEqual(stored.map((m) => `${NS}/${m.metadata.name}`).sort());
      for (const [name, d] of Object.entries(want))
        if (d !== 'deleted') expect(clusterIds, `the cloud has ${name}'s cluster`).toContain(`${NS}/${name}`);
    });
  }

  it('provisioning, scaling, a two-minor upgrade and deletion survive SIGKILL at 20+ points', async () => {
    const started = Date.now();
    const a0: Desired = { controlPlane: 1, workers: 2, version: 'v1.32.8', zones: ['a'] };
    const b0: Desired = { controlPlane: 3, workers: 3, version: 'v1.32.8', zones: ['a', 'b', 'c'] };

    // Deleted early: created, the process killed within its first passes, deleted while it is
    // down (as `delete` with no controller running), then provisioning of the others.
    const early: Record<string, 'deleted'> = {};
    for (const [i, p] of [{ afterEvents: 1 }, { afterEvents: 2 }, killPoint()].entries()) {
      const name = `early-${i}`;
      await applyDesired(name, { controlPlane: 1, workers: 1, version: 'v1.33.4', zones: ['a'] });
      await killAt('early', p, {});
      await store.delete({ ...CD, namespace: NS, name });
      early[name] = 'deleted';
    }

    // Provisioning.
    await applyDesired('a', a0);
    await applyDesired('b', b0);
    let want: Record<string, Desired | 'deleted'> = { ...early, a: a0, b: b0 };
    await crashThrough('provision', want, 7);
    await settle(want);

    // Scaling: a up, b down.
    const a1 = { ...a0, workers: 5 };
    const b1 = { ...b0, workers: 1 };
    await applyDesired('a', a1);
    await applyDesired('b', b1);
    want = { ...early, a: a1, b: b1 };
    await crashThrough('scale', want, 5);
    await settle(want);

    // Upgrade: a by two minors (two control-plane steps), b by one (three control-plane machines).
    const a2 = { ...a1, version: 'v1.34.1' };
    const b2 = { ...b1, version: 'v1.33.4' };
    await applyDesired('a', a2);
    await applyDesired('b', b2);
    want = { ...early, a: a2, b: b2 };
    await crashThrough('upgrade', want, 8);
    await settle(want);

    // No churn either: every machine the cloud ever ran was needed (a restart neither replaced a
    // machine for nothing nor rolled an upgrade step back): provisioning, scaling, then one new
    // machine per control-plane machine and upgrade step and one per worker.
    await withCloud(async (cloud) => {
      const ever = async (name: string) =>
        (await cloud.listMachines(`${NS}/${name}`, { includeDeleted: true })).length;
      expect(await ever('a'), `machines ever created for a\n${log.join('\n')}`).toBe(1 + 2 + 3 + 2 * 1 + 5);
      expect(await ever('b'), `machines ever created for b\n${log.join('\n')}`).toBe(3 + 3 + 1 * 3 + 1);
    });

    // Deletion.
    for (const name of ['a', 'b']) await store.delete({ ...CD, namespace: NS, name });
    want = { ...early, a: 'deleted', b: 'deleted' };
    await crashThrough('delete', want, 5);
    await settle(want);

    console.log(
      `crash test (seed ${SEED}): ${kills} kills in ${((Date.now() - started) / 1000).toFixed(1)} s\n${log.join('\n')}`,
    );
    expect(errors.join('')).toBe('');
    expect(kills).toBeGreaterThanOrEqual(20);
  }, 180_000);
});
