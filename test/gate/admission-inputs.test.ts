/**
 * gate/admission-inputs.ts: the admission facts check / apply / plan gather from the input
 * documents and the embedded state, judged as the controller judges them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClusterDeployment, readClusterDeployment } from '../../src/api/cluster-deployment.js';
import { deploymentAdmission } from '../../src/domain/admission.js';
import { AdmissionInputs } from '../../src/gate/admission-inputs.js';
import { TemplateCatalog } from '../../src/resolve/catalog.js';
import { sourcedDocuments } from '../../src/resolve/documents.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { NewObject } from '../../src/store/types.js';
import { ClustermintError } from '../../src/util/errors.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';
import { tmpTree } from '../helpers/tmp.js';

const catalog = new TemplateCatalog();
const resolve = (name: string) => catalog.resolve(name);

function docs(text: string) {
  return sourcedDocuments([{ file: 'in.yaml', docs: parseYamlSource(text, 'in.yaml') }]);
}

function deployment(o: { ns?: string; template?: string; credential?: string; services?: string } = {}) {
  const text = `apiVersion: clustermint.io/v1alpha1
kind: ClusterDeployment
metadata: {name: dev, namespace: ${o.ns ?? 'team-a'}}
spec:
  template: ${o.template ?? 'simulated-standalone-cp'}
${o.credential ? `  credential: ${o.credential}\n` : ''}${o.services ? `  serviceSpec:\n    services:\n${o.services}` : ''}`;
  return readClusterDeployment('cd.yaml', parseYamlSource(text, 'cd.yaml')[0]) as ClusterDeployment;
}

const identity = (name: string, allowed: string) => `apiVersion: infrastructure.clustermint.io/v1alpha1
kind: SimulatedClusterIdentity
metadata: {name: ${name}}
spec:
  allowedNamespaces: {list: [${allowed}]}
`;
const credential = (name: string, ns: string, id: string, labels = '') => `apiVersion: clustermint.io/v1alpha1
kind: Credential
metadata: {name: ${name}, namespace: ${ns}${labels ? `, labels: {${labels}}` : ''}}
spec:
  identityRef: {kind: SimulatedClusterIdentity, name: ${id}}
`;
const AM = `apiVersion: clustermint.io/v1alpha1
kind: AccessManagement
metadata: {name: kcm}
spec:
  accessRules:
    - targetNamespaces: {list: [team-a]}
      credentials: [cred-a]
      resources:
        - {kind: ClusterTemplate, names: [simulated-standalone-cp]}
`;
const noLabels = async () => undefined;
const empty = new Map();

async function withStore<T>(
  objects: NewObject[],
  run: (s: ReturnType<typeof openSqliteStore>) => Promise<T>,
) {
  const store = openSqliteStore(join(tmpTree({}), 'state.db'));
  try {
    for (const o of objects) {
      const created = await store.create(o);
      if ('status' in o) await store.updateStatus({ ...created, status: (o as { status: unknown }).status });
    }
    return await run(store);
  } finally {
    await store.close();
  }
}

describe('open mode (no AccessManagement)', () => {
  it("a catalog template is every namespace's; an unknown Credential is not judged (a warning) while the platform has none", async () => {
    const inputs = await AdmissionInputs.gather({
      documents: [],
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    expect(inputs.tenancy).toBe(false);
    const cd = deployment({ credential: 'nowhere' });
    const f = await inputs.facts(cd, empty);
    expect(f).toMatchObject({ namespace: 'team-a', tenancy: false, operation: 'create' });
    expect(f.template).toMatchObject({ object: false, valid: true, revoked: false });
    expect(f.template?.providers).toContain('infrastructure-simulated');
    expect(f.credential).toBeUndefined();
    expect(f.noneKnown).toEqual({ credentials: true, serviceTemplates: true, serviceTemplateChains: true });
    expect(deploymentAdmission(f)).toEqual([
      expect.objectContaining({
        rule: 'credential-exists',
        severity: 'warning',
        message: expect.stringContaining('Credential team-a/nowhere not found; not judged'),
      }),
    ]);
    expect(
      (await inputs.facts(deployment({ template: 'no-such-template' }), empty)).template,
    ).toBeUndefined();
  });

  it('a Credential among the files is judged by its identity as the controller would', async () => {
    const documents = docs(
      [
        identity('sim-a', 'team-a'),
        credential('ok', 'team-a', 'sim-a'),
        credential('lost', 'team-a', 'gone'),
      ].join('---\n'),
    );
    const inputs = await AdmissionInputs.gather({ documents, namespaceLabels: noLabels, catalog: resolve });
    expect((await inputs.facts(deployment({ credential: 'ok' }), empty)).credential).toEqual({
      ready: true,
      identityKind: 'SimulatedClusterIdentity',
      revoked: false,
    });
    expect((await inputs.facts(deployment({ credential: 'lost' }), empty)).credential).toMatchObject({
      ready: false,
      reason: 'ClusterIdentity SimulatedClusterIdentity gone not found',
    });
    // known Credentials: one absent from the namespace is absent (credential-exists), not unverified
    const absent = deployment({ credential: 'other' });
    const facts = await inputs.facts(absent, empty);
    expect(facts.credential).toBeUndefined();
    expect(facts.noneKnown?.credentials).toBe(false);
  });

  it("ServiceTemplates: the namespace's, else the system namespace's", async () => {
    const st = (ns: string, constraint: string) => `apiVersion: clustermint.io/v1alpha1
kind: ServiceTemplate
metadata: {name: web, namespace: ${ns}}
spec:
  k8sConstraint: "${constraint}"
  resources: {localSourceRef: {kind: ConfigMap, name: web}}
`;
    const inputs = await AdmissionInputs.gather({
      documents: docs(st('clustermint-system', '>=1.30.0')),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    const f = await inputs.facts(deployment({ services: '      - {name: web, template: web}\n' }), empty);
    expect(f.serviceTemplates.get('web')).toEqual({ valid: true, k8sConstraint: '>=1.30.0', revoked: false });
    expect(f.spec.services).toEqual([{ name: 'web', namespace: 'default', template: 'web', dependsOn: [] }]);
  });

  it('a document of a tenancy kind its reader refuses is a located error', async () => {
    const bad = `apiVersion: clustermint.io/v1alpha1\nkind: Credential\nmetadata: {name: x, namespace: team-a}\nspec:\n  region: eu\n`;
    const run = AdmissionInputs.gather({ documents: docs(bad), namespaceLabels: noLabels, catalog: resolve });
    await expect(run).rejects.toThrow(ClustermintError);
    await expect(run).rejects.toMatchObject({
      location: { file: 'in.yaml', path: '$.spec.identityRef', line: 5 },
    });
  });

  it('ProviderInterfaces in the files become facts', async () => {
    const pi = `apiVersion: clustermint.io/v1alpha1
kind: ProviderInterface
metadata: {name: my-cloud, labels: {cluster.x-k8s.io/provider: infrastructure-mycloud}}
spec:
  clusterIdentities: [{group: infrastructure.example.com, version: v1, kind: MyCloudIdentity}]
`;
    const inputs = await AdmissionInputs.gather({
      documents: docs(pi),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    expect((await inputs.facts(deployment(), empty)).providerInterfaces).toEqual([
      { provider: 'infrastructure-mycloud', kinds: ['MyCloudIdentity'] },
    ]);
  });
});

describe('ServiceTemplateChains', () => {
  const chain = (ns: string, supported: string, status = '') => `apiVersion: clustermint.io/v1alpha1
kind: ServiceTemplateChain
metadata: {name: web-chain, namespace: ${ns}}
spec:
  supportedTemplates: [${supported}]
${status ? `status: ${status}\n` : ''}`;
  const services = '      - {name: web, template: web-1, templateChain: web-chain}\n';
  const chainRule = (f: Awaited<ReturnType<AdmissionInputs['facts']>>) =>
    deploymentAdmission(f)
      .filter((x) => x.rule === 'service-template-chain')
      .map((x) => `${x.severity} ${x.message}`);

  it("open mode: the namespace's, else the system namespace's; a document by its spec, a stored one by its status", async () => {
    const none = await AdmissionInputs.gather({
      documents: docs(''),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    const unknown = await none.facts(deployment({ services }), empty);
    expect(unknown.noneKnown?.serviceTemplateChains).toBe(true);
    expect(chainRule(unknown)).toEqual([
      'warning ServiceTemplateChain team-a/web-chain not found; not judged: the platform has no ServiceTemplateChains yet (open mode)',
    ]);

    // a status written in a file is nobody's verdict: the spec is judged
    const documents = docs(chain('clustermint-system', '{name: web-1}, {name: web-2}', '{valid: false}'));
    const inputs = await AdmissionInputs.gather({ documents, namespaceLabels: noLabels, catalog: resolve });
    const f = await inputs.facts(deployment({ services }), empty);
    expect(f.noneKnown?.serviceTemplateChains).toBe(false);
    expect(f.serviceChains.get('web-chain')).toEqual({
      valid: true,
      templates: ['web-1', 'web-2'],
      revoked: false,
    });
    expect(chainRule(f)).toEqual([]);
    const bad = await AdmissionInputs.gather({
      documents: docs(chain('team-a', '{name: web-2, availableUpgrades: [{name: web-3}]}')),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    expect(chainRule(await bad.facts(deployment({ services }), empty))).toEqual([
      'error the ServiceTemplateChain team-a/web-chain is invalid with the error: upgrade target "web-3" of "web-2" is not a supported template of the chain',
    ]);

    // the namespace's own (stored, with the status someone wrote) wins over the system namespace's
    const stored: NewObject = {
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'ServiceTemplateChain',
      metadata: { name: 'web-chain', namespace: 'team-a' },
      spec: { supportedTemplates: [{ name: 'web-2' }] },
      status: { valid: false, validationError: 'ServiceTemplate web-2 not found' },
    } as NewObject;
    await withStore([stored], async (store) => {
      const both = await AdmissionInputs.gather({
        documents,
        store,
        namespaceLabels: noLabels,
        catalog: resolve,
      });
      expect(chainRule(await both.facts(deployment({ services }), empty))).toEqual([
        'error the ServiceTemplateChain team-a/web-chain is invalid with the error: ServiceTemplate web-2 not found',
      ]);
    });
  });

  it('tenancy mode: a chain the rules distribute counts as there; the system namespace is no fallback', async () => {
    const am = `apiVersion: clustermint.io/v1alpha1
kind: AccessManagement
metadata: {name: kcm}
spec:
  accessRules:
    - targetNamespaces: {list: [team-a]}
      serviceTemplateChains: [web-chain]
`;
    const inputs = await AdmissionInputs.gather({
      documents: docs([am, chain('clustermint-system', '{name: web-1}')].join('---\n')),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    const a = await inputs.facts(deployment({ services }), empty);
    expect(a.serviceChains.get('web-chain')).toEqual({ valid: true, templates: ['web-1'], revoked: false });
    expect(chainRule(a)).toEqual([]);
    const b = await inputs.facts(deployment({ ns: 'team-b', services }), empty);
    expect(b.serviceChains.size).toBe(0);
    expect(chainRule(b)).toEqual(['error ServiceTemplateChain team-b/web-chain not found']);
  });
});

describe('tenancy mode (an AccessManagement)', () => {
  it('what the rules will distribute counts as there; the catalog is no fallback in a team namespace', async () => {
    const documents = docs(
      [AM, identity('sim-a', 'clustermint-system'), credential('cred-a', 'clustermint-system', 'sim-a')].join(
        '---\n',
      ),
    );
    const inputs = await AdmissionInputs.gather({ documents, namespaceLabels: noLabels, catalog: resolve });
    expect(inputs.tenancy).toBe(true);
    // the copy of cred-a is trusted although the identity's allowedNamespaces leave team-a out
    const f = await inputs.facts(deployment({ credential: 'cred-a' }), empty);
    expect(f.credential).toEqual({ ready: true, identityKind: 'SimulatedClusterIdentity', revoked: false });
    expect(inputs.pendingTemplateCopies().map((c) => `${c.namespace}/${c.name}`)).toEqual([
      'team-a/simulated-standalone-cp',
    ]);
    expect(f.template).toMatchObject({ object: true, revoked: false });
    // team-b was given nothing: the catalog chart is not its template
    const b = await inputs.facts(deployment({ ns: 'team-b', credential: 'cred-a' }), empty);
    expect(b.template).toBeUndefined();
    expect(b.credential).toBeUndefined();
    // a Credential team-b writes itself, on an identity that does not admit it: out of scope
    const own = await AdmissionInputs.gather({
      documents: docs([AM, identity('sim-a', 'team-a'), credential('mine', 'team-b', 'sim-a')].join('---\n')),
      namespaceLabels: noLabels,
      catalog: resolve,
    });
    expect(
      (await own.facts(deployment({ ns: 'team-b', credential: 'mine' }), empty)).credential,
    ).toMatchObject({
      ready: false,
      reason: expect.stringContaining('does not admit namespace team-b'),
    });
  });

  it('a stored copy the rules no longer want is revoked; a stored deployment makes it an update', async () => {
    const copy = (name: string): NewObject => ({
      apiVersion: 'clustermint.io/v1alpha1',
      kind: 'Credential',
      metadata: {
        name,
        namespace: 'team-a',
        labels: { 'clustermint.io/managed': 'true' },
        annotations: { 'clustermint.io/distributed-from': `clustermint-system/${name}` },
      },
      spec: { identityRef: { kind: 'SimulatedClusterIdentity', name: 'sim-a' } },
    });
    const objects: NewObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      {
        apiVersion: 'infrastructure.clustermint.io/v1alpha1',
        kind: 'SimulatedClusterIdentity',
        metadata: { name: 'sim-a' },
        spec: { allowedNamespaces: { list: ['clustermint-system'] } },
      },
      ...['cred-a', 'cred-old'].map((n) => ({
        ...copy(n),
        metadata: { name: n, namespace: 'clustermint-system' },
      })),
      copy('cred-a'),
      copy('cred-old'),
      {
        apiVersion: 'clustermint.io/v1alpha1',
        kind: 'ClusterDeployment',
        metadata: { name: 'dev', namespace: 'team-a' },
        spec: { template: 'simulated-standalone-cp', credential: 'cred-old' },
        status: { availableUpgrades: ['simulated-standalone-cp-2'] },
      } as NewObject,
    ];
    await withStore(objects, async (store) => {
      const inputs = await AdmissionInputs.gather({
        documents: docs(AM),
        store,
        namespaceLabels: noLabels,
        catalog: resolve,
      });
      const f = await inputs.facts(deployment({ credential: 'cred-old' }), empty);
      expect(f.operation).toBe('update');
      expect(f.old).toEqual({
        template: 'simulated-standalone-cp',
        credential: 'cred-old',
        availableUpgrades: ['simulated-standalone-cp-2'],
      });
      // not wanted any more: revoked, and (no longer a verified copy) out of its identity's scope
      expect(f.credential).toMatchObject({ revoked: true, ready: false });
      const kept = await inputs.facts(deployment({ credential: 'cred-a' }), empty);
      expect(kept.credential).toEqual({
        ready: true,
        identityKind: 'SimulatedClusterIdentity',
        revoked: false,
      });
    });
  });
});
