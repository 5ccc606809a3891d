// What the Kubernetes backend adds to the Store contract, against the real kube-apiserver:
// server-side apply, bookmarks and server-ended watches, a seen version expiring, errors the
// Store has no reason for, and finding the cluster through client-node (kubeconfig files,
// contexts, exec plugins, token files, the in-cluster service account).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isConflict, isExpired, isNotFound } from '../../src/store/errors.js';
import { inClusterConfig, loadKubeconfig } from '../../src/store/kube/config.js';
import { installCrds } from '../../src/store/kube/crds.js';
import { KubeApiError } from '../../src/store/kube/errors.js';
import { KubeStore } from '../../src/store/kube/store.js';
import type { NewObject, Watch, WatchEvent } from '../../src/store/types.js';
import { ClustermintError, formatError } from '../../src/util/errors.js';
import { kubeTestenv } from '../testenv/index.js';
import { PROVIDE_KEY } from '../testenv/state.js';

async function environment() {
  if (inject(PROVIDE_KEY) === undefined && process.env.CI !== 'true') {
    console.warn(
      'skipping the Kubernetes backend tests: this file is not in the kube vitest project (vitest.config.ts)',
    );
    return undefined;
  }
  return kubeTestenv('Kubernetes backend tests');
}

const env = await environment();
const CD = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' } as const;

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

async function nextWithin(w: Watch, ms: number): Promise<IteratorResult<WatchEvent, undefined>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      w.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nothing from the watch within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!env)('Kubernetes store backend', () => {
  let store: KubeStore;
  const ns = `backend-${randomBytes(4).toString('hex')}`;
  const cd = (name: string, spec: object): NewObject => ({ ...CD, metadata: { name, namespace: ns }, spec });

  beforeAll(async () => {
    store = new KubeStore(await loadKubeconfig(env!.kubeconfig), { fieldManager: 'clustermint-test' });
    await installCrds(store);
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  afterAll(() => store?.close());

  describe('server-side apply', () => {
    it('creates, owns fields per manager, refuses a conflicting manager unless forced', async () => {
      const first = await store.apply(cd('applied', { template: 't-1', config: { a: 1 }, credential: 'c' }), {
        fieldManager: 'team',
      });
      expect(first.metadata.generation).toBe(1);
      expect(first.spec).toEqual({ template: 't-1', config: { a: 1 }, credential: 'c' });
      // The controller takes spec.template: the team owns it with another value.
      const clash = await failure(
        store.apply(cd('applied', { template: 't-2' }), { fieldManager: 'controller' }),
      );
      expect(isConflict(clash), String(clash)).toBe(true);
      expect((clash as Error).message).toContain('conflict with "team"');
      const forced = await store.apply(cd('applied', { template: 't-2' }), {
        fieldManager: 'controller',
        force: true,
      });
      expect(forced.spec).toEqual({ template: 't-2', config: { a: 1 }, credential: 'c' });
      // The team stops applying credential: it is removed; template now belongs to the controller.
      const team = await store.apply(cd('applied', { config: { a: 1 } }), { fieldManager: 'team' });
      expect(team.spec).toEqual({ template: 't-2', config: { a: 1 } });
      // Without managedFields unless asked for.
      expect(team.metadata).not.toHaveProperty('managedFields');
    });

    it('applies status through the subresource, and dry-runs without storing', async () => {
      const obj = await store.apply(cd('status-applied', { template: 't' }));
      const st = await store.apply(
        { ...CD, metadata: { name: 'status-applied', namespace: ns }, status: { k8sVersion: 'v1.31.2' } },
        {
          subresource: 'status',
        },
      );
      expect(st.status).toEqual({ k8sVersion: 'v1.31.2' });
      expect(st.metadata.generation).toBe(obj.metadata.generation);
      const dry = await store.apply(cd('dry', { template: 't' }), { dryRun: true });
      expect(dry.metadata.uid).toBeTruthy();
      expect(isNotFound(await failure(store.get({ ...CD, namespace: ns, name: 'dry' })))).toBe(true);
    });

    it('treats a given resourceVersion as a precondition', async () => {
      const v1 = await store.apply(cd('pinned', { template: 't' }));
      await store.apply(cd('pinned', { template: 't', dryRun: true }));
      const stale = {
        ...cd('pinned', { template: 'x' }),
        metadata: { name: 'pinned', namespace: ns, resourceVersion: v1.metadata.resourceVersion },
      };
      expect(isConflict(await failure(store.apply(stale)))).toBe(true);
    });
  });

  describe('watch', () => {
    it('passes bookmarks through and ends when the server ends the stream', async () => {
      const short = new KubeStore(await loadKubeconfig(env!.kubeconfig), { watchTimeoutSeconds: 2 });
      try {
        await store.create(cd('bookmarked', { template: 't' }));
        // From no version: the current objects, then a bookmark marking their end.
        const w = await short.watch(CD, { namespace: ns, fieldSelector: 'metadata.name=bookmarked' });
        const seen: WatchEvent[] = [];
        for (;;) {
          const r = await nextWithin(w, 15_000);
          if (r.done) break;
          seen.push(r.value);
        }
        expect(seen.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual([
          'ADDED bookmarked',
          'BOOKMARK ',
        ]);
        const bookmarks = seen.filter((e) => e.type === 'BOOKMARK');
        expect(Object.keys(bookmarks[0].object.metadata)).toEqual(['resourceVersion']);
        expect(bookmarks[0].object.metadata.resourceVersion).toMatch(/^\d+$/);
        // The stream is over: later calls say so too.
        expect((await w.next()).done).toBe(true);
      } finally {
        await short.close();
      }
    });

    it('fails with Expired for a version it saw once the history is gone, and works again after a list', async () => {
      // A private kind: deleting and re-creating its CRD starts the apiserver's watch history afresh.
      const group = `expiry${randomBytes(3).toString('hex')}.clustermint.test`;
      const crd: NewObject = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `probes.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'probes', singular: 'probe', kind: 'Probe', listKind: 'ProbeList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } },
                },
              },
            },
          ],
        },
      };
      const PROBE = { apiVersion: `${group}/v1`, kind: 'Probe' };
      await installCrds(store, [crd]);
      const seen = await store.create({ ...PROBE, metadata: { name: 'p', namespace: ns }, spec: { n: 1 } });
      await store.delete({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name! });
      for (;;) {
        const gone = await store
          .get({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name! })
          .catch((e) => e);
        if (isNotFound(gone)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await installCrds(store, [crd]);
      await store.create({ ...PROBE, metadata: { name: 'q', namespace: ns }, spec: { n: 2 } });
      const expired = await failure(
        (async () => {
          const w = await store.watch(PROBE, {
            namespace: ns,
            resourceVersion: seen.metadata.resourceVersion,
          });
          for (;;) if ((await nextWithin(w, 10_000)).done) return;
        })(),
      );
      expect(isExpired(expired), String(expired)).toBe(true);
      expect((expired as Error).message).toMatch(/too old resource version/);
      const listed = await store.list(PROBE, { namespace: ns });
      expect(listed.items.map((o) => o.metadata.name)).toEqual(['q']);
      const w = await store.watch(PROBE, { namespace: ns, resourceVersion: listed.resourceVersion });
      await store.create({ ...PROBE, metadata: { name: 'r', namespace: ns }, spec: { n: 3 } });
      let ev = await nextWithin(w, 10_000);
      while (!ev.done && ev.value.type === 'BOOKMARK') ev = await nextWithin(w, 10_000);
      expect(ev.done ? 'done' : `${ev.value.type} ${ev.value.object.metadata.name}`).toBe('ADDED r');
      w.close();
    }, 60_000);
  });

  describe('errors outside the Store contract', () => {
    it('names a kind the server does not serve', async () => {
      const e = await failure(store.list({ apiVersion: 'clustermint.io/v1alpha1', kind: 'Nonexistent' }));
      expect(e).toBeInstanceOf(KubeApiError);
      expect((e as Error).message).toBe(
        'no resource for kind Nonexistent in clustermint.io/v1alpha1 on the server (is its CRD installed?)',
      );
    });

    it('keeps the apiserver reason and code for Forbidden', async () => {
      // No client certificate: the request is system:anonymous, whom RBAC allows nothing here.
      const dir = mkdtempSync(join(tmpdir(), 'clustermint-kubeconfig-'));
      const cfg = JSON.parse(readFileSync(env!.kubeconfig, 'utf8'));
      cfg.users[0].user = {};
      writeFileSync(join(dir, 'config'), JSON.stringify(cfg));
      const anon = new KubeStore(await loadKubeconfig(join(dir, 'config')), {
        resources: { '/Namespace': { plural: 'namespaces', namespaced: false } },
      });
      try {
        const e = await failure(anon.list({ apiVersion: 'v1', kind: 'Namespace' }));
        expect(e).toBeInstanceOf(KubeApiError);
        expect({ code: (e as KubeApiError).code, reason: (e as KubeApiError).reason }).toEqual({
          code: 403,
          reason: 'Forbidden',
        });
        expect((e as Error).message).toContain('User "system:anonymous" cannot list resource "namespaces"');
      } finally {
        await anon.close();
      }
    });
  });

  describe('kubeconfig', () => {
    it('authenticates with an exec credential plugin, picked by context', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clustermint-kubeconfig-'));
      const cfg = JSON.parse(readFileSync(env!.kubeconfig, 'utf8'));
      const user = cfg.users[0].user;
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: {
          clientCertificateData: Buffer.from(user['client-certificate-data'], 'base64').toString(),
          clientKeyData: Buffer.from(user['client-key-data'], 'base64').toString(),
        },
      };
      writeFileSync(join(dir, 'credential.json'), JSON.stringify(credential));
      const plugin = join(dir, 'plugin.sh');
      writeFileSync(plugin, `#!/bin/sh\ncat "${join(dir, 'credential.json')}"\n`);
      chmodSync(plugin, 0o755);
      cfg.users.push({
        name: 'exec-user',
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin.sh' } },
      });
      cfg.contexts.push({
        name: 'exec',
        context: { cluster: cfg.clusters[0].name, user: 'exec-user', namespace: ns },
      });
      writeFileSync(join(dir, 'config'), JSON.stringify(cfg));
      const loaded = await loadKubeconfig(join(dir, 'config'), 'exec');
      expect(loaded.namespace).toBe(ns);
      const viaExec = new KubeStore(loaded);
      try {
        const listed = await viaExec.list(CD, { namespace: ns });
        expect(listed.items.length).toBeGreaterThan(0);
      } finally {
        await viaExec.close();
      }
      await expect(loadKubeconfig(join(dir, 'config'), 'nope')).rejects.toThrow(/context "nope" is not in/);
    });

    /** A bound token of a new service account of the test namespace (TokenRequest). */
    async function serviceAccountToken(name: string): Promise<string> {
      await store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
      const review = await store.http.request<{ status: { token: string } }>({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 600 },
        },
      });
      return review.status.token;
    }

    /** The user a store authenticates as: RBAC grants a new service account nothing, and says whom it refused. */
    async function whoIsRefused(s: KubeStore): Promise<string> {
      const e = await failure(s.list({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'kube-system' }));
      expect(e).toBeInstanceOf(KubeApiError);
      return /User "([^"]+)"/.exec((e as Error).message)?.[1] ?? String(e);
    }

    it("reads kubectl's tokenFile (relative to the kubeconfig), and the first file of several wins", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clustermint-kubeconfig-'));
      const cfg = JSON.parse(readFileSync(env!.kubeconfig, 'utf8'));
      writeFileSync(join(dir, 'sa.token'), await serviceAccountToken('token-file-reader'));
      const cluster = cfg.clusters[0].name;
      // the first file: a token-file user and its context; the second: the admin under the same names
      writeFileSync(
        join(dir, 'first'),
        JSON.stringify({
          clusters: cfg.clusters,
          users: [{ name: 'reader', user: { tokenFile: 'sa.token' } }],
          contexts: [{ name: 'reader', context: { cluster, user: 'reader' } }],
          'current-context': 'reader',
        }),
      );
      writeFileSync(
        join(dir, 'second'),
        JSON.stringify({
          ...cfg,
          users: [...cfg.users, { ...cfg.users[0], name: 'reader' }],
          contexts: [...cfg.contexts, { name: 'reader', context: { cluster, user: cfg.users[0].name } }],
        }),
      );
      const reader = new KubeStore(await loadKubeconfig([join(dir, 'first'), join(dir, 'second')]));
      try {
        expect(await whoIsRefused(reader)).toBe(`system:serviceaccount:${ns}:token-file-reader`);
      } finally {
        await reader.close();
      }
      // the second file's own context reaches the admin
      const admin = new KubeStore(
        await loadKubeconfig([join(dir, 'first'), join(dir, 'second')], cfg['current-context']),
      );
      try {
        expect(
          (await admin.list({ apiVersion: 'v1', kind: 'Secret' }, { namespace: 'kube-system' })).items,
        ).toEqual(expect.any(Array));
      } finally {
        await admin.close();
      }
    });

    it('authenticates as the pod service account in cluster (token, CA and namespace files)', async () => {
      const prefix = mkdtempSync(join(tmpdir(), 'clustermint-pod-'));
      const sa = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(sa, { recursive: true });
      const cfg = JSON.parse(readFileSync(env!.kubeconfig, 'utf8'));
      writeFileSync(join(sa, 'token'), await serviceAccountToken('in-cluster'));
      writeFileSync(
        join(sa, 'ca.crt'),
        Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64'),
      );
      writeFileSync(join(sa, 'namespace'), `${ns}\n`);
      const server = new URL(env!.server);
      const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
      try {
        delete process.env.KUBERNETES_SERVICE_HOST;
        expect(await inClusterConfig(prefix)).toBeUndefined(); // not in a pod
        process.env.KUBERNETES_SERVICE_HOST = server.hostname;
        process.env.KUBERNETES_SERVICE_PORT = server.port;
        const target = await inClusterConfig(prefix);
        expect({ server: target?.server, namespace: target?.namespace }).toEqual({
          server: `https://${server.host}`,
          namespace: ns,
        });
        const pod = new KubeStore(target!);
        try {
          expect(await whoIsRefused(pod)).toBe(`system:serviceaccount:${ns}:in-cluster`);
        } finally {
          await pod.close();
        }
      } finally {
        for (const [k, v] of [
          ['KUBERNETES_SERVICE_HOST', saved.host],
          ['KUBERNETES_SERVICE_PORT', saved.port],
        ] as const)
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
      }
    });

    it('names what is wrong with a kubeconfig', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clustermint-kubeconfig-'));
      const missing = await failure(loadKubeconfig(join(dir, 'absent')));
      expect(missing).toBeInstanceOf(ClustermintError);
      expect((missing as Error).message).toBe(`no kubeconfig at ${join(dir, 'absent')}`);
      writeFileSync(join(dir, 'broken'), 'clusters: [{name: c}]\n');
      const broken = await failure(loadKubeconfig(join(dir, 'broken')));
      expect(formatError(broken as ClustermintError)).toBe(
        `${join(dir, 'broken')}: not a readable kubeconfig: clusters[0].cluster is missing`,
      );
      const cfg = JSON.parse(readFileSync(env!.kubeconfig, 'utf8'));
      cfg.contexts[0].context.user = 'ghost';
      writeFileSync(join(dir, 'ghost'), JSON.stringify(cfg));
      await expect(loadKubeconfig(join(dir, 'ghost'))).rejects.toThrow(
        `context "${cfg.contexts[0].name}": user "ghost" is not in the kubeconfig`,
      );
    });
  });
});
