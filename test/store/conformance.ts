/**
 * The Store conformance suite: Kubernetes API semantics every backend keeps. Written only
 * against the Store interface (src/store/types.ts) so it runs unchanged on the embedded SQLite
 * store and on a Kubernetes backend against a real kube-apiserver: every test works in its own
 * namespace, with unique names, and treats resourceVersion as an opaque string.
 *
 * Objects are clustermint.io/v1alpha1 ClusterDeployments and ClusterTemplates shaped as their
 * CRDs allow (spec.template, spec.config; status.observedGeneration, status.k8sVersion).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReason } from '../../src/store/errors.js';
import { modify } from '../../src/store/modify.js';
import type { KubeObject, NewObject, Store, Watch, WatchEvent } from '../../src/store/types.js';

export interface StoreHarness {
  store: Store;
  close(): Promise<void>;
  /** Make every resourceVersion seen so far too old to watch from. */
  expire?(): Promise<void>;
  /**
   * For a backend that cannot forget history on demand (a Kubernetes apiserver compacts on its
   * own schedule): a resourceVersion, at most `seen`, that is older than the history it keeps.
   * Absent, and no expire(): the expired-version test is skipped.
   */
  expiredVersion?(seen: string): Promise<string>;
  /** Prepare a namespace before a test uses it (a Kubernetes backend creates it). */
  namespace?(name: string): Promise<void>;
}

const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;
const CT = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplate' } as const;
/** The least ClusterTemplate spec its CRD accepts. */
const CT_SPEC = { helm: { chartSpec: { chart: 'demo' } } };
const EVENT_TIMEOUT_MS = 5000;

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${randomBytes(3).toString('hex')}`;

function deployment(namespace: string, name: string, extra: Partial<NewObject> = {}): NewObject {
  const { metadata, ...rest } = extra;
  return {
    ...CD,
    metadata: { name, namespace, ...metadata },
    spec: { template: 'aws-standalone-cp-0-1-0', config: { region: 'eu-west-1' } },
    ...rest,
  };
}

/** The error a promise rejects with (fails when it resolves). */
async function rejection(
  p: Promise<unknown>,
): Promise<{ reason?: unknown; code?: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { reason?: unknown; code?: unknown; message: string };
  }
  throw new Error('expected the call to fail, it succeeded');
}

async function expectStatus(p: Promise<unknown>, reason: StatusReason, code: number): Promise<void> {
  const e = await rejection(p);
  expect({ reason: e.reason, code: e.code }, e.message).toEqual({ reason, code });
}

/** The next watch event, or a failure after a timeout. */
async function nextEvent(w: Watch): Promise<WatchEvent> {
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no watch event within 5 s')), EVENT_TIMEOUT_MS);
    });
    try {
      const r = await Promise.race([w.next(), timeout]);
      if (r.done) throw new Error('the watch ended');
      if (r.value.type !== 'BOOKMARK') return r.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

const brief = (e: WatchEvent) => `${e.type} ${e.object.metadata.name}`;

async function events(w: Watch, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  while (out.length < n) out.push(await nextEvent(w));
  return out;
}

const isRfc3339 = (s: unknown) =>
  typeof s === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s);

export function describeStoreConformance(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    const watches: Watch[] = [];

    beforeAll(async () => {
      h = await open();
      store = h.store;
    });
    afterAll(async () => {
      for (const w of watches) w.close();
      await h?.close();
    });

    async function namespace(): Promise<string> {
      const ns = unique('ns');
      await h.namespace?.(ns);
      return ns;
    }
    async function watch(...args: Parameters<Store['watch']>): Promise<Watch> {
      const w = await store.watch(...args);
      watches.push(w);
      return w;
    }
    /** After the expected events, a marker write must be the very next event: nothing else came. */
    async function expectNothingMoreThan(w: Watch, ns: string): Promise<void> {
      const marker = await store.create(deployment(ns, unique('marker')));
      expect(brief(await nextEvent(w))).toBe(`ADDED ${marker.metadata.name}`);
    }

    describe('create and get', () => {
      it('sets the server fields, drops status and reads back the same object', async () => {
        const ns = await namespace();
        const created = await store.create(
          deployment(ns, 'alpha', {
            metadata: { labels: { team: 'a' }, annotations: { note: 'x' } },
            status: { k8sVersion: 'v1.31.0' },
          }),
        );
        expect(created.apiVersion).toBe(CD.apiVersion);
        expect(created.kind).toBe(CD.kind);
        expect(created.metadata.name).toBe('alpha');
        expect(created.metadata.namespace).toBe(ns);
        expect(created.metadata.uid).toMatch(/\S/);
        expect(typeof created.metadata.resourceVersion).toBe('string');
        expect(created.metadata.resourceVersion).not.toBe('');
        expect(created.metadata.generation).toBe(1);
        expect(isRfc3339(created.metadata.creationTimestamp)).toBe(true);
        expect(created.metadata.deletionTimestamp).toBeUndefined();
        expect(created.metadata.labels).toEqual({ team: 'a' });
        expect(created.metadata.annotations).toEqual({ note: 'x' });
        expect(created.spec).toEqual({
          template: 'aws-standalone-cp-0-1-0',
          config: { region: 'eu-west-1' },
        });
        expect(created.status).toBeUndefined();
        const got = await store.get({ ...CD, namespace: ns, name: 'alpha' });
        expect(got).toEqual(created);
      });

      it('gives every object its own uid', async () => {
        const ns = await namespace();
        const a = await store.create(deployment(ns, 'a'));
        const b = await store.create(deployment(ns, 'b'));
        expect(a.metadata.uid).not.toBe(b.metadata.uid);
        expect(a.metadata.resourceVersion).not.toBe(b.metadata.resourceVersion);
      });

      it('refuses a taken name with AlreadyExists (409)', async () => {
        const ns = await namespace();
        await store.create(deployment(ns, 'taken'));
        await expectStatus(store.create(deployment(ns, 'taken')), 'AlreadyExists', 409);
      });

      it('keeps names apart per namespace and per kind', async () => {
        const ns1 = await namespace();
        const ns2 = await namespace();
        const a = await store.create(deployment(ns1, 'same'));
        const b = await store.create(deployment(ns2, 'same'));
        const t = await store.create({ ...CT, metadata: { name: 'same', namespace: ns1 }, spec: CT_SPEC });
        expect(new Set([a.metadata.uid, b.metadata.uid, t.metadata.uid]).size).toBe(3);
        expect((await store.get({ ...CT, namespace: ns1, name: 'same' })).kind).toBe('ClusterTemplate');
        expect((await store.get({ ...CD, namespace: ns2, name: 'same' })).metadata.uid).toBe(b.metadata.uid);
      });

      it('makes a name from generateName', async () => {
        const ns = await namespace();
        const obj = await store.create(deployment(ns, '', { metadata: { generateName: 'gen-' } }));
        expect(obj.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
        expect((await store.get({ ...CD, namespace: ns, name: obj.metadata.name })).metadata.uid).toBe(
          obj.metadata.uid,
        );
      });

      it('refuses an invalid name or label with Invalid (422)', async () => {
        const ns = await namespace();
        await expectStatus(store.create(deployment(ns, 'Not_A_Name')), 'Invalid', 422);
        await expectStatus(
          store.create(deployment(ns, 'ok', { metadata: { labels: { 'bad key!': 'x' } } })),
          'Invalid',
          422,
        );
        await expectStatus(store.get({ ...CD, namespace: ns, name: 'ok' }), 'NotFound', 404);
      });

      it('answers NotFound (404) for get, update, updateStatus and delete of a missing object', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'ghost' };
        await expectStatus(store.get(ref), 'NotFound', 404);
        const existing = await store.create(deployment(ns, 'real'));
        const ghost = { ...existing, metadata: { ...existing.metadata, name: 'ghost' } };
        await expectStatus(store.update(ghost), 'NotFound', 404);
        await expectStatus(store.updateStatus(ghost), 'NotFound', 404);
        await expectStatus(store.delete(ref), 'NotFound', 404);
      });
    });

    describe('update', () => {
      it('replaces the spec, bumps generation and resourceVersion', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'up'));
        const v2 = await store.update({ ...v1, spec: { template: 'aws-standalone-cp-0-2-0', config: {} } });
        expect(v2.metadata.generation).toBe(2);
        expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
        expect(v2.metadata.uid).toBe(v1.metadata.uid);
        expect(v2.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
        expect(v2.spec).toEqual({ template: 'aws-standalone-cp-0-2-0', config: {} });
        expect(await store.get({ ...CD, namespace: ns, name: 'up' })).toEqual(v2);
      });

      it('refuses a stale resourceVersion with Conflict (409) and keeps the newer object', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'stale'));
        const v2 = await store.update({ ...v1, metadata: { ...v1.metadata, labels: { round: '2' } } });
        await expectStatus(store.update({ ...v1, spec: { template: 'other', config: {} } }), 'Conflict', 409);
        await expectStatus(store.updateStatus({ ...v1, status: { k8sVersion: 'v1.30.0' } }), 'Conflict', 409);
        expect(await store.get({ ...CD, namespace: ns, name: 'stale' })).toEqual(v2);
      });

      it('needs a resourceVersion (Invalid, 422)', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'norv'));
        const { resourceVersion: _rv, ...meta } = v1.metadata;
        await expectStatus(store.update({ ...v1, metadata: meta as KubeObject['metadata'] }), 'Invalid', 422);
      });

      it('ignores status and client-set server fields', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'ign'));
        const v2 = await store.update({
          ...v1,
          metadata: { ...v1.metadata, generation: 42, creationTimestamp: '2000-01-01T00:00:00Z' },
          status: { k8sVersion: 'v9.9.9' },
        });
        expect(v2.status).toBeUndefined();
        expect(v2.metadata.generation).toBe(1);
        expect(v2.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
      });

      it('keeps generation for metadata-only changes, and writes nothing for a no-op update', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'meta'));
        const v2 = await store.update({
          ...v1,
          metadata: { ...v1.metadata, labels: { a: 'b' }, annotations: { c: 'd' } },
        });
        expect(v2.metadata.generation).toBe(1);
        expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
        const v3 = await store.update(v2);
        expect(v3.metadata.resourceVersion).toBe(v2.metadata.resourceVersion);
        expect(v3).toEqual(v2);
        // Key order is not a change.
        const reordered = await store.update({
          metadata: v2.metadata,
          spec: { config: { region: 'eu-west-1' }, template: 'aws-standalone-cp-0-1-0' },
          kind: v2.kind,
          apiVersion: v2.apiVersion,
        });
        expect(reordered.metadata.resourceVersion).toBe(v2.metadata.resourceVersion);
        // Nor is an undefined property (it does not exist in JSON).
        const undef = await store.update({
          ...v2,
          spec: { ...(v2.spec as object), extra: undefined },
          other: undefined,
        });
        expect(undef.metadata.resourceVersion).toBe(v2.metadata.resourceVersion);
        expect(undef.metadata.generation).toBe(1);
      });
    });

    describe('status subresource', () => {
      it('updateStatus changes status only, never generation', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'st'));
        const v2 = await store.updateStatus({
          ...v1,
          metadata: { ...v1.metadata, labels: { ignored: 'yes' } },
          spec: { template: 'ignored', config: {} },
          status: { observedGeneration: v1.metadata.generation, k8sVersion: 'v1.31.0' },
        });
        expect(v2.status).toEqual({ observedGeneration: 1, k8sVersion: 'v1.31.0' });
        expect(v2.spec).toEqual(v1.spec);
        expect(v2.metadata.labels).toBeUndefined();
        expect(v2.metadata.generation).toBe(1);
        expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
      });

      it('update keeps the stored status; observedGeneration trails generation until status catches up', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'og'));
        const v2 = await store.updateStatus({ ...v1, status: { observedGeneration: 1 } });
        const v3 = await store.update({ ...v2, spec: { template: 'next', config: {} }, status: undefined });
        expect(v3.status).toEqual({ observedGeneration: 1 });
        expect(v3.metadata.generation).toBe(2);
        const v4 = await store.updateStatus({
          ...v3,
          status: { observedGeneration: v3.metadata.generation },
        });
        expect(v4.metadata.generation).toBe(2);
        expect(v4.status).toEqual({ observedGeneration: 2 });
      });
    });

    describe('delete and finalizers', () => {
      it('removes an object without finalizers at once', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'gone'));
        const res = await store.delete({ ...CD, namespace: ns, name: 'gone' });
        expect(res.deleted).toBe(true);
        expect(res.object.metadata.uid).toBe(v1.metadata.uid);
        await expectStatus(store.get({ ...CD, namespace: ns, name: 'gone' }), 'NotFound', 404);
        // The name is free again.
        const again = await store.create(deployment(ns, 'gone'));
        expect(again.metadata.uid).not.toBe(v1.metadata.uid);
      });

      it('keeps an object with finalizers until an update removes the last one', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'fin' };
        const v1 = await store.create(
          deployment(ns, 'fin', { metadata: { finalizers: ['clustermint.io/a', 'clustermint.io/b'] } }),
        );
        const w = await watch(CD, { namespace: ns, resourceVersion: v1.metadata.resourceVersion });

        const res = await store.delete(ref);
        expect(res.deleted).toBe(false);
        const v2 = await store.get(ref);
        expect(isRfc3339(v2.metadata.deletionTimestamp)).toBe(true);
        expect(v2.metadata.generation).toBe(v1.metadata.generation + 1);
        expect(v2.metadata.finalizers).toEqual(['clustermint.io/a', 'clustermint.io/b']);
        expect(res.object.metadata.deletionTimestamp).toBe(v2.metadata.deletionTimestamp);

        // Deleting again changes nothing.
        const res2 = await store.delete(ref);
        expect(res2.deleted).toBe(false);
        expect((await store.get(ref)).metadata.resourceVersion).toBe(v2.metadata.resourceVersion);

        // No new finalizer while deleting; deletionTimestamp cannot be cleared.
        await expectStatus(
          store.update({
            ...v2,
            metadata: {
              ...v2.metadata,
              finalizers: ['clustermint.io/a', 'clustermint.io/b', 'clustermint.io/c'],
            },
          }),
          'Invalid',
          422,
        );
        const v3 = await store.update({
          ...v2,
          metadata: { ...v2.metadata, finalizers: ['clustermint.io/b'], deletionTimestamp: undefined },
        });
        expect(v3.metadata.deletionTimestamp).toBe(v2.metadata.deletionTimestamp);
        expect(v3.metadata.finalizers).toEqual(['clustermint.io/b']);
        expect((await store.get(ref)).metadata.finalizers).toEqual(['clustermint.io/b']);

        // Status writes still work while finalizers hold the object.
        const v4 = await store.updateStatus({ ...v3, status: { k8sVersion: 'v1.31.0' } });

        await store.update({ ...v4, metadata: { ...v4.metadata, finalizers: [] } });
        await expectStatus(store.get(ref), 'NotFound', 404);

        // deletion marked, one finalizer removed, status written, gone.
        const seen = await events(w, 4);
        expect(seen.map(brief)).toEqual(['MODIFIED fin', 'MODIFIED fin', 'MODIFIED fin', 'DELETED fin']);
        expect(seen[0].object.metadata.deletionTimestamp).toBe(v2.metadata.deletionTimestamp);
        expect(seen[3].object.metadata.uid).toBe(v1.metadata.uid);
        await expectNothingMoreThan(w, ns);
      });

      it('checks delete preconditions (Conflict, 409)', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'pre' };
        const v1 = await store.create(deployment(ns, 'pre'));
        await expectStatus(store.delete(ref, { preconditions: { uid: 'not-the-uid' } }), 'Conflict', 409);
        const v2 = await store.update({ ...v1, metadata: { ...v1.metadata, labels: { x: 'y' } } });
        await expectStatus(
          store.delete(ref, { preconditions: { resourceVersion: v1.metadata.resourceVersion } }),
          'Conflict',
          409,
        );
        const res = await store.delete(ref, {
          preconditions: { uid: v1.metadata.uid, resourceVersion: v2.metadata.resourceVersion },
        });
        expect(res.deleted).toBe(true);
      });
    });

    describe('list and selectors', () => {
      async function seed(ns: string, tag: string): Promise<void> {
        const objs: [string, Record<string, string>][] = [
          ['a', { tag, env: 'prod', tier: 'web' }],
          ['b', { tag, env: 'dev', tier: 'db' }],
          ['c', { tag, env: 'test' }],
          ['d', { tag }],
        ];
        for (const [name, labels] of objs) await store.create(deployment(ns, name, { metadata: { labels } }));
      }
      const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

      it('lists one namespace sorted by name, with a resourceVersion', async () => {
        const ns = await namespace();
        for (const n of ['c', 'a', 'b']) await store.create(deployment(ns, n));
        const other = await namespace();
        await store.create(deployment(other, 'x'));
        const res = await store.list(CD, { namespace: ns });
        expect(res.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
        expect(typeof res.resourceVersion).toBe('string');
        expect(res.resourceVersion).not.toBe('');
        expect((await store.list(CT, { namespace: ns })).items).toEqual([]);
      });

      it('selects by labels with the Kubernetes selector syntax', async () => {
        const ns = await namespace();
        const tag = unique('t');
        await seed(ns, tag);
        const sel = async (s: string) =>
          (await store.list(CD, { namespace: ns, labelSelector: `tag=${tag},${s}` })).items
            .map((o) => o.metadata.name)
            .join('');
        expect(await sel('env=prod')).toBe('a');
        expect(await sel('env==prod')).toBe('a');
        expect(await sel('env!=prod')).toBe('bcd');
        expect(await sel('env in (prod,dev)')).toBe('ab');
        expect(await sel('env notin (prod,dev)')).toBe('cd');
        expect(await sel('tier')).toBe('ab');
        expect(await sel('!tier')).toBe('cd');
        expect(await sel('env,!tier')).toBe('c');
        expect(await sel('env in (prod),tier=db')).toBe('');
        await expectStatus(store.list(CD, { labelSelector: 'env in prod)' }), 'BadRequest', 400);
      });

      it('selects across namespaces, and by metadata.name / metadata.namespace fields', async () => {
        const ns1 = await namespace();
        const ns2 = await namespace();
        const tag = unique('t');
        await seed(ns1, tag);
        await seed(ns2, tag);
        const all = await store.list(CD, { labelSelector: `tag=${tag}` });
        expect(names(all.items)).toEqual(
          [ns1, ns2].sort().flatMap((ns) => ['a', 'b', 'c', 'd'].map((n) => `${ns}/${n}`)),
        );
        const byName = await store.list(CD, {
          labelSelector: `tag=${tag}`,
          fieldSelector: 'metadata.name=b',
        });
        expect(names(byName.items)).toEqual([ns1, ns2].sort().map((ns) => `${ns}/b`));
        const notNs1 = await store.list(CD, {
          labelSelector: `tag=${tag},env=prod`,
          fieldSelector: `metadata.namespace!=${ns1}`,
        });
        expect(names(notNs1.items)).toEqual([`${ns2}/a`]);
        const both = await store.list(CD, { fieldSelector: `metadata.namespace==${ns2},metadata.name=c` });
        expect(names(both.items)).toEqual([`${ns2}/c`]);
        await expectStatus(store.list(CD, { fieldSelector: 'spec.template=x' }), 'BadRequest', 400);
      });
    });

    describe('watch', () => {
      it('from a list resourceVersion sees exactly the later changes, in order', async () => {
        const ns = await namespace();
        const a = await store.create(deployment(ns, 'a'));
        await store.create(deployment(ns, 'b'));
        const listed = await store.list(CD, { namespace: ns });
        const w = await watch(CD, { namespace: ns, resourceVersion: listed.resourceVersion });
        const a2 = await store.update({ ...a, spec: { template: 'x', config: {} } });
        await store.create(deployment(ns, 'c'));
        await store.delete({ ...CD, namespace: ns, name: 'b' });
        const a3 = await store.updateStatus({ ...a2, status: { observedGeneration: 2 } });
        const seen = await events(w, 4);
        expect(seen.map(brief)).toEqual(['MODIFIED a', 'ADDED c', 'DELETED b', 'MODIFIED a']);
        expect(seen[0].object.metadata.resourceVersion).toBe(a2.metadata.resourceVersion);
        expect(seen[0].object.spec).toEqual({ template: 'x', config: {} });
        expect(seen[3].object).toEqual(a3);
        await expectNothingMoreThan(w, ns);
      });

      it('from an older resourceVersion replays what happened since', async () => {
        const ns = await namespace();
        const a = await store.create(deployment(ns, 'a'));
        await store.create(deployment(ns, 'b'));
        await store.update({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
        await store.delete({ ...CD, namespace: ns, name: 'a' });
        const w = await watch(CD, { namespace: ns, resourceVersion: a.metadata.resourceVersion });
        expect((await events(w, 3)).map(brief)).toEqual(['ADDED b', 'MODIFIED a', 'DELETED a']);
        await expectNothingMoreThan(w, ns);
      });

      it('without a resourceVersion starts with the current objects as ADDED', async () => {
        const ns = await namespace();
        await store.create(deployment(ns, 'b'));
        await store.create(deployment(ns, 'a'));
        const w = await watch(CD, { namespace: ns });
        const initial = (await events(w, 2)).map(brief).sort();
        expect(initial).toEqual(['ADDED a', 'ADDED b']);
        await store.delete({ ...CD, namespace: ns, name: 'a' });
        expect(brief(await nextEvent(w))).toBe('DELETED a');
      });

      it('only sees its kind and namespace', async () => {
        const ns = await namespace();
        const other = await namespace();
        const start = await store.list(CD, { namespace: ns });
        const w = await watch(CD, { namespace: ns, resourceVersion: start.resourceVersion });
        await store.create(deployment(other, 'elsewhere'));
        await store.create({ ...CT, metadata: { name: 'template', namespace: ns }, spec: CT_SPEC });
        await store.create(deployment(ns, 'here'));
        expect(brief(await nextEvent(w))).toBe('ADDED here');
      });

      it('with a label selector: objects entering the selection are ADDED, leaving it DELETED', async () => {
        const ns = await namespace();
        const start = await store.list(CD, { namespace: ns });
        const w = await watch(CD, {
          namespace: ns,
          labelSelector: 'watched=yes',
          resourceVersion: start.resourceVersion,
        });
        const x = await store.create(deployment(ns, 'x'));
        const x2 = await store.update({ ...x, metadata: { ...x.metadata, labels: { watched: 'yes' } } });
        const x3 = await store.update({ ...x2, spec: { template: 'y', config: {} } });
        await store.update({ ...x3, metadata: { ...x3.metadata, labels: { watched: 'no' } } });
        const y = await store.create(deployment(ns, 'y', { metadata: { labels: { watched: 'yes' } } }));
        await store.delete({ ...CD, namespace: ns, name: 'y' });
        const seen = await events(w, 5);
        expect(seen.map(brief)).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x', 'ADDED y', 'DELETED y']);
        expect(seen[3].object.metadata.uid).toBe(y.metadata.uid);
      });

      it('with a field selector sees one object', async () => {
        const ns = await namespace();
        const start = await store.list(CD, { namespace: ns });
        const w = await watch(CD, {
          fieldSelector: `metadata.namespace=${ns},metadata.name=one`,
          resourceVersion: start.resourceVersion,
        });
        await store.create(deployment(ns, 'two'));
        await store.create(deployment(ns, 'one'));
        expect(brief(await nextEvent(w))).toBe('ADDED one');
      });

      it('ends after close()', async () => {
        const ns = await namespace();
        const w = await watch(CD, {
          namespace: ns,
          resourceVersion: (await store.list(CD, { namespace: ns })).resourceVersion,
        });
        const pending = w.next();
        w.close();
        expect((await pending).done).toBe(true);
      });

      it('from an expired resourceVersion fails with Expired (410)', async (ctx) => {
        if (!h.expire && !h.expiredVersion) return ctx.skip();
        const ns = await namespace();
        const a = await store.create(deployment(ns, 'a'));
        await store.update({ ...a, metadata: { ...a.metadata, labels: { n: '1' } } });
        let from = a.metadata.resourceVersion;
        if (h.expire) await h.expire();
        else from = await h.expiredVersion!(from);
        const failure = await rejection(
          (async () => {
            const w = await watch(CD, { namespace: ns, resourceVersion: from });
            await nextEvent(w);
          })(),
        );
        expect({ reason: failure.reason, code: failure.code }, failure.message).toEqual({
          reason: 'Expired',
          code: 410,
        });
        // Listing again gives a version to watch from.
        const listed = await store.list(CD, { namespace: ns });
        const w = await watch(CD, { namespace: ns, resourceVersion: listed.resourceVersion });
        await store.create(deployment(ns, 'b'));
        expect(brief(await nextEvent(w))).toBe('ADDED b');
      });
    });

    describe('concurrency', () => {
      it('of concurrent updates from the same version, exactly one wins', async () => {
        const ns = await namespace();
        const v1 = await store.create(deployment(ns, 'race'));
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.update({ ...v1, spec: { template: `t${i}`, config: {} } }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        for (const r of lost) expect((r as PromiseRejectedResult).reason.reason).toBe('Conflict');
        const stored = await store.get({ ...CD, namespace: ns, name: 'race' });
        expect(stored).toEqual((won[0] as PromiseFulfilledResult<KubeObject>).value);
        expect(stored.metadata.generation).toBe(2);
      });

      it('of concurrent creates of one name, exactly one wins', async () => {
        const ns = await namespace();
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.create(deployment(ns, 'once'))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected'))
          expect((r as PromiseRejectedResult).reason.reason).toBe('AlreadyExists');
      });

      it('read-modify-write retried on Conflict loses no increment', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'counter' };
        await store.create(deployment(ns, 'counter', { metadata: { annotations: { count: '0' } } }));
        const bump = async () => {
          for (;;) {
            const cur = await store.get(ref);
            const n = Number(cur.metadata.annotations?.count);
            try {
              await store.update({
                ...cur,
                metadata: { ...cur.metadata, annotations: { count: String(n + 1) } },
              });
              return;
            } catch (e) {
              if ((e as { reason?: string }).reason !== 'Conflict') throw e;
            }
          }
        };
        await Promise.all(Array.from({ length: 10 }, bump));
        expect((await store.get(ref)).metadata.annotations?.count).toBe('10');
      });

      it('modify() reapplies its change to the newest version after a concurrent write', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'modified' };
        await store.create(deployment(ns, 'modified'));
        // the first read is overtaken by a status write before modify() updates
        let reads = 0;
        const racing = {
          get: async (r: typeof ref) => {
            const cur = await store.get(r);
            if (++reads === 1) await store.updateStatus({ ...cur, status: { observedGeneration: 1 } });
            return cur;
          },
          update: (o: KubeObject) => store.update(o),
        };
        const got = await modify(racing, ref, (cur) => ({
          ...cur,
          metadata: { ...cur.metadata, labels: { env: 'prod' } },
        }));
        expect(reads).toBe(2);
        const stored = await store.get(ref);
        expect(stored).toEqual(got);
        expect(stored.metadata.labels).toEqual({ env: 'prod' });
        expect(stored.status).toMatchObject({ observedGeneration: 1 });
      });

      it('modify() gives up with Conflict after its attempts, and passes other errors at once', async () => {
        const ns = await namespace();
        const ref = { ...CD, namespace: ns, name: 'contended' };
        const stale = await store.create(deployment(ns, 'contended'));
        await store.update({ ...stale, metadata: { ...stale.metadata, labels: { moved: 'on' } } });
        let calls = 0;
        const staleVersion = (cur: KubeObject) => {
          calls++;
          return { ...cur, metadata: { ...cur.metadata, resourceVersion: stale.metadata.resourceVersion } };
        };
        await expect(modify(store, ref, staleVersion, 3)).rejects.toMatchObject({ reason: 'Conflict' });
        expect(calls).toBe(3);
        calls = 0;
        await expect(modify(store, { ...ref, name: 'absent' }, staleVersion)).rejects.toMatchObject({
          reason: 'NotFound',
        });
        expect(calls).toBe(0);
      });
    });
  });
}
