/**
 * Tenancy on the embedded controller (SQLite store, simulated cloud, ManualClock): Credentials'
 * readiness, AccessManagement's copies and their revocation, k0rdent's admission rules in the
 * deployment pass, dryRun, the identity reaching the SimulatedCluster, and history expiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialReconciler } from '../../src/controller/credentials.js';
import { getIfExists } from '../../src/store/errors.js';
import { modify } from '../../src/store/modify.js';
import type { KubeObject, NewObject, ObjectRef, Store } from '../../src/store/types.js';
import { Harness } from './harness.js';

const SYS = 'clustermint-system';
const CRED = { apiVersion: 'clustermint.io/v1alpha1', kind: 'Credential' } as const;
const AM = { apiVersion: 'clustermint.io/v1alpha1', kind: 'AccessManagement' } as const;
const CT = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterTemplate' } as const;
const ST = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplate' } as const;
const STC = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplateChain' } as const;
const SIMID = {
  apiVersion: 'infrastructure.clustermint.io/v1alpha1',
  kind: 'SimulatedClusterIdentity',
} as const;
const NS = { apiVersion: 'v1', kind: 'Namespace' } as const;
const HIST = { apiVersion: 'clustermint.io/v1alpha1', kind: 'DeploymentHistory' } as const;
const SMALL = { controlPlaneNumber: 1, workersNumber: 1, bootDelay: '1s' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const create = (o: NewObject) => h!.store.create(o);
const get = (type: { apiVersion: string; kind: string }, namespace: string | undefined, name: string) =>
  getIfExists(h!.store, { ...type, ...(namespace ? { namespace } : {}), name });

async function patch(ref: ObjectRef, f: (o: KubeObject) => KubeObject): Promise<void> {
  await modify(h!.store, ref, f);
}

function credentialCondition(o: KubeObject | undefined) {
  const status = (o?.status ?? {}) as {
    ready?: boolean;
    conditions?: { type: string; reason: string; message: string }[];
  };
  return { ready: status.ready, ...status.conditions?.find((c) => c.type === 'CredentialReady') };
}

const credential = (namespace: string, name: string, identity: string, kind = 'SimulatedClusterIdentity') =>
  create({ ...CRED, metadata: { name, namespace }, spec: { identityRef: { kind, name: identity } } });

const identity = (name: string, allowedNamespaces?: Record<string, unknown>) =>
  create({ ...SIMID, metadata: { name }, spec: allowedNamespaces ? { allowedNamespaces } : {} });

describe('Credential readiness', () => {
  it('is Ready once its identity exists; in tenancy mode only an identity that admits its namespace', async () => {
    h = new Harness();
    await credential('team-a', 'c1', 'sim-1');
    await h.until(
      async () => credentialCondition(await get(CRED, 'team-a', 'c1')).reason === 'IdentityNotFound',
    );
    expect(credentialCondition(await get(CRED, 'team-a', 'c1'))).toMatchObject({
      ready: false,
      message: 'ClusterIdentity SimulatedClusterIdentity sim-1 not found',
    });

    await identity('sim-1', { list: ['team-b'] });
    await h.until(async () => credentialCondition(await get(CRED, 'team-a', 'c1')).ready === true);
    expect(credentialCondition(await get(CRED, 'team-a', 'c1')).reason).toBe('IdentityFound');

    // tenancy mode: the identity must admit the Credential's namespace
    await create({ ...AM, metadata: { name: 'kcm' }, spec: {} });
    await h.until(
      async () => credentialCondition(await get(CRED, 'team-a', 'c1')).reason === 'IdentityOutOfScope',
    );
    expect(credentialCondition(await get(CRED, 'team-a', 'c1')).message).toContain(
      'SimulatedClusterIdentity sim-1 does not admit namespace team-a',
    );
    await create({ ...NS, metadata: { name: 'team-a', labels: { team: 'a' } } });
    await patch({ ...SIMID, name: 'sim-1' }, (o) => ({
      ...o,
      spec: { allowedNamespaces: { selector: { matchLabels: { team: 'a' } } } },
    }));
    await h.until(async () => credentialCondition(await get(CRED, 'team-a', 'c1')).ready === true);

    // a Secret of another namespace is out of scope; one of its own is not
    await create({
      ...CRED,
      metadata: { name: 'c2', namespace: 'team-a' },
      spec: { identityRef: { kind: 'Secret', name: 'key', namespace: 'team-b' } },
    });
    await create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'key', namespace: 'team-b' },
      data: {},
    });
    await h.until(
      async () => credentialCondition(await get(CRED, 'team-a', 'c2')).reason === 'IdentityOutOfScope',
    );
  });

  it('says which grant the controller lacks when it may not read the identity (403)', async () => {
    h = new Harness();
    await credential('team-a', 'c1', 'sim-1');
    const real = h.store;
    const forbidding = {
      get: (ref: ObjectRef) =>
        ref.kind === 'SimulatedClusterIdentity'
          ? Promise.reject(Object.assign(new Error('forbidden'), { code: 403 }))
          : real.get(ref),
      list: real.list.bind(real),
      updateStatus: real.updateStatus.bind(real),
    } as unknown as Store;
    await new CredentialReconciler({ store: forbidding, clock: h.clock }).reconcile('credential:team-a/c1');
    expect(credentialCondition(await get(CRED, 'team-a', 'c1'))).toMatchObject({
      ready: false,
      reason: 'IdentityNotFound',
      message:
        'the controller may not read SimulatedClusterIdentity sim-1: grant its ServiceAccount get on simulatedclusteridentities.infrastructure.clustermint.io',
    });
  });
});

/** The platform's setup: two team namespaces, an identity for team-a, the system namespace's objects. */
async function platform(): Promise<void> {
  await create({ ...NS, metadata: { name: 'team-a', labels: { team: 'a' } } });
  await create({ ...NS, metadata: { name: 'team-b', labels: { team: 'b' } } });
  await identity('sim-1', { list: ['team-a', 'team-b'] });
  await credential(SYS, 'sim-cred', 'sim-1');
  await create({
    ...ST,
    metadata: { name: 'unused-st', namespace: SYS, labels: { tier: 'addons' } },
    spec: { helm: { chartSpec: { chart: 'nginx', version: '1.0.0' } } },
  });
}

const grantTeamA = {
  accessRules: [
    {
      targetNamespaces: { list: ['team-a'] },
      credentials: ['sim-cred'],
      resources: [
        { kind: 'ClusterTemplate', names: ['simulated-standalone-cp'] },
        { kind: 'ServiceTemplate', names: ['unused-st'] },
      ],
    },
  ],
};

const amStatus = async (name = 'kcm') =>
  ((await get(AM, undefined, name))?.status ?? {}) as {
    distributed?: number;
    error?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };

describe('AccessManagement', () => {
  it('distributes copies, a deployment uses them with its identity, revocation keeps it running', async () => {
    h = new Harness();
    await platform();
    await create({ ...AM, metadata: { name: 'kcm' }, spec: grantTeamA });
    await h.until(async () => (await amStatus()).distributed === 3);
    expect((await amStatus()).conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      message: '3 object(s) distributed to 1 namespace(s)',
    });
    const ct = await get(CT, 'team-a', 'simulated-standalone-cp');
    expect(ct?.metadata.labels).toMatchObject({ 'clustermint.io/managed': 'true' });
    expect(ct?.metadata.annotations).toMatchObject({
      'clustermint.io/distributed-from': `${SYS}/simulated-standalone-cp`,
    });
    // a catalog template: a copy naming the catalog's chart and version
    expect(ct?.spec).toEqual({
      helm: { chartSpec: { chart: 'simulated-standalone-cp', version: expect.any(String) } },
    });
    expect((await get(CRED, 'team-a', 'sim-cred'))?.spec).toEqual({
      identityRef: { kind: 'SimulatedClusterIdentity', name: 'sim-1' },
    });
    expect((await get(ST, 'team-a', 'unused-st'))?.metadata.labels).toMatchObject({
      tier: 'addons',
      'clustermint.io/managed': 'true',
    });
    expect(await get(CRED, 'team-b', 'sim-cred')).toBeUndefined();

    // team-a deploys with the copies; the Credential's identity reaches the SimulatedCluster
    await h.apply('prod', { template: 'simulated-standalone-cp', credential: 'sim-cred', config: SMALL });
    await h.untilReady('prod', 'team-a', 600_000);
    expect(await h.condition('prod', 'CredentialReady')).toMatchObject({
      status: 'True',
      reason: 'IdentityFound',
    });
    const sim = (await h.cd('prod')).status?.applied?.objects.find((o) => o.kind === 'SimulatedCluster') as
      | { spec: { identityRef?: unknown } }
      | undefined;
    expect(sim?.spec.identityRef).toEqual({
      kind: 'SimulatedClusterIdentity',
      name: 'sim-1',
      namespace: 'team-a',
    });
    expect((await h.cd('prod')).status?.applied?.credential).toBe('sim-cred');

    // team-b has neither the template nor a Credential: refused, nothing made
    await h.apply(
      'intruder',
      { template: 'simulated-standalone-cp', config: SMALL },
      { namespace: 'team-b' },
    );
    await h.until(async () => (await h!.condition('intruder', 'Admitted', 'team-b'))?.status === 'False');
    const refused = await h.condition('intruder', 'Admitted', 'team-b');
    expect(refused?.message).toContain(
      '[admission/template-exists] ClusterTemplate simulated-standalone-cp not found in namespace team-b; the platform distributes templates through AccessManagement',
    );
    expect(refused?.message).toContain('[admission/credential-required]');
    expect(await h.condition('intruder', 'Ready', 'team-b')).toMatchObject({
      status: 'False',
      reason: 'AdmissionDenied',
    });
    expect(await h.machines('team-b')).toHaveLength(0);

    // the grant moves to team-b: team-a's copies in use are labelled revoked, the unused one goes
    await patch({ ...AM, name: 'kcm' }, (o) => ({
      ...o,
      spec: { accessRules: [{ targetNamespaces: { list: ['team-b'] }, credentials: ['sim-cred'] }] },
    }));
    await h.until(async () => (await h!.condition('prod', 'AccessRevoked'))?.status === 'True');
    expect((await h.condition('prod', 'AccessRevoked'))?.message).toContain(
      'access to ClusterTemplate simulated-standalone-cp and Credential sim-cred was revoked from namespace team-a',
    );
    expect(await get(ST, 'team-a', 'unused-st')).toBeUndefined();
    expect((await get(CT, 'team-a', 'simulated-standalone-cp'))?.metadata.labels).toMatchObject({
      'clustermint.io/access-revoked': 'true',
    });
    expect((await get(CRED, 'team-a', 'sim-cred'))?.metadata.labels).toMatchObject({
      'clustermint.io/access-revoked': 'true',
    });
    expect(await get(CRED, 'team-b', 'sim-cred')).toBeDefined();
    await h.runFor(30_000);
    expect(await h.condition('prod', 'Ready')).toMatchObject({ status: 'True' });
    expect(await h.machines('team-a')).toHaveLength(2);

    // a new deployment may not use the revoked copies
    await h.apply('new', { template: 'simulated-standalone-cp', credential: 'sim-cred', config: SMALL });
    await h.until(async () => (await h!.condition('new', 'Admitted'))?.status === 'False');
    const denied = (await h.condition('new', 'Admitted'))?.message ?? '';
    expect(denied).toContain(
      '[admission/template-access] access to ClusterTemplate simulated-standalone-cp was revoked from namespace team-a',
    );
    expect(denied).toContain(
      '[admission/credential-access] access to Credential sim-cred was revoked from namespace team-a',
    );

    // granted again: the labels and the condition go
    await patch({ ...AM, name: 'kcm' }, (o) => ({ ...o, spec: grantTeamA }));
    await h.until(async () => (await h!.condition('prod', 'AccessRevoked')) === undefined);
    expect(
      (await get(CT, 'team-a', 'simulated-standalone-cp'))?.metadata.labels?.[
        'clustermint.io/access-revoked'
      ],
    ).toBeUndefined();
  });

  it('a ClusterTemplate copy carries its origin status; a second AccessManagement is not in force', async () => {
    h = new Harness();
    await platform();
    await create({
      ...CT,
      metadata: { name: 'sim-platform', namespace: SYS },
      spec: { helm: { chartSpec: { chart: 'simulated-standalone-cp' } } },
    });
    await create({
      ...AM,
      metadata: { name: 'kcm' },
      spec: {
        accessRules: [
          {
            targetNamespaces: { selector: { matchLabels: { team: 'a' } } },
            resources: [{ kind: 'ClusterTemplate', names: ['sim-platform', 'missing'] }],
          },
        ],
      },
    });
    await h.until(async () => {
      const copy = await get(CT, 'team-a', 'sim-platform');
      return (copy?.status as { valid?: boolean } | undefined)?.valid === true;
    });
    const origin = await get(CT, SYS, 'sim-platform');
    const copy = await get(CT, 'team-a', 'sim-platform');
    expect(copy?.status).toEqual({
      ...(origin?.status as object),
      observedGeneration: copy?.metadata.generation,
    });
    const st = await amStatus();
    expect(st.error).toBe(`accessRules[0]: ClusterTemplate missing does not exist in namespace ${SYS}`);
    expect(st.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidRules',
    });

    h.clock.set(h.clock.now() + 5_000);
    await create({ ...AM, metadata: { name: 'second' }, spec: grantTeamA });
    await h.until(async () => (await amStatus('second')).error !== undefined);
    expect((await amStatus('second')).error).toBe('only one AccessManagement may exist; kcm is in force');
    expect(await get(CRED, 'team-a', 'sim-cred')).toBeUndefined();
  });
});

describe('admission rules in the deployment pass', () => {
  const cases: Array<{
    rule: string;
    setup?: () => Promise<void>;
    spec: Record<string, unknown>;
    says: string;
  }> = [
    {
      rule: 'template-exists',
      spec: { template: 'nope' },
      says: 'ClusterTemplate nope not found in namespace team-a',
    },
    {
      rule: 'template-valid',
      setup: async () => {
        await create({
          ...CT,
          metadata: { name: 'broken', namespace: 'team-a' },
          spec: { helm: { chartSpec: { chart: 'no-such-chart' } } },
        });
      },
      spec: { template: 'broken' },
      says: 'the ClusterTemplate team-a/broken is invalid with the error: ',
    },
    {
      rule: 'credential-required',
      setup: async () => {
        await create({ ...AM, metadata: { name: 'kcm' }, spec: {} });
      },
      spec: { template: 'simulated-standalone-cp' },
      says: 'a Credential is required in namespace team-a',
    },
    {
      rule: 'credential-exists',
      // the platform uses Credentials (with none at all, an unknown name is not judged: a warning)
      setup: async () => {
        await credential('team-a', 'another', 'absent');
      },
      spec: { template: 'simulated-standalone-cp', credential: 'ghost' },
      says: 'Credential team-a/ghost not found',
    },
    {
      rule: 'credential-ready',
      setup: async () => {
        await credential('team-a', 'c1', 'absent');
      },
      spec: { template: 'simulated-standalone-cp', credential: 'c1' },
      says: 'the Credential team-a/c1 is not Ready',
    },
    {
      rule: 'credential-provider',
      setup: async () => {
        await create({
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
          kind: 'AzureClusterIdentity',
          metadata: { name: 'az', namespace: 'team-a' },
          spec: {},
        });
        await credential('team-a', 'azure', 'az', 'AzureClusterIdentity');
      },
      spec: { template: 'simulated-standalone-cp', credential: 'azure' },
      says: 'provider infrastructure-simulated does not support ClusterIdentity Kind AzureClusterIdentity from the Credential team-a/azure',
    },
    {
      rule: 'service-template-valid',
      setup: async () => {
        await create({
          ...ST,
          metadata: { name: 'st', namespace: 'team-a' },
          spec: { helm: { chartSpec: { chart: 'x' } } },
        });
      },
      spec: {
        template: 'simulated-standalone-cp',
        serviceSpec: { services: [{ name: 'web', template: 'nope' }] },
      },
      says: 'nope',
    },
    {
      rule: 'service-template-chain',
      setup: async () => {
        await create({
          ...ST,
          metadata: { name: 'st', namespace: 'team-a' },
          spec: { helm: { chartSpec: { chart: 'x' } } },
        });
        // the platform uses chains (with none at all, an unknown name is not judged: a warning)
        await create({
          ...STC,
          metadata: { name: 'other-chain', namespace: 'team-a' },
          spec: { supportedTemplates: [{ name: 'st' }] },
        });
      },
      spec: {
        template: 'simulated-standalone-cp',
        serviceSpec: { services: [{ name: 'web', template: 'st', templateChain: 'no-chain' }] },
      },
      says: 'ServiceTemplateChain team-a/no-chain not found',
    },
    {
      rule: 'service-dependencies',
      setup: async () => {
        await create({
          ...ST,
          metadata: { name: 'st', namespace: 'team-a' },
          spec: { helm: { chartSpec: { chart: 'x' } } },
        });
      },
      spec: {
        template: 'simulated-standalone-cp',
        serviceSpec: { services: [{ name: 'web', template: 'st', dependsOn: [{ name: 'db' }] }] },
      },
      says: 'dependency default/db of service default/web is not defined as a service',
    },
    {
      rule: 'service-k8s-compatibility',
      setup: async () => {
        await create({
          ...ST,
          metadata: { name: 'new-only', namespace: 'team-a' },
          spec: { k8sConstraint: '>=1.40.0', helm: { chartSpec: { chart: 'x' } } },
        });
      },
      spec: {
        template: 'simulated-standalone-cp',
        serviceSpec: { services: [{ name: 'web', template: 'new-only' }] },
      },
      says: '>=1.40.0',
    },
  ];
  it.each(cases)('$rule: refused, the rule named in the condition, nothing made', async (c) => {
    h = new Harness();
    await c.setup?.();
    await h.apply('cd', { ...c.spec, config: SMALL });
    await h.until(async () => (await h!.condition('cd', 'Admitted'))?.status === 'False', 120_000);
    const admitted = await h.condition('cd', 'Admitted');
    expect(admitted?.message).toContain(`[admission/${c.rule}]`);
    expect(admitted?.message).toContain(c.says);
    expect(await h.condition('cd', 'Ready')).toMatchObject({ status: 'False', reason: 'AdmissionDenied' });
    expect((await h.cd('cd')).status?.applied).toBeUndefined();
    expect(await h.machines()).toHaveLength(0);
  });

  it("a service's ServiceTemplateChain that comes to support its template lets the deployment through", async () => {
    h = new Harness();
    await create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'team-a' },
      data: { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hello}\ndata: {a: b}\n' },
    } as NewObject);
    for (const name of ['web-1', 'web-2'])
      await create({
        ...ST,
        metadata: { name, namespace: 'team-a' },
        spec: { resources: { localSourceRef: { kind: 'ConfigMap', name: 'web' } } },
      });
    await create({
      ...STC,
      metadata: { name: 'web-chain', namespace: 'team-a' },
      spec: { supportedTemplates: [{ name: 'web-1', availableUpgrades: [] }] },
    });
    await h.apply('cd', {
      template: 'simulated-standalone-cp',
      config: SMALL,
      serviceSpec: { services: [{ name: 'web', template: 'web-2', templateChain: 'web-chain' }] },
    });
    await h.until(async () => (await h!.condition('cd', 'Admitted'))?.status === 'False', 120_000);
    expect((await h.condition('cd', 'Admitted'))?.message).toContain(
      '[admission/service-template-chain] the ServiceTemplateChain team-a/web-chain does not support ServiceTemplate web-2',
    );
    // everything settled (the templates judged): only the chain's change can re-judge the deployment
    await h.until(async () =>
      (await h!.store.list(ST, { namespace: 'team-a' })).items.every(
        (t) => (t.status as { valid?: boolean } | undefined)?.valid === true,
      ),
    );
    await h.runFor(1_000);
    await patch({ ...STC, namespace: 'team-a', name: 'web-chain' }, (o) => ({
      ...o,
      spec: {
        supportedTemplates: [{ name: 'web-1', availableUpgrades: [{ name: 'web-2' }] }, { name: 'web-2' }],
      },
    }));
    // the chain's watch re-judges the namespace's deployments at once (no resync needed)
    await h.until(async () => (await h!.condition('cd', 'Admitted'))?.status === 'True', 1_000);
  });

  it('a Credential that becomes Ready lets the refused deployment through', async () => {
    h = new Harness();
    await credential('team-a', 'c1', 'sim-1');
    await h.apply('cd', { template: 'simulated-standalone-cp', credential: 'c1', config: SMALL });
    await h.until(async () => (await h!.condition('cd', 'CredentialReady'))?.reason === 'IdentityNotFound');
    expect(await h.condition('cd', 'Admitted')).toMatchObject({ status: 'False' });
    await identity('sim-1', { list: ['team-a'] });
    await h.untilReady('cd', 'team-a', 600_000);
    expect(await h.condition('cd', 'CredentialReady')).toMatchObject({ status: 'True' });
  });
});

describe('dryRun', () => {
  it('judges without provisioning; removing it provisions', async () => {
    h = new Harness();
    await h.apply('dry', { template: 'simulated-standalone-cp', dryRun: true, config: SMALL });
    await h.until(async () => (await h!.condition('dry', 'Provisioned'))?.reason === 'DryRun');
    await h.runFor(20_000);
    expect(await h.condition('dry', 'Provisioned')).toMatchObject({
      status: 'False',
      message: 'DryRun mode is enabled. Remove spec.dryRun to proceed',
    });
    expect(await h.condition('dry', 'Admitted')).toMatchObject({ status: 'True' });
    expect(await h.condition('dry', 'Ready')).toMatchObject({ status: 'False', reason: 'DryRun' });
    expect((await h.cd('dry')).status?.applied).toBeUndefined();
    expect(await h.machines()).toHaveLength(0);
    expect(await h.cloud.getCluster('team-a/dry')).toBeUndefined();

    await h.apply('dry', { template: 'simulated-standalone-cp', config: SMALL });
    await h.untilReady('dry', 'team-a', 600_000);
    expect(await h.condition('dry', 'Provisioned')).toBeUndefined();
  });
});

describe('the simulated provider checks the identity', () => {
  it('refuses a cluster whose identity is missing or does not admit its namespace', async () => {
    h = new Harness();
    await h.apply('ghost', {
      template: 'simulated-standalone-cp',
      config: { ...SMALL, clusterIdentity: { name: 'ghost' } },
    });
    await h.until(
      async () => (await h!.condition('ghost', 'InfrastructureReady'))?.reason === 'IdentityNotFound',
    );
    expect((await h.condition('ghost', 'InfrastructureReady'))?.message).toContain(
      'SimulatedClusterIdentity ghost does not exist; the simulated cloud makes no cluster without its identity',
    );
    expect(await h.condition('ghost', 'Ready')).toMatchObject({ status: 'False', reason: 'ProviderError' });
    expect(await h.cloud.getCluster('team-a/ghost')).toBeUndefined();

    await identity('ghost', { list: ['team-b'] });
    await h.until(
      async () => (await h!.condition('ghost', 'InfrastructureReady'))?.reason === 'IdentityNotAllowed',
      120_000,
    );
    await patch({ ...SIMID, name: 'ghost' }, (o) => ({ ...o, spec: { allowedNamespaces: {} } }));
    await h.untilReady('ghost', 'team-a', 600_000);
  });
});

describe('DeploymentHistory', () => {
  it('gets deletedAt and expiresAt when its deployment is gone, and is deleted after the retention', async () => {
    const hour = 3_600_000;
    h = new Harness({ controller: { historyRetentionMs: hour } });
    await create({
      ...HIST,
      metadata: { name: 'gone', namespace: 'team-a' },
      spec: { deployment: 'gone', entries: [] },
    });
    await create({
      ...HIST,
      metadata: { name: 'kept', namespace: 'team-a' },
      spec: { deployment: 'kept', entries: [] },
    });
    await h.apply('gone', { template: 'simulated-standalone-cp', config: SMALL });
    await h.untilReady('gone', 'team-a', 600_000);
    await h.store.delete({ ...h.cdRef('gone') });
    await h.until(async () => (await get(h!.cdType, 'team-a', 'gone')) === undefined, 600_000);
    const spec = (await get(HIST, 'team-a', 'gone'))?.spec as { deletedAt?: string; expiresAt?: string };
    expect(Date.parse(spec.expiresAt!) - Date.parse(spec.deletedAt!)).toBe(hour);
    await h.runFor(hour - 60_000);
    expect(await get(HIST, 'team-a', 'gone')).toBeDefined();
    await h.runFor(2 * 60_000);
    expect(await get(HIST, 'team-a', 'gone')).toBeUndefined();
    expect(await get(HIST, 'team-a', 'kept')).toBeDefined();
  });
});
