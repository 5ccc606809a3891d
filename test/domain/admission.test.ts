// k0rdent's ClusterDeployment admission rules (src/domain/admission.ts): each rule, its text, its
// path, and when an update turns an error into a warning.
import { describe, expect, it } from 'vitest';
import {
  type AdmissionFacts,
  type AdmissionFinding,
  deploymentAdmission,
  type ServiceChainFact,
  type ServiceTemplateFact,
} from '../../src/domain/admission.js';

const okTemplate = {
  object: true,
  valid: true,
  providers: ['bootstrap-k0sproject-k0smotron', 'infrastructure-aws'],
  k8sVersion: 'v1.33.4+k0s.0',
  revoked: false,
};
const okCredential = { ready: true, identityKind: 'AWSClusterStaticIdentity', revoked: false };

function facts(
  over: Partial<AdmissionFacts> = {},
  spec: Partial<AdmissionFacts['spec']> = {},
): AdmissionFacts {
  return {
    namespace: 'team-a',
    tenancy: true,
    operation: 'create',
    spec: { template: 'aws-1', credential: 'aws-cred', services: [], ...spec },
    template: okTemplate,
    credential: okCredential,
    serviceTemplates: new Map(),
    serviceChains: new Map(),
    providerInterfaces: [],
    ...over,
  };
}

const brief = (fs: AdmissionFinding[]) => fs.map((f) => `${f.severity} ${f.rule} ${f.path}: ${f.message}`);

describe('deploymentAdmission: a good deployment', () => {
  it('has no finding (tenancy mode, open mode, the system namespace)', () => {
    expect(deploymentAdmission(facts())).toEqual([]);
    expect(deploymentAdmission(facts({ tenancy: false }))).toEqual([]);
    expect(
      deploymentAdmission(facts({ namespace: 'clustermint-system' }, { credential: undefined })),
    ).toEqual([]);
  });
});

describe('deploymentAdmission: the template', () => {
  const cases: Array<[string, AdmissionFacts, string[]]> = [
    [
      'template-exists, tenancy mode',
      facts({ template: undefined }),
      [
        'error template-exists $.spec.template: ClusterTemplate aws-1 not found in namespace team-a; the platform distributes templates through AccessManagement',
      ],
    ],
    [
      'template-exists, open mode',
      facts({ tenancy: false, template: undefined }),
      ['error template-exists $.spec.template: ClusterTemplate aws-1 not found in namespace team-a'],
    ],
    [
      'template-valid',
      facts({ template: { ...okTemplate, valid: false, validationError: 'chart not found' } }),
      [
        'error template-valid $.spec.template: the ClusterTemplate team-a/aws-1 is invalid with the error: chart not found',
      ],
    ],
    [
      'template-access: catalog only in tenancy mode',
      facts({ template: { ...okTemplate, object: false } }),
      [
        'error template-access $.spec.template: ClusterTemplate aws-1 is not available in namespace team-a: the platform distributes templates through AccessManagement',
      ],
    ],
    [
      'template-access: catalog is fine in open mode',
      facts({ tenancy: false, template: { ...okTemplate, object: false } }),
      [],
    ],
    [
      'template-access: catalog is fine in the system namespace',
      facts({ namespace: 'clustermint-system', template: { ...okTemplate, object: false } }),
      [],
    ],
    [
      'template-access: revoked on create',
      facts({ template: { ...okTemplate, revoked: true } }),
      [
        'error template-access $.spec.template: access to ClusterTemplate aws-1 was revoked from namespace team-a',
      ],
    ],
    [
      'template-access: revoked, an update that keeps it is a warning',
      facts({
        operation: 'update',
        old: { template: 'aws-1', credential: 'aws-cred', availableUpgrades: [] },
        template: { ...okTemplate, revoked: true },
      }),
      [
        'warning template-access $.spec.template: access to ClusterTemplate aws-1 was revoked from namespace team-a',
      ],
    ],
    [
      'template-access: revoked, an update onto it is an error',
      facts({
        operation: 'update',
        old: { template: 'aws-0', credential: 'aws-cred', availableUpgrades: ['aws-1'] },
        template: { ...okTemplate, revoked: true },
      }),
      [
        'error template-access $.spec.template: access to ClusterTemplate aws-1 was revoked from namespace team-a',
      ],
    ],
    [
      'template-upgrade: not in availableUpgrades',
      facts({
        operation: 'update',
        old: { template: 'aws-0', credential: 'aws-cred', availableUpgrades: ['aws-2'] },
      }),
      [
        'error template-upgrade $.spec.template: cluster upgrade is forbidden: cannot upgrade from aws-0 to aws-1: this upgrade sequence is not allowed (available upgrades: aws-2)',
      ],
    ],
    [
      'template-upgrade: listed',
      facts({
        operation: 'update',
        old: { template: 'aws-0', credential: 'aws-cred', availableUpgrades: ['aws-1'] },
      }),
      [],
    ],
    [
      'template-valid on an update that keeps the template is a warning',
      facts({
        operation: 'update',
        old: { template: 'aws-1', credential: 'aws-cred', availableUpgrades: [] },
        template: { ...okTemplate, valid: false, validationError: 'x' },
      }),
      [
        'warning template-valid $.spec.template: the ClusterTemplate team-a/aws-1 is invalid with the error: x',
      ],
    ],
  ];
  it.each(cases)('%s', (_n, f, expected) => expect(brief(deploymentAdmission(f))).toEqual(expected));
});

describe('deploymentAdmission: the credential', () => {
  const cases: Array<[string, AdmissionFacts, string[]]> = [
    [
      'credential-required in tenancy mode',
      facts({ credential: undefined }, { credential: undefined }),
      [
        'error credential-required $.spec.credential: a Credential is required in namespace team-a: set spec.credential to one the platform gave this namespace',
      ],
    ],
    [
      'not required in open mode',
      facts({ tenancy: false, credential: undefined }, { credential: undefined }),
      [],
    ],
    [
      'credential-exists',
      facts({ credential: undefined }),
      ['error credential-exists $.spec.credential: Credential team-a/aws-cred not found'],
    ],
    [
      'credential-ready with the reason',
      facts({ credential: { ...okCredential, ready: false, reason: 'IdentityNotFound' } }),
      [
        'error credential-ready $.spec.credential: the Credential team-a/aws-cred is not Ready: IdentityNotFound',
      ],
    ],
    [
      'credential-ready without a reason',
      facts({ credential: { ...okCredential, ready: false } }),
      ['error credential-ready $.spec.credential: the Credential team-a/aws-cred is not Ready'],
    ],
    [
      'credential-access: revoked on create',
      facts({ credential: { ...okCredential, revoked: true } }),
      [
        'error credential-access $.spec.credential: access to Credential aws-cred was revoked from namespace team-a',
      ],
    ],
    [
      'credential-access: revoked, kept by an update',
      facts({
        operation: 'update',
        old: { template: 'aws-1', credential: 'aws-cred', availableUpgrades: [] },
        credential: { ...okCredential, revoked: true },
      }),
      [
        'warning credential-access $.spec.credential: access to Credential aws-cred was revoked from namespace team-a',
      ],
    ],
    [
      'credential-access: an update switching onto a revoked one',
      facts({
        operation: 'update',
        old: { template: 'aws-1', credential: 'other', availableUpgrades: [] },
        credential: { ...okCredential, revoked: true },
      }),
      [
        'error credential-access $.spec.credential: access to Credential aws-cred was revoked from namespace team-a',
      ],
    ],
    [
      'credential-provider: a kind the provider does not accept',
      facts({ credential: { ...okCredential, identityKind: 'AzureClusterIdentity' } }),
      [
        'error credential-provider $.spec.credential: provider infrastructure-aws does not support ClusterIdentity Kind AzureClusterIdentity from the Credential team-a/aws-cred',
      ],
    ],
    [
      'credential-provider: an unknown provider',
      facts({ template: { ...okTemplate, providers: ['infrastructure-nowhere'] } }),
      [
        'error credential-provider $.spec.credential: unsupported infrastructure provider infrastructure-nowhere',
      ],
    ],
    [
      'credential-provider: a ProviderInterface makes a provider known',
      facts({
        template: { ...okTemplate, providers: ['infrastructure-nowhere'] },
        providerInterfaces: [{ provider: 'infrastructure-nowhere', kinds: ['AWSClusterStaticIdentity'] }],
      }),
      [],
    ],
    [
      'credential-provider: infrastructure-internal takes a Secret only',
      facts({
        template: { ...okTemplate, providers: ['infrastructure-internal'] },
        providerInterfaces: [{ provider: 'infrastructure-internal', kinds: ['AWSClusterStaticIdentity'] }],
      }),
      [
        'error credential-provider $.spec.credential: provider infrastructure-internal does not support ClusterIdentity Kind AWSClusterStaticIdentity from the Credential team-a/aws-cred',
      ],
    ],
    [
      'credential-provider: no infrastructure provider, no finding',
      facts({ template: { ...okTemplate, providers: ['control-plane-k0sproject-k0smotron'] } }),
      [],
    ],
    [
      'open mode checks the credential named too',
      facts({ tenancy: false, credential: undefined }),
      ['error credential-exists $.spec.credential: Credential team-a/aws-cred not found'],
    ],
    [
      'revocation does not count in open mode',
      facts({
        tenancy: false,
        credential: { ...okCredential, revoked: true },
        template: { ...okTemplate, revoked: true },
      }),
      [],
    ],
  ];
  it.each(cases)('%s', (_n, f, expected) => expect(brief(deploymentAdmission(f))).toEqual(expected));
});

describe('deploymentAdmission: services', () => {
  const st = (over: Partial<ServiceTemplateFact> = {}): ServiceTemplateFact => ({
    valid: true,
    revoked: false,
    ...over,
  });
  const svc = (name: string, template: string, dependsOn: string[] = [], disable = false) => ({
    name,
    namespace: 'apps',
    template,
    disable,
    dependsOn: dependsOn.map((d) => ({ name: d, namespace: 'apps' })),
  });
  const cases: Array<[string, AdmissionFacts, string[]]> = [
    [
      'service-template-valid: missing',
      facts({}, { services: [svc('a', 'nginx-1')] }),
      [
        'error service-template-valid $.spec.serviceSpec.services[0].template: ServiceTemplate team-a/nginx-1 not found',
      ],
    ],
    [
      'service-template-valid: invalid',
      facts(
        { serviceTemplates: new Map([['nginx-1', st({ valid: false, validationError: 'no chart' })]]) },
        { services: [svc('a', 'nginx-1')] },
      ),
      [
        'error service-template-valid $.spec.serviceSpec.services[0].template: the ServiceTemplate team-a/nginx-1 is invalid with the error: no chart',
      ],
    ],
    [
      'service-template-valid: a disabled service is not checked',
      facts({}, { services: [svc('a', 'nginx-1', [], true)] }),
      [],
    ],
    [
      'service-template-valid: revoked on create',
      facts(
        { serviceTemplates: new Map([['nginx-1', st({ revoked: true })]]) },
        { services: [svc('a', 'nginx-1')] },
      ),
      [
        'error service-template-valid $.spec.serviceSpec.services[0].template: access to ServiceTemplate nginx-1 was revoked from namespace team-a',
      ],
    ],
    [
      'service-template-valid: revoked, on update a warning',
      facts(
        {
          operation: 'update',
          old: { template: 'aws-1', credential: 'aws-cred', availableUpgrades: [] },
          serviceTemplates: new Map([['nginx-1', st({ revoked: true })]]),
        },
        { services: [svc('a', 'nginx-1')] },
      ),
      [
        'warning service-template-valid $.spec.serviceSpec.services[0].template: access to ServiceTemplate nginx-1 was revoked from namespace team-a',
      ],
    ],
    [
      'service-dependencies: a dependency that is not a service',
      facts({ serviceTemplates: new Map([['t', st()]]) }, { services: [svc('a', 't', ['b'])] }),
      [
        'error service-dependencies $.spec.serviceSpec.services[0].dependsOn[0]: dependency apps/b of service apps/a is not defined as a service',
      ],
    ],
    [
      'service-dependencies: a cycle',
      facts(
        { serviceTemplates: new Map([['t', st()]]) },
        { services: [svc('a', 't', ['b']), svc('b', 't', ['c']), svc('c', 't', ['a'])] },
      ),
      [
        'error service-dependencies $.spec.serviceSpec.services: dependency cycle: apps/a -> apps/b -> apps/c -> apps/a',
      ],
    ],
    [
      'service-dependencies: a chain without a cycle',
      facts(
        { serviceTemplates: new Map([['t', st()]]) },
        { services: [svc('a', 't', ['b']), svc('b', 't')] },
      ),
      [],
    ],
    [
      'service-k8s-compatibility: not met',
      facts(
        { serviceTemplates: new Map([['t', st({ k8sConstraint: '>=1.34.0' })]]) },
        { services: [svc('a', 't')] },
      ),
      [
        'error service-k8s-compatibility $.spec.serviceSpec.services[0].template: k8s version v1.33.4+k0s.0 of the ClusterTemplate team-a/aws-1 does not satisfy k8s constraint >=1.34.0 from the ServiceTemplate team-a/t',
      ],
    ],
    [
      'service-k8s-compatibility: met',
      facts(
        { serviceTemplates: new Map([['t', st({ k8sConstraint: '>=1.30.0 <1.34.0' })]]) },
        { services: [svc('a', 't')] },
      ),
      [],
    ],
    [
      'service-k8s-compatibility: no template version, nothing to check',
      facts(
        {
          template: { ...okTemplate, k8sVersion: undefined },
          serviceTemplates: new Map([['t', st({ k8sConstraint: '>=9' })]]),
        },
        { services: [svc('a', 't')] },
      ),
      [],
    ],
    [
      'service-k8s-compatibility: a constraint that does not parse',
      facts(
        { serviceTemplates: new Map([['t', st({ k8sConstraint: '>=>1' })]]) },
        { services: [svc('a', 't')] },
      ),
      [
        expect.stringMatching(
          /^error service-k8s-compatibility .*ServiceTemplate team-a\/t: k8sConstraint ">=>1" is not a semantic version constraint/,
        ) as unknown as string,
      ],
    ],
  ];
  it.each(cases)('%s', (_n, f, expected) => expect(brief(deploymentAdmission(f))).toEqual(expected));
});

describe("deploymentAdmission: a service's templateChain (service-template-chain)", () => {
  const chain = (over: Partial<ServiceChainFact> = {}): ServiceChainFact => ({
    valid: true,
    templates: ['nginx-1', 'nginx-2'],
    revoked: false,
    ...over,
  });
  const svc = (template: string, templateChain: string | undefined, disable = false) => ({
    name: 'web',
    namespace: 'apps',
    template,
    ...(templateChain ? { templateChain } : {}),
    ...(disable ? { disable } : {}),
    dependsOn: [],
  });
  const withChain = (c: ServiceChainFact | undefined, over: Partial<AdmissionFacts> = {}) => ({
    serviceTemplates: new Map([
      ['nginx-1', { valid: true, revoked: false }],
      ['nginx-3', { valid: true, revoked: false }],
    ]),
    serviceChains: new Map(c ? [['nginx-chain', c]] : []),
    ...over,
  });
  /** An update of a deployment running aws-1 (aws-2 is an upgrade its chains allow). */
  const update = () => ({
    operation: 'update' as const,
    old: { template: 'aws-1', credential: 'aws-cred', availableUpgrades: ['aws-2'] },
  });
  const at = '$.spec.serviceSpec.services[0].templateChain';
  const cases: Array<[string, AdmissionFacts, string[]]> = [
    [
      'a chain that supports the template',
      facts(withChain(chain()), { services: [svc('nginx-1', 'nginx-chain')] }),
      [],
    ],
    [
      'no templateChain: nothing to check',
      facts(withChain(undefined), { services: [svc('nginx-1', undefined)] }),
      [],
    ],
    [
      'a disabled service is not checked',
      facts(withChain(undefined), { services: [svc('nginx-1', 'nginx-chain', true)] }),
      [],
    ],
    [
      'the chain is missing',
      facts(withChain(undefined), { services: [svc('nginx-1', 'nginx-chain')] }),
      [`error service-template-chain ${at}: ServiceTemplateChain team-a/nginx-chain not found`],
    ],
    [
      'the chain is invalid (its templates are not looked at)',
      facts(withChain(chain({ valid: false, validationError: 'bad upgrade', templates: [] })), {
        services: [svc('nginx-1', 'nginx-chain')],
      }),
      [
        `error service-template-chain ${at}: the ServiceTemplateChain team-a/nginx-chain is invalid with the error: bad upgrade`,
      ],
    ],
    [
      'the chain does not list the template',
      facts(withChain(chain()), { services: [svc('nginx-3', 'nginx-chain')] }),
      [
        `error service-template-chain ${at}: the ServiceTemplateChain team-a/nginx-chain does not support ServiceTemplate nginx-3`,
      ],
    ],
    [
      'a missing template and a missing chain: both said',
      facts(withChain(undefined), { services: [svc('nginx-9', 'nginx-chain')] }),
      [
        `error service-template-chain ${at}: ServiceTemplateChain team-a/nginx-chain not found`,
        'error service-template-valid $.spec.serviceSpec.services[0].template: ServiceTemplate team-a/nginx-9 not found',
      ],
    ],
    [
      'a revoked chain on create',
      facts(withChain(chain({ revoked: true })), { services: [svc('nginx-1', 'nginx-chain')] }),
      [
        `error service-template-chain ${at}: access to ServiceTemplateChain nginx-chain was revoked from namespace team-a`,
      ],
    ],
    [
      'a revoked chain on an update: a warning',
      facts(withChain(chain({ revoked: true }), update()), { services: [svc('nginx-1', 'nginx-chain')] }),
      [
        `warning service-template-chain ${at}: access to ServiceTemplateChain nginx-chain was revoked from namespace team-a`,
      ],
    ],
    [
      'a revoked chain in open mode: no finding (revocation is tenancy mode)',
      facts(withChain(chain({ revoked: true }), { tenancy: false }), {
        services: [svc('nginx-1', 'nginx-chain')],
      }),
      [],
    ],
    [
      'an update that keeps the template: a warning',
      facts(withChain(chain(), update()), { services: [svc('nginx-3', 'nginx-chain')] }),
      [
        `warning service-template-chain ${at}: the ServiceTemplateChain team-a/nginx-chain does not support ServiceTemplate nginx-3`,
      ],
    ],
    [
      'an update that changes the cluster template: an error',
      facts(withChain(undefined, update()), {
        template: 'aws-2',
        services: [svc('nginx-1', 'nginx-chain')],
      }),
      [`error service-template-chain ${at}: ServiceTemplateChain team-a/nginx-chain not found`],
    ],
    [
      'open mode, no chain known at all: a warning, not judged',
      facts(withChain(undefined, { tenancy: false, noneKnown: { serviceTemplateChains: true } }), {
        services: [svc('nginx-1', 'nginx-chain')],
      }),
      [
        `warning service-template-chain ${at}: ServiceTemplateChain team-a/nginx-chain not found; not judged: the platform has no ServiceTemplateChains yet (open mode)`,
      ],
    ],
    [
      'tenancy mode, no chain known at all: still an error',
      facts(withChain(undefined, { noneKnown: { serviceTemplateChains: true } }), {
        services: [svc('nginx-1', 'nginx-chain')],
      }),
      [`error service-template-chain ${at}: ServiceTemplateChain team-a/nginx-chain not found`],
    ],
  ];
  it.each(cases)('%s', (_n, f, expected) => expect(brief(deploymentAdmission(f))).toEqual(expected));
});

describe('a platform without Credentials or ServiceTemplates (open mode)', () => {
  const named = {
    namespace: 'team-a',
    tenancy: false,
    operation: 'create' as const,
    spec: {
      template: 'aws-1',
      credential: 'aws-cred',
      services: [{ name: 'web', namespace: 'default', template: 'nginx', dependsOn: [] }],
    },
    template: { object: false, valid: true, providers: ['infrastructure-aws'], revoked: false },
    credential: undefined,
    serviceTemplates: new Map(),
    serviceChains: new Map(),
    providerInterfaces: [],
  };

  it('names that find nothing are warnings, not judged, when none of the kind exists', () => {
    const found = deploymentAdmission({ ...named, noneKnown: { credentials: true, serviceTemplates: true } });
    expect(found.map((f) => [f.rule, f.severity])).toEqual([
      ['credential-exists', 'warning'],
      ['service-template-valid', 'warning'],
    ]);
    expect(found[0]?.message).toMatch(/not judged: the platform has no Credentials yet/);
  });

  it('are errors once the platform has some, and always in tenancy mode', () => {
    expect(deploymentAdmission(named).map((f) => f.severity)).toEqual(['error', 'error']);
    const tenancy = deploymentAdmission({
      ...named,
      tenancy: true,
      noneKnown: { credentials: true, serviceTemplates: true },
    });
    expect(tenancy.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(
      expect.arrayContaining(['credential-exists', 'service-template-valid']),
    );
  });
});
