// The test environment is a real API server: CRDs, custom objects, watches, leases, dry-run,
// optimistic concurrency, schema validation and RBAC behave as on a cluster.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/process.js';
import { ADMIN_USER } from '../testenv/cluster.js';
import {
  clientNode,
  kubeConfig,
  kubeTestenv,
  type TestenvInfo,
  webhookCertificates,
} from '../testenv/index.js';

const env = await kubeTestenv('kube smoke test');
// Loaded only when there is a server to talk to, so that a run without one skips cleanly.
const k8s = env ? await clientNode() : undefined;

const GROUP = 'smoke.clustermint.test';
const VERSION = 'v1';
const PLURAL = 'widgets';

const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
};

const widget = (name: string, size: number) => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'Widget',
  metadata: { name },
  spec: { size },
});

/** The HTTP status of a failed client-node call. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (e) {
    if (e instanceof k8s!.ApiException) return e.code;
    throw e;
  }
  throw new Error('the call succeeded');
}

describe.skipIf(!env)('kube-apiserver test environment', () => {
  let info: TestenvInfo;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const namespace = `smoke-${randomBytes(4).toString('hex')}`;
  const objects = { group: GROUP, version: VERSION, plural: PLURAL, namespace };

  beforeAll(async () => {
    info = env!;
    kc = await kubeConfig(info);
    core = kc.makeApiClient(k8s!.CoreV1Api);
    custom = kc.makeApiClient(k8s!.CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const ext = kc.makeApiClient(k8s!.ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: crd });
    await eventually('the CRD to be Established', async () => {
      const got = await ext.readCustomResourceDefinition({ name: crd.metadata!.name! });
      const established = got.status?.conditions?.find((c) => c.type === 'Established');
      return established?.status === 'True' ? got : undefined;
    });
  });

  afterAll(async () => {
    // Namespaces never finish terminating without a controller manager; the env is thrown away.
    await kc
      ?.makeApiClient(k8s!.ApiextensionsV1Api)
      .deleteCustomResourceDefinition({ name: crd.metadata!.name! });
  });

  it('authenticates the admin client certificate (system:masters)', async () => {
    expect(process.env.CLUSTERMINT_TEST_KUBECONFIG).toBe(info.kubeconfig);
    const review = await kc.makeApiClient(k8s!.AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(ADMIN_USER);
    expect(review.status?.userInfo?.groups).toContain('system:masters');
  });

  it('enforces RBAC on an unauthenticated client', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${info.server}/api/v1/namespaces`, { ca: readFileSync(info.caFile) }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    // Anonymous requests are system:anonymous, whom RBAC allows no namespace listing.
    expect(status).toBe(403);
  });

  it('creates, gets and lists custom objects, and validates them against the CRD schema', async () => {
    const created = await custom.createNamespacedCustomObject({ ...objects, body: widget('alpha', 3) });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const got = await custom.getNamespacedCustomObject({ ...objects, name: 'alpha' });
    expect(got.spec).toEqual({ size: 3 });
    expect(got.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const list = await custom.listNamespacedCustomObject(objects);
    expect(list.items.map((o: any) => o.metadata.name)).toContain('alpha');
    // minimum: 1 and the required field come from the schema above.
    expect(await statusOf(custom.createNamespacedCustomObject({ ...objects, body: widget('bad', 0) }))).toBe(
      422,
    );
    const missing = { ...widget('bad', 1), spec: { color: 'red' } };
    expect(await statusOf(custom.createNamespacedCustomObject({ ...objects, body: missing }))).toBe(422);
  });

  it('watches custom objects from a resource version', async () => {
    const list = await custom.listNamespacedCustomObject(objects);
    const events: { type: string; name: string; size: number }[] = [];
    const watch = await new k8s!.Watch(kc).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj) => events.push({ type, name: obj.metadata.name, size: obj.spec.size }),
      () => {},
    );
    try {
      await custom.createNamespacedCustomObject({ ...objects, body: widget('watched', 1) });
      await custom.patchNamespacedCustomObject({
        ...objects,
        name: 'watched',
        body: [{ op: 'replace', path: '/spec/size', value: 2 }],
      });
      await custom.deleteNamespacedCustomObject({ ...objects, name: 'watched' });
      await eventually('three watch events', async () => (events.length >= 3 ? true : undefined));
      expect(events).toEqual([
        { type: 'ADDED', name: 'watched', size: 1 },
        { type: 'MODIFIED', name: 'watched', size: 2 },
        { type: 'DELETED', name: 'watched', size: 2 },
      ]);
    } finally {
      watch.abort();
    }
  });

  it('rejects an update from a stale resourceVersion with 409 Conflict', async () => {
    const v1 = await custom.createNamespacedCustomObject({ ...objects, body: widget('contended', 1) });
    const first = { ...v1, spec: { size: 2 } };
    const v2 = await custom.replaceNamespacedCustomObject({ ...objects, name: 'contended', body: first });
    expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
    // A second writer still holding v1 loses.
    const stale = { ...v1, spec: { size: 5 } };
    expect(
      await statusOf(custom.replaceNamespacedCustomObject({ ...objects, name: 'contended', body: stale })),
    ).toBe(409);
    const now = await custom.getNamespacedCustomObject({ ...objects, name: 'contended' });
    expect(now.spec.size).toBe(2);
  });

  it('creates and renews a Lease (coordination.k8s.io)', async () => {
    const leases = kc.makeApiClient(k8s!.CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: 'clustermint-controller' },
        spec: {
          holderIdentity: 'replica-a',
          leaseDurationSeconds: 15,
          acquireTime: new k8s!.V1MicroTime(),
          renewTime: new k8s!.V1MicroTime(),
        },
      },
    });
    expect(lease.spec?.holderIdentity).toBe('replica-a');
    const renewed = await leases.replaceNamespacedLease({
      name: 'clustermint-controller',
      namespace,
      body: { ...lease, spec: { ...lease.spec, renewTime: new k8s!.V1MicroTime() } },
    });
    expect(renewed.metadata?.resourceVersion).not.toBe(lease.metadata?.resourceVersion);
    // A contender that read the lease before the renewal cannot take it over.
    const takeover = { ...lease, spec: { ...lease.spec, holderIdentity: 'replica-b' } };
    expect(
      await statusOf(
        leases.replaceNamespacedLease({ name: 'clustermint-controller', namespace, body: takeover }),
      ),
    ).toBe(409);
  });

  it('runs a server-side dry-run without persisting the object', async () => {
    const body = { metadata: { name: 'dry' }, data: { k: 'v' } };
    const dry = await core.createNamespacedConfigMap({ namespace, body, dryRun: 'All' });
    expect(dry.metadata?.uid).toBeTruthy(); // defaulted by the server as for a real create
    expect(dry.data).toEqual({ k: 'v' });
    expect(await statusOf(core.readNamespacedConfigMap({ name: 'dry', namespace }))).toBe(404);
    // Dry-run goes through validation and admission too.
    const invalid = { metadata: { name: 'Not_A_Name' } };
    expect(await statusOf(core.createNamespacedConfigMap({ namespace, body: invalid, dryRun: 'All' }))).toBe(
      422,
    );
  });

  it('calls a validating admission webhook served on loopback', async () => {
    const certs = webhookCertificates();
    const reviews: string[] = [];
    const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const review = JSON.parse(body);
        const obj = review.request.object;
        reviews.push(`${review.request.operation} ${obj.metadata.name}`);
        const allowed = obj.spec?.color !== 'red';
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: {
              uid: review.request.uid,
              allowed,
              ...(allowed ? {} : { status: { code: 403, message: 'red widgets are not allowed' } }),
            },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const admission = kc.makeApiClient(k8s!.AdmissionregistrationV1Api);
    const name = `deny-red-${namespace}`;
    try {
      await admission.createValidatingWebhookConfiguration({
        body: {
          metadata: { name },
          webhooks: [
            {
              name: `deny-red.${GROUP}`,
              clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: certs.caBundle },
              rules: [
                {
                  apiGroups: [GROUP],
                  apiVersions: [VERSION],
                  operations: ['CREATE'],
                  resources: [PLURAL],
                  scope: 'Namespaced',
                },
              ],
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
              admissionReviewVersions: ['v1'],
              sideEffects: 'None',
              failurePolicy: 'Fail',
              timeoutSeconds: 5,
            },
          ],
        },
      });
      const red = (n: string) => ({ ...widget(n, 1), spec: { size: 1, color: 'red' } });
      // The server picks up a new webhook configuration asynchronously: retry (dry-run) until it applies.
      const denied = await eventually('the webhook to deny', async () => {
        try {
          await custom.createNamespacedCustomObject({ ...objects, body: red('probe'), dryRun: 'All' });
          return undefined;
        } catch (e) {
          return e instanceof k8s!.ApiException ? e : undefined;
        }
      });
      expect(denied.code).toBe(403);
      expect(JSON.stringify(denied.body)).toContain('red widgets are not allowed');
      await custom.createNamespacedCustomObject({ ...objects, body: widget('plain', 1) });
      expect(reviews).toContain('CREATE plain');
    } finally {
      await admission.deleteValidatingWebhookConfiguration({ name }).catch(() => {});
      server.close();
    }
  });
});
