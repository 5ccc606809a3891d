/**
 * A watch that fails is logged, counted in /metrics, restarted with backoff, and whatever is
 * created while it is down or after it broke is still reconciled (issue 12, item 7).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Controller, createController } from '../../src/controller/index.js';
import { controllerMetrics } from '../../src/controller/observability.js';
import { watchFailureReason, watchRestartDelay } from '../../src/controller/watch.js';
import { embeddedRegistry, ManualClock, SimulatedCloud } from '../../src/providers/index.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { StoreError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { ResourceType, Store, Watch, WatchEvent, WatchOptions } from '../../src/store/types.js';
import { CD } from './harness.js';

type Fault = 'throw' | 'end';

/** A store whose watches can be broken from the test: a stream that throws or ends, a watch call refused. */
class FaultyStore implements Store {
  readonly watchCalls = new Map<string, number>();
  private readonly trips = new Map<string, Set<(f: Fault) => void>>();
  private readonly refusals = new Map<string, number>();

  constructor(private readonly inner: Store) {}

  get: Store['get'] = (ref) => this.inner.get(ref);
  list: Store['list'] = (type, options) => this.inner.list(type, options);
  create: Store['create'] = (o) => this.inner.create(o);
  update: Store['update'] = (o) => this.inner.update(o);
  updateStatus: Store['updateStatus'] = (o) => this.inner.updateStatus(o);
  delete: Store['delete'] = (ref, options) => this.inner.delete(ref, options);
  close: Store['close'] = () => this.inner.close();

  /** Breaks every open watch of the kind. */
  trip(kind: string, fault: Fault): void {
    for (const t of this.trips.get(kind) ?? []) t(fault);
  }

  /** The next `n` watch calls of the kind fail. */
  refuse(kind: string, n: number): void {
    this.refusals.set(kind, n);
  }

  async watch(type: ResourceType, options?: WatchOptions): Promise<Watch> {
    this.watchCalls.set(type.kind, (this.watchCalls.get(type.kind) ?? 0) + 1);
    const refused = this.refusals.get(type.kind) ?? 0;
    if (refused > 0) {
      this.refusals.set(type.kind, refused - 1);
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    }
    const inner = await this.inner.watch(type, options);
    let trip!: (f: Fault) => void;
    const tripped = new Promise<Fault>((r) => {
      trip = r;
    });
    const set = this.trips.get(type.kind) ?? new Set();
    set.add(trip);
    this.trips.set(type.kind, set);
    const next = async (): Promise<IteratorResult<WatchEvent, undefined>> => {
      const r = await Promise.race([inner.next(), tripped]);
      if (typeof r !== 'string') return r;
      set.delete(trip);
      inner.close();
      if (r === 'end') return { done: true, value: undefined };
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    };
    const w: Watch = {
      next,
      close: () => {
        set.delete(trip);
        inner.close();
      },
      [Symbol.asyncIterator]: () => w,
    };
    return w;
  }
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function setup(watchBackoff = { baseMs: 20, maxMs: 80 }) {
  const clock = new ManualClock();
  const inner = openSqliteStore(':memory:', { clock });
  const store = new FaultyStore(inner);
  const cloud = new SimulatedCloud({ clock, path: ':memory:' });
  const metrics = controllerMetrics();
  const warnings: Record<string, unknown>[] = [];
  const controller: Controller = createController({
    store,
    registry: embeddedRegistry(cloud),
    clock,
    catalog: new TemplateCatalog([]),
    policies: [],
    logger: { warn: (fields) => warnings.push(fields) },
    watchRestarts: metrics.watchRestarts,
    watchBackoff,
  });
  cleanup = async () => {
    await controller.runtime.stop();
    await inner.close();
    cloud.close();
  };
  const apply = (name: string) =>
    store.create({
      ...CD,
      metadata: { name, namespace: 'team-a' },
      spec: {
        template: 'simulated-standalone-cp',
        config: { controlPlaneNumber: 1, workersNumber: 1, bootDelay: '1s' },
      },
    });
  const isReady = async (name: string) => {
    const cd = await store.get({ ...CD, namespace: 'team-a', name });
    return Boolean(
      (cd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
  };
  /** Reconciles until Ready; the watch restarts on the wall clock, so this waits in real time too. */
  const untilReady = (name: string) =>
    vi.waitFor(
      async () => {
        await controller.runtime.runManual(clock, { until: () => isReady(name), maxVirtualMs: 600_000 });
        expect(await isReady(name)).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
  const restarts = async () =>
    (await metrics.watchRestarts.get()).values.map((v) => ({ ...v.labels, value: v.value }));
  return { store, controller, metrics, warnings, apply, untilReady, restarts };
}

describe('watch failures', () => {
  it('a ClusterDeployment watch that breaks is logged, counted and restarted; later deployments are reconciled', async () => {
    const { store, controller, warnings, apply, untilReady, restarts, metrics } = setup();
    await controller.runtime.start();
    await apply('before');
    await untilReady('before');

    // The stream breaks; a deployment created while the watch is down must still arrive.
    store.trip('ClusterDeployment', 'throw');
    await apply('while-down');
    await untilReady('while-down');
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'ClusterDeployment', reason: 'ECONNRESET', attempt: 1, retryInMs: 20 }),
    ]);

    // It breaks again and the next two watch calls are refused: the backoff doubles, capped.
    store.refuse('ClusterDeployment', 2);
    store.trip('ClusterDeployment', 'throw');
    await vi.waitFor(() => expect(store.watchCalls.get('ClusterDeployment')).toBe(5), { timeout: 5_000 });
    await apply('after');
    await untilReady('after');
    expect(warnings.slice(1).map((w) => [w.reason, w.attempt, w.retryInMs])).toEqual([
      ['ECONNRESET', 1, 20],
      ['ECONNREFUSED', 2, 40],
      ['ECONNREFUSED', 3, 80],
    ]);
    expect(await restarts()).toEqual(
      expect.arrayContaining([
        { kind: 'ClusterDeployment', reason: 'ECONNRESET', value: 2 },
        { kind: 'ClusterDeployment', reason: 'ECONNREFUSED', value: 2 },
      ]),
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'clustermint_watch_restarts_total{kind="ClusterDeployment",reason="ECONNRESET"} 2',
    );
  });

  it('a watch that ends is watched again at once, without a warning; Machine watch failures are restarted too', async () => {
    const { store, controller, warnings, apply, untilReady, restarts } = setup();
    await controller.runtime.start();
    store.trip('ClusterDeployment', 'end');
    await vi.waitFor(() => expect(store.watchCalls.get('ClusterDeployment')).toBe(2), { timeout: 5_000 });
    await apply('after-end');
    await untilReady('after-end');
    expect(warnings).toEqual([]);
    expect(await restarts()).toEqual([]);

    store.trip('Machine', 'throw');
    await vi.waitFor(() => expect(store.watchCalls.get('Machine')).toBe(2), { timeout: 5_000 });
    expect(await restarts()).toEqual([{ kind: 'Machine', reason: 'ECONNRESET', value: 1 }]);
    await apply('after-machine-watch');
    await untilReady('after-machine-watch');
  });

  it('stop() ends a watch waiting out its backoff', async () => {
    const { store, controller, warnings } = setup({ baseMs: 60_000, maxMs: 60_000 });
    await controller.runtime.start();
    store.trip('ClusterDeployment', 'throw');
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 5_000 });
    expect(warnings[0]).toMatchObject({ retryInMs: 60_000 });
    const t0 = performance.now();
    await controller.runtime.stop();
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('watchRestartDelay', () => {
  it.each([
    [1, 500, 30_000, 500],
    [2, 500, 30_000, 1_000],
    [3, 500, 30_000, 2_000],
    [6, 500, 30_000, 16_000],
    [7, 500, 30_000, 30_000],
    [50, 500, 30_000, 30_000],
    [2_000, 500, 30_000, 30_000],
    [0, 500, 30_000, 500],
    [1, 20, 80, 20],
    [4, 20, 80, 80],
  ])('attempt %i (base %i, max %i) waits %i ms', (attempt, base, max, want) => {
    expect(watchRestartDelay(attempt, base, max)).toBe(want);
  });
});

describe('watchFailureReason', () => {
  it.each([
    [new StoreError('Invalid', 'bad'), 'Invalid'],
    [new StoreError('Gone', 'gone'), 'Gone'],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    [Object.assign(new Error('x'), { code: 'not a code with spaces' }), 'Error'],
    [new TypeError('x is not a function'), 'TypeError'],
    [new Error('plain'), 'Error'],
    ['a string', 'Unknown'],
    [undefined, 'Unknown'],
  ])('%s -> %s', (e, want) => {
    expect(watchFailureReason(e)).toBe(want);
  });
});
