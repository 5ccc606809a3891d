/**
 * The webhook in tenancy mode (docs/tenancy.md): k0rdent's admission rules on ClusterDeployments
 * from the snapshot's ClusterTemplates, Credentials and ServiceTemplates, no catalog fallback
 * outside the system namespace, and the admission of Credentials and AccessManagements. Pure:
 * admit() on snapshots built here, with the built-in charts.
 */
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import type { KubeStore } from '../../src/store/kube/store.js';
import { admit } from '../../src/webhook/admit.js';
import { createLogger } from '../../src/webhook/log.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import type {
  ClusterTemplateObject,
  CredentialObject,
  ServiceTemplateObject,
  Snapshot,
} from '../../src/webhook/snapshot.js';
import { resolveTemplate } from '../../src/webhook/snapshot.js';
import { loadDirectories, loadTenancy } from '../../src/webhook/sources.js';
import { admitAccessManagement, admitCredential } from '../../src/webhook/tenancy-objects.js';
import { patchOf } from './helpers.js';

const SYS = 'clustermint-system';
const SIM = 'simulated-standalone-cp';

let base: Snapshot;
beforeAll(() => {
  base = { ...loadDirectories([], []), namespaceLabels: new Map() };
});

const template = (namespace: string, name: string, extra: Partial<ClusterTemplateObject> = {}) =>
  [`${namespace}/${name}`, { namespace, name, chart: name, valid: true, ...extra }] as const;
const credential = (namespace: string, name: string, extra: Partial<CredentialObject> = {}) =>
  [
    `${namespace}/${name}`,
    { namespace, name, ready: true, identityKind: 'SimulatedClusterIdentity', revoked: false, ...extra },
  ] as const;
const service = (namespace: string, name: string, extra: Partial<ServiceTemplateObject> = {}) =>
  [`${namespace}/${name}`, { namespace, name, valid: true, revoked: false, ...extra }] as const;

/** A tenancy-mode snapshot: team-a was given the simulated template and sim-cred; team-b its own. */
function tenancy(over: Partial<Snapshot> = {}): Snapshot {
  return {
    ...base,
    clusterTemplates: new Map([template(SYS, SIM), template('team-a', SIM), template('team-b', SIM)]),
    credentials: new Map([
      credential(SYS, 'sim-cred'),
      credential('team-a', 'sim-cred'),
      credential('team-b', 'b-cred'),
    ]),
    serviceTemplates: new Map([
      service(SYS, 'ingress-1'),
      service('team-a', 'ingress-1'),
      service('team-b', 'b-svc'),
    ]),
    providerInterfaces: [],
    accessManagements: ['kcm'],
    ...over,
  };
}

const deployment = (namespace: string, spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  apiVersion: 'clustermint.io/v1alpha1',
  kind: 'ClusterDeployment',
  metadata: { name: 'prod', namespace },
  spec: { template: SIM, config: { workersNumber: 1 }, ...spec },
  ...(status ? { status } : {}),
});

function review(
  kind: string,
  object: Record<string, any> | undefined,
  opts: { operation?: string; oldObject?: Record<string, any>; resource?: string } = {},
) {
  return parseAdmissionReview(
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u',
        kind: { group: 'clustermint.io', version: 'v1alpha1', kind },
        resource: { group: 'clustermint.io', version: 'v1alpha1', resource: opts.resource ?? 'x' },
        name: (object ?? opts.oldObject)?.metadata?.name,
        namespace: (object ?? opts.oldObject)?.metadata?.namespace,
        operation: opts.operation ?? 'CREATE',
        userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: [] },
        object,
        oldObject: opts.oldObject,
      },
    }),
  );
}

const validate = (snap: Snapshot, object: Record<string, any>, oldObject?: Record<string, any>) =>
  admit(
    review('ClusterDeployment', object, oldObject ? { operation: 'UPDATE', oldObject } : {}),
    snap,
    'validate',
  );

describe('ClusterDeployments in tenancy mode', () => {
  it("admits team A's deployment with its own template and Credential", () => {
    const r = validate(tenancy(), deployment('team-a', { credential: 'sim-cred' }));
    expect(r.status?.message).toBeUndefined();
    expect(r.allowed).toBe(true);
  });

  it("denies team B's Credential, naming the rule", () => {
    const r = validate(tenancy(), deployment('team-a', { credential: 'b-cred' }));
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toContain(
      '[admission/credential-exists] $.spec.credential: Credential team-a/b-cred not found',
    );
  });

  it('requires a Credential outside the system namespace', () => {
    const r = validate(tenancy(), deployment('team-a', {}));
    expect(r.status?.message).toContain('[admission/credential-required]');
    // the system namespace: no Credential needed, the catalog serves
    const sys = validate(tenancy(), deployment(SYS, {}));
    expect(sys.status?.message).toBeUndefined();
  });

  it('the catalog is no fallback in a team namespace: a catalog-only template is refused once', () => {
    const snap = tenancy({ clusterTemplates: new Map([template('team-b', 'aws-standalone-cp')]) });
    const r = validate(snap, deployment('team-a', { template: 'aws-standalone-cp', credential: 'sim-cred' }));
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toContain(
      '[admission/template-access] $.spec.template: ClusterTemplate aws-standalone-cp is not available in namespace team-a',
    );
    expect(r.status?.message).not.toContain('[resolve]');
    expect(() => resolveTemplate(snap, 'aws-standalone-cp', 'team-a')).toThrow(
      'ClusterTemplate aws-standalone-cp not found in namespace team-a; the platform distributes templates through AccessManagement',
    );
    // the mutating pass adds no chart defaults from a template the namespace may not use
    const m = admit(
      review(
        'ClusterDeployment',
        deployment('team-a', { template: 'aws-standalone-cp', credential: 'sim-cred' }),
      ),
      snap,
      'mutate',
    );
    expect(patchOf(m)).toEqual([]);
    // open mode (no AccessManagement): the catalog serves every namespace
    const open = validate(
      { ...snap, accessManagements: [] },
      deployment('team-a', { template: 'aws-standalone-cp', config: undefined }),
    );
    expect(open.status?.message ?? '').not.toContain('[admission/');
  });

  it("a template of team B's namespace only is not found in team A's", () => {
    const snap = tenancy({ clusterTemplates: new Map([template('team-b', 'b-only', { chart: SIM })]) });
    const r = validate(snap, deployment('team-a', { template: 'b-only', credential: 'sim-cred' }));
    expect(r.status?.message).toContain(
      '[admission/template-exists] $.spec.template: ClusterTemplate b-only not found in namespace team-a; the platform distributes templates through AccessManagement',
    );
  });

  it('a Credential that is not Ready, or of a kind the provider does not accept, is refused', () => {
    const notReady = tenancy({
      credentials: new Map([
        credential('team-a', 'sim-cred', { ready: false, message: 'SimulatedClusterIdentity sim not found' }),
      ]),
    });
    expect(validate(notReady, deployment('team-a', { credential: 'sim-cred' })).status?.message).toContain(
      '[admission/credential-ready] $.spec.credential: the Credential team-a/sim-cred is not Ready: SimulatedClusterIdentity sim not found',
    );
    const wrongKind = tenancy({
      credentials: new Map([credential('team-a', 'sim-cred', { identityKind: 'AWSClusterStaticIdentity' })]),
    });
    expect(validate(wrongKind, deployment('team-a', { credential: 'sim-cred' })).status?.message).toContain(
      'provider infrastructure-simulated does not support ClusterIdentity Kind AWSClusterStaticIdentity from the Credential team-a/sim-cred',
    );
  });

  it('revocation: a running deployment keeps its template (a warning), a new one is refused', () => {
    const snap = tenancy({
      clusterTemplates: new Map([template('team-a', SIM, { revoked: true })]),
      credentials: new Map([credential('team-a', 'sim-cred', { revoked: true })]),
    });
    const old = deployment('team-a', { credential: 'sim-cred' });
    const scaled = validate(
      snap,
      deployment('team-a', { credential: 'sim-cred', config: { workersNumber: 2 } }),
      old,
    );
    expect(scaled.allowed).toBe(true);
    expect(scaled.warnings?.join('\n')).toContain(
      `access to ClusterTemplate ${SIM} was revoked from namespace team-a`,
    );
    const fresh = validate(snap, deployment('team-a', { credential: 'sim-cred' }));
    expect(fresh.allowed).toBe(false);
    expect(fresh.status?.message).toContain('[admission/template-access]');
    expect(fresh.status?.message).toContain('[admission/credential-access]');
  });

  it('a template change outside status.availableUpgrades is the template-upgrade rule', () => {
    const snap = tenancy({
      clusterTemplates: new Map([template('team-a', SIM), template('team-a', 'sim-2', { chart: SIM })]),
    });
    const old = deployment('team-a', { credential: 'sim-cred' }, { availableUpgrades: [] });
    const r = validate(snap, deployment('team-a', { template: 'sim-2', credential: 'sim-cred' }), old);
    expect(r.status?.message).toContain(
      `[admission/template-upgrade] $.spec.template: cluster upgrade is forbidden: cannot upgrade from ${SIM} to sim-2`,
    );
  });

  it("services: team B's ServiceTemplate is not found in team A; a dependency cycle is refused", () => {
    const r = validate(
      tenancy(),
      deployment('team-a', {
        credential: 'sim-cred',
        serviceSpec: {
          services: [
            { name: 'a', namespace: 'x', template: 'b-svc' },
            { name: 'b', namespace: 'x', template: 'ingress-1', dependsOn: [{ name: 'c', namespace: 'x' }] },
            { name: 'c', namespace: 'x', template: 'ingress-1', dependsOn: [{ name: 'b', namespace: 'x' }] },
          ],
        },
      }),
    );
    expect(r.status?.message).toContain('[admission/service-template-valid]');
    expect(r.status?.message).toContain('ServiceTemplate team-a/b-svc not found');
    expect(r.status?.message).toContain('[admission/service-dependencies]');
  });
});

describe("services' ServiceTemplateChains (service-template-chain)", () => {
  const STC = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ServiceTemplateChain' } as const;
  const quiet = createLogger('error', new Writable({ write: (_c, _e, cb) => cb() }));
  const withService = (namespace: string) =>
    deployment(namespace, {
      ...(namespace === SYS ? {} : { credential: 'sim-cred' }),
      serviceSpec: { services: [{ name: 'web', template: 'ingress-1', templateChain: 'ingress-chain' }] },
    });

  it('are read from the cluster and judged as the namespace sees them', async () => {
    // the cluster: the embedded store behind the same Store interface the API server's has
    const store = openSqliteStore(':memory:');
    try {
      const chain = (namespace: string, templates: string[], labels: Record<string, string> = {}) =>
        store.create({
          ...STC,
          metadata: { name: 'ingress-chain', namespace, labels },
          spec: { supportedTemplates: templates.map((name) => ({ name })) },
        });
      await chain(SYS, ['ingress-1']);
      await chain('team-b', ['ingress-2']);
      const cluster = async () => loadTenancy(store as unknown as KubeStore, quiet);
      const read = await cluster();
      expect(read.serviceChains?.get(`${SYS}/ingress-chain`)).toEqual({
        namespace: SYS,
        name: 'ingress-chain',
        valid: true,
        templates: ['ingress-1'],
        revoked: false,
      });

      // tenancy mode: the system namespace's chain is no fallback for team A
      const denied = validate(tenancy({ serviceChains: read.serviceChains }), withService('team-a'));
      expect(denied.allowed).toBe(false);
      expect(denied.status?.message).toContain(
        '[admission/service-template-chain] $.spec.serviceSpec.services[0].templateChain: ServiceTemplateChain team-a/ingress-chain not found',
      );
      // ... it is in the system namespace itself, and in open mode for every namespace
      expect(validate(tenancy({ serviceChains: read.serviceChains }), withService(SYS)).allowed).toBe(true);
      const open = tenancy({ serviceChains: read.serviceChains, accessManagements: [] });
      expect(validate(open, withService('team-a')).status?.message).toBeUndefined();
      // team B's chain does not support the template
      const b = validate(tenancy({ serviceChains: read.serviceChains }), {
        ...withService('team-b'),
        spec: { ...withService('team-b').spec, credential: 'b-cred' },
      });
      expect(b.status?.message).toContain(
        'the ServiceTemplateChain team-b/ingress-chain does not support ServiceTemplate ingress-1',
      );

      // team A's revoked copy: refused on create
      await chain('team-a', ['ingress-1'], { 'clustermint.io/access-revoked': 'true' });
      const revoked = validate(
        tenancy({ serviceChains: (await cluster()).serviceChains }),
        withService('team-a'),
      );
      expect(revoked.status?.message).toContain(
        '[admission/service-template-chain] $.spec.serviceSpec.services[0].templateChain: access to ServiceTemplateChain ingress-chain was revoked from namespace team-a',
      );
    } finally {
      store.close();
    }
  });

  it('a cluster that serves no ServiceTemplateChains: not judged in open mode, refused in tenancy mode', () => {
    const open = validate(tenancy({ accessManagements: [] }), withService('team-a'));
    expect(open.allowed).toBe(true);
    expect(open.warnings?.join('\n')).toContain('not judged: the platform has no ServiceTemplateChains yet');
    expect(validate(tenancy(), withService('team-a')).status?.message).toContain(
      'ServiceTemplateChain team-a/ingress-chain not found',
    );
  });
});

describe('the copies and the defaults', () => {
  const chain = (labels: Record<string, string>) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'ClusterTemplateChain',
    metadata: { name: 'chain-b', namespace: 'team-b', labels },
    spec: { supportedTemplates: [{ name: 'sim-b' }] },
  });

  it("a distributed chain is not refused for templates the webhook has not seen yet; a team's own is", () => {
    const own = admit(review('ClusterTemplateChain', chain({})), tenancy(), 'validate');
    expect(own.status?.message).toContain('spec.supportedTemplates[0].name: Not found: "sim-b"');
    const copy = admit(
      review('ClusterTemplateChain', chain({ 'clustermint.io/managed': 'true' })),
      tenancy(),
      'validate',
    );
    expect(copy.allowed).toBe(true);
  });

  it('with a Credential, the chart default of clusterIdentity is not pinned (the controller writes it)', () => {
    const paths = (spec: Record<string, unknown>) =>
      patchOf(
        admit(
          review('ClusterDeployment', deployment('team-a', { config: {}, ...spec })),
          tenancy(),
          'mutate',
        ),
      ).map((op: { path: string }) => op.path);
    const without = paths({});
    const withCred = paths({ credential: 'sim-cred' });
    expect(without).toContain('/spec/config/clusterIdentity');
    expect(withCred).not.toContain('/spec/config/clusterIdentity');
    expect(withCred).toContain('/spec/config/controlPlaneNumber');
  });
});

describe('Credentials and AccessManagements', () => {
  const cred = (spec: Record<string, unknown>) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'Credential',
    metadata: { name: 'c', namespace: 'team-a' },
    spec,
  });
  const ref = { kind: 'SimulatedClusterIdentity', name: 'sim' };

  it('requires identityRef', () => {
    const r = admitCredential(review('Credential', cred({})), cred({}));
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toContain('$.spec.identityRef: identityRef is required');
    expect(
      admitCredential(review('Credential', cred({ identityRef: ref })), cred({ identityRef: ref })).allowed,
    ).toBe(true);
  });

  it('keeps the region', () => {
    const before = cred({ identityRef: ref, region: 'eu-1' });
    const after = cred({ identityRef: ref, region: 'us-1' });
    const r = admitCredential(review('Credential', after, { operation: 'UPDATE', oldObject: before }), after);
    expect(r.status?.message).toContain('$.spec.region: Region is immutable');
    const same = cred({ identityRef: ref, region: 'eu-1', description: 'new words' });
    expect(
      admitCredential(review('Credential', same, { operation: 'UPDATE', oldObject: before }), same).allowed,
    ).toBe(true);
  });

  it('is dispatched by admit() for the clustermint group, validating only', () => {
    const bad = cred({});
    expect(admit(review('Credential', bad), base, 'validate').allowed).toBe(false);
    expect(admit(review('Credential', bad), base, 'mutate').allowed).toBe(true);
  });

  const am = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'clustermint.io/v1alpha1',
    kind: 'AccessManagement',
    metadata: { name },
    spec,
  });

  it('denies a second AccessManagement, naming the one in force', () => {
    const o = am('second', { accessRules: [] });
    const r = admitAccessManagement(review('AccessManagement', o), o, ['kcm']);
    expect(r.status?.message).toContain('only one AccessManagement may exist: kcm exists');
    // an update of the one that exists is no second one
    expect(
      admitAccessManagement(
        review('AccessManagement', am('kcm', {}), { operation: 'UPDATE', oldObject: am('kcm', {}) }),
        am('kcm', {}),
        ['kcm'],
      ).allowed,
    ).toBe(true);
    expect(admitAccessManagement(review('AccessManagement', o), o, []).allowed).toBe(true);
  });

  it('denies a kind it cannot distribute and a bad selector, with their paths', () => {
    const o = am('kcm', {
      accessRules: [
        {
          targetNamespaces: { stringSelector: 'team in (a' },
          resources: [{ kind: 'Secret', names: ['x'] }],
        },
      ],
    });
    const r = admitAccessManagement(review('AccessManagement', o), o, []);
    expect(r.allowed).toBe(false);
    expect(r.status?.message).toMatch(
      /\$\.spec\.accessRules\[0\]\.targetNamespaces\.stringSelector: invalid label selector/,
    );
    expect(r.status?.message).toContain(
      '$.spec.accessRules[0].resources[0].kind: kind "Secret" cannot be distributed',
    );
  });
});
