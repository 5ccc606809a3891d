// `clustermint webhook` behind a real kube-apiserver (test/testenv): the shipped webhook
// configurations (deploy/webhook/) pointed at the server on loopback, objects created and
// updated through the API, the denials and defaults the API server hands back.
// Requests go through the Kubernetes store (src/store/kube), the client the webhook reads the
// cluster with.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import jsyaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyExists, isNotFound, StoreError } from '../../src/store/errors.js';
import { loadKubeconfig } from '../../src/store/kube/config.js';
import { KubeApiError } from '../../src/store/kube/errors.js';
import { KubeStore } from '../../src/store/kube/store.js';
import type { KubeObject, NewObject } from '../../src/store/types.js';
import { createLogger } from '../../src/webhook/log.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { Sources, warmUp } from '../../src/webhook/sources.js';
import { openCrd as crd } from '../helpers/crds.js';
import { ADMIN_USER } from '../testenv/cluster.js';
import { kubeTestenv, webhookCertificates } from '../testenv/index.js';
import { doc, ROOT } from '../webhook/helpers.js';

const env = await kubeTestenv('webhook round trips');

const run = randomBytes(3).toString('hex');
const TEAM = 'team-a'; // policies/team-a.yaml binds this namespace
const OTHER = `team-w-${run}`;
const LABEL = 'clustermint.io/webhook-test';

const CRDS = [
  crd('clustermint.io', 'v1alpha1', 'ClusterDeployment', 'clusterdeployments'),
  crd('clustermint.io', 'v1alpha1', 'ClusterTemplate', 'clustertemplates'),
  crd('clustermint.io', 'v1alpha1', 'ClusterTemplateChain', 'clustertemplatechains'),
  crd('cluster.x-k8s.io', 'v1beta2', 'Cluster', 'clusters'),
  crd('cluster.x-k8s.io', 'v1beta2', 'ClusterClass', 'clusterclasses'),
  crd('json.kyverno.io', 'v1alpha1', 'ValidatingPolicy', 'validatingpolicies', 'Cluster'),
];

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The API error a call fails with (a webhook denial keeps the apiserver's 403 Forbidden). */
async function failure(call: Promise<unknown>): Promise<KubeApiError | StoreError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof KubeApiError || e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('the call succeeded');
}

const CD_PATH = (ns: string) => `/apis/clustermint.io/v1alpha1/namespaces/${ns}/clusterdeployments`;
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const CD_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

describe.skipIf(!env)('clustermint webhook through kube-apiserver', () => {
  let kube: KubeStore;
  let server: WebhookServer;
  let sources: Sources;
  const logs: string[] = [];
  /** A server-side dry-run create: admitted (or denied) by the webhooks, never stored. */
  const dryRunCreate = (ns: string, o: object) =>
    kube.http.request({ method: 'POST', path: CD_PATH(ns), query: { dryRun: 'All' }, body: o });

  beforeAll(async () => {
    kube = new KubeStore(await loadKubeconfig(env!.kubeconfig));
    // created, not applied: other files may have installed the full CRDs on this server
    for (const c of CRDS)
      await kube.create(c as NewObject).catch((e) => {
        if (!isAlreadyExists(e)) throw e;
      });
    for (const c of CRDS)
      await eventually(`CRD ${c.metadata.name}`, async () => {
        const got = await kube.get({ ...CRD, name: c.metadata.name });
        const conds = (got.status as any)?.conditions ?? [];
        return conds.some((x: any) => x.type === 'Established' && x.status === 'True') ? true : undefined;
      });
    for (const ns of [TEAM, OTHER])
      await kube
        .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LABEL]: run } } })
        .catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });

    const certs = webhookCertificates();
    const log = createLogger(
      'info',
      new Writable({
        write: (c, _e, cb) => {
          logs.push(String(c));
          cb();
        },
      }),
    );
    // policies from the folder, and from the cluster through the kubeconfig
    sources = await Sources.start(
      {
        policies: [join(ROOT, 'policies')],
        templates: [],
        kube: new KubeStore(await loadKubeconfig(env!.kubeconfig)),
        clusterRefreshMs: 200,
      },
      log,
    );
    warmUp(sources.snapshot(), log);
    server = await startWebhookServer({
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      port: 0,
      host: '127.0.0.1',
      snapshot: () => sources.snapshot(),
      log,
    });

    // the shipped configurations, pointed at this server and bound to this run's namespaces
    const shipped = jsyaml.loadAll(
      readFileSync(join(ROOT, 'deploy/webhook/webhook-configurations.yaml'), 'utf8'),
    ) as any[];
    for (const config of shipped) {
      config.metadata = { name: `clustermint-${run}` };
      for (const w of config.webhooks) {
        w.clientConfig = {
          url: `https://127.0.0.1:${server.port}${w.clientConfig.service.path}`,
          caBundle: certs.caBundle,
        };
        w.namespaceSelector = { matchLabels: { [LABEL]: run } };
      }
      await kube.create(config);
    }
    // the API server picks configurations up asynchronously: wait until a denial comes back
    const denied = doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment');
    await eventually('the webhook to be called', async () => {
      try {
        await dryRunCreate(TEAM, { ...denied, metadata: { name: 'probe', namespace: TEAM } });
        return undefined;
      } catch (e) {
        return e instanceof KubeApiError && e.code === 403 ? true : undefined;
      }
    });
  }, 120_000);

  afterAll(async () => {
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
      await kube
        ?.delete({ apiVersion: 'admissionregistration.k8s.io/v1', kind, name: `clustermint-${run}` })
        .catch(() => {});
    await server?.close();
    sources?.stop();
    await kube?.close();
  });

  it('admits an allowed ClusterDeployment and stores it with the chart defaults', async () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    const created = await kube.create(cd as NewObject);
    const config = (created.spec as any).config;
    const defaults = jsyaml.load(
      readFileSync(join(ROOT, 'templates/aws-standalone-cp/values.yaml'), 'utf8'),
    ) as any;
    expect(config.region).toBe('eu-central-1'); // the user's value stays
    expect(config.k0s).toEqual(defaults.k0s); // missing ones come from values.yaml
    expect(config.worker.rootVolumeSize).toBe(defaults.worker.rootVolumeSize);
    const got = await kube.get({ ...CD_TYPE, namespace: TEAM, name: cd.metadata.name });
    expect((got.spec as any).config.k0s.version).toBe(defaults.k0s.version);
  });

  it('rejects a denied ClusterDeployment with every violation in the message', async () => {
    const cd = doc('examples/gate/team-a-denied.yaml', 'ClusterDeployment');
    const e = await failure(kube.create(cd as NewObject));
    expect(e.code).toBe(403);
    const message = e.message;
    expect(message).toContain('admission webhook "gate.clustermint.io" denied the request');
    expect(message).toContain(
      `ClusterDeployment team-a/big-us (user ${ADMIN_USER}) denied by clustermint: 4 violations`,
    );
    for (const expected of [
      '[team-a-sizes/at-most-5-workers-3-control-planes] $.workersNumber: team-a may run at most 5 workers, not 8',
      '[team-a-aws/instance-types-t3]',
      'team-a may only use t3.* instances',
      '[team-a-aws/regions-eu] AWSCluster/big-us $.spec.region: team-a may only deploy to eu-* regions',
      '[own-credentials/credential-of-the-team] $.spec.credential',
    ])
      expect(message).toContain(expected);
    expect(isNotFound(await failure(kube.get({ ...CD_TYPE, namespace: TEAM, name: 'big-us' })))).toBe(true);
  });

  it('rejects an update to a template not in status.availableUpgrades, and allows a listed one', async () => {
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    cd.metadata.name = 'upgrading';
    let current: KubeObject = await kube.create(cd as NewObject);
    // the controller's part: what this deployment may move to
    current = await kube.updateStatus({
      ...current,
      status: { availableUpgrades: ['aws-hosted-cp-1-0-45'] },
    });
    const to = (template: string) => ({ ...current, spec: { ...(current.spec as any), template } });
    const e = await failure(kube.update(to('openstack-standalone-cp')));
    expect(e.code).toBe(403);
    expect(e.message).toContain(
      'spec.template: cluster upgrade is forbidden: cannot upgrade from aws-standalone-cp to openstack-standalone-cp',
    );
    expect(e.message).toContain('(available upgrades: aws-hosted-cp-1-0-45)');
    // a listed target passes the upgrade rule (the gate may still have its say on the values)
    const listed = await failure(kube.update(to('aws-hosted-cp-1-0-45'))).catch(() => undefined);
    if (listed) expect(listed.message).not.toContain('cluster upgrade is forbidden');
  });

  it('rejects a topology Cluster with a bad variable, naming the variable', async () => {
    const cluster = doc('examples/topology/cluster.yaml', 'Cluster');
    cluster.metadata.namespace = OTHER;
    cluster.spec.topology.variables.find((v: any) => v.name === 'zones').value = [];
    const e = await failure(kube.create(cluster as NewObject));
    expect(e.code).toBe(403);
    expect(e.message).toContain('spec.topology.variables[zones].value');
  });

  it('admits a topology Cluster with its variable defaults filled in', async () => {
    const cluster = doc('examples/topology/cluster.yaml', 'Cluster');
    cluster.metadata.namespace = OTHER;
    const created = await kube.create(cluster as NewObject);
    const vars = Object.fromEntries(
      ((created.spec as any).topology.variables as any[]).map((v) => [v.name, v.value]),
    );
    expect(vars).toMatchObject({
      region: 'local-1',
      instanceType: 'sim.large',
      bootDelay: '5s',
      bootFailureRate: 0,
    });
  });

  it('applies ValidatingPolicies read from the cluster', async () => {
    const policy = {
      apiVersion: 'json.kyverno.io/v1alpha1',
      kind: 'ValidatingPolicy',
      metadata: { name: `no-dev-names-${run}` },
      spec: {
        rules: [
          {
            name: 'no-dev',
            match: { all: [{ kind: 'ClusterDeployment' }] },
            assert: {
              all: [
                {
                  message: 'names may not start with dev-',
                  check: { metadata: { name: { "(starts_with(@, 'dev-'))": false } } },
                },
              ],
            },
          },
        ],
      },
    };
    await kube.create(policy);
    const cd = doc('examples/gate/team-a-allowed.yaml', 'ClusterDeployment');
    cd.metadata.name = 'dev-second';
    const e = await eventually('the cluster policy to apply', async () => {
      try {
        await dryRunCreate(TEAM, cd);
        return undefined;
      } catch (x) {
        return x instanceof KubeApiError ? x : undefined;
      }
    });
    expect(e.message).toContain(
      `[no-dev-names-${run}/no-dev] $.metadata.name: names may not start with dev-`,
    );
  });
});
