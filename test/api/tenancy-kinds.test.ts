/**
 * The tenancy kinds' readers (Credential, SimulatedClusterIdentity, AccessManagement,
 * ProviderInterface, DeploymentHistory): k0rdent's example shapes read, every bad input class a
 * problem with its JSON path, and the path located on its line in the YAML it came from.
 */
import { describe, expect, it } from 'vitest';
import { isAccessManagement, readAccessManagement } from '../../src/api/access-management.js';
import {
  isCredential,
  isSimulatedIdentity,
  readCredential,
  readSimulatedIdentity,
} from '../../src/api/credential.js';
import { readDeploymentHistory } from '../../src/api/deployment-history.js';
import { isProviderInterface, readProviderInterface } from '../../src/api/provider-interface.js';
import type { ReadProblem, ReadResult } from '../../src/api/read-problems.js';
import { formatLocated, locateProblems, tenancyKindOf } from '../../src/api/tenancy-kinds.js';
import { planDistribution } from '../../src/domain/access.js';
import { acceptedIdentityKinds } from '../../src/domain/provider-identities.js';
import { parseYamlSource } from '../../src/util/yaml-source.js';

const specOf = <T>(r: ReadResult<T>): T => {
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return r.spec;
};
const problemsOf = (r: ReadResult<unknown>): ReadProblem[] => ('problems' in r ? r.problems : []);
/** `path: message` lines, for asserting paths and wording at once. */
const lines = (r: ReadResult<unknown>) => problemsOf(r).map((p) => `${p.path}: ${p.message}`);

const K0 = 'k0rdent.mirantis.com/v1beta1';
const CM = 'clustermint.io/v1alpha1';
const obj = (kind: string, spec: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: CM,
  kind,
  metadata: { name: 'x', ...extra },
  ...(spec === undefined ? {} : { spec }),
});

// ----------------------------------------------------------------------------------- Credential

describe('readCredential', () => {
  it("reads k0rdent's example Credential", () => {
    const cred = {
      apiVersion: K0,
      kind: 'Credential',
      metadata: { name: 'aws-cluster-identity-cred', namespace: 'kcm-system' },
      spec: {
        description: 'AWS credentials',
        identityRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'AWSClusterStaticIdentity',
          name: 'aws-cluster-identity',
        },
      },
    };
    expect(isCredential(cred)).toBe(true);
    expect(specOf(readCredential(cred))).toEqual({
      description: 'AWS credentials',
      identityRef: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
        kind: 'AWSClusterStaticIdentity',
        name: 'aws-cluster-identity',
      },
    });
  });

  it('reads a Secret identity with its namespace and region; an empty namespace is absent', () => {
    expect(
      specOf(
        readCredential(
          obj('Credential', {
            identityRef: { apiVersion: 'v1', kind: 'Secret', name: 'os-cloud', namespace: 'team-a' },
            region: 'RegionOne',
          }),
        ),
      ),
    ).toEqual({
      identityRef: { apiVersion: 'v1', kind: 'Secret', name: 'os-cloud', namespace: 'team-a' },
      region: 'RegionOne',
    });
    expect(
      specOf(readCredential(obj('Credential', { identityRef: { kind: 'Secret', name: 's', namespace: '' } })))
        .identityRef,
    ).toEqual({ kind: 'Secret', name: 's' });
  });

  it('names every bad field with its path', () => {
    expect(lines(readCredential(obj('Credential', undefined)))).toEqual([
      '$.spec: must be a map (spec is required)',
    ]);
    expect(lines(readCredential(obj('Credential', {})))).toEqual([
      '$.spec.identityRef: identityRef is required: {kind, name} of the provider identity (e.g. AWSClusterStaticIdentity)',
    ]);
    expect(lines(readCredential(obj('Credential', { identityRef: 'aws-id' })))).toEqual([
      '$.spec.identityRef: must be a map (apiVersion, kind, name, namespace)',
    ]);
    expect(
      lines(
        readCredential(
          obj('Credential', {
            identityRef: {
              kind: 'awsIdentity',
              name: 'Bad_Name',
              namespace: 'Team A',
              apiVersion: 'x/y/z',
              extra: 1,
            },
            region: 3,
            bogus: true,
          }),
        ),
      ),
    ).toEqual([
      '$.spec.bogus: unknown field bogus',
      '$.spec.identityRef.extra: unknown field extra',
      '$.spec.identityRef.kind: kind "awsIdentity" is not a kind name (letters and digits, starting with a capital)',
      '$.spec.identityRef.name: name "Bad_Name" is not a valid name (lowercase letters, digits, "-" and ".", at most 253)',
      '$.spec.identityRef.namespace: namespace "Team A" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63)',
      '$.spec.identityRef.apiVersion: apiVersion "x/y/z" is not GROUP/VERSION (e.g. infrastructure.cluster.x-k8s.io/v1beta2) or v1',
      '$.spec.region: must be a string',
    ]);
    expect(lines(readCredential(obj('Credential', { identityRef: { name: 'a' } })))).toEqual([
      '$.spec.identityRef.kind: kind is required: the identity kind (e.g. AWSClusterStaticIdentity, Secret)',
    ]);
    expect(lines(readCredential(obj('Credential', { identityRef: { kind: 'Secret' } })))).toEqual([
      '$.spec.identityRef.name: name is required',
    ]);
  });

  it('accepts only its kinds, in both groups', () => {
    expect(isCredential({ apiVersion: CM, kind: 'Credential' })).toBe(true);
    expect(isCredential({ apiVersion: 'k0rdent.mirantis.com/v1alpha1', kind: 'Credential' })).toBe(false);
    expect(isCredential({ apiVersion: CM, kind: 'ClusterTemplate' })).toBe(false);
    expect(isCredential('Credential')).toBe(false);
  });
});

describe('readSimulatedIdentity', () => {
  const SI = (spec: unknown) => ({
    apiVersion: 'infrastructure.clustermint.io/v1alpha1',
    kind: 'SimulatedClusterIdentity',
    metadata: { name: 'sim' },
    ...(spec === undefined ? {} : { spec }),
  });

  it("reads CAPA's allowedNamespaces shapes (absent, {}, list, selector) and secretRef", () => {
    expect(isSimulatedIdentity(SI({}))).toBe(true);
    expect(isSimulatedIdentity({ ...SI({}), apiVersion: CM })).toBe(false);
    expect(specOf(readSimulatedIdentity(SI(undefined)))).toEqual({});
    expect(specOf(readSimulatedIdentity(SI({ allowedNamespaces: {} })))).toEqual({ allowedNamespaces: {} });
    expect(
      specOf(
        readSimulatedIdentity(
          SI({
            allowedNamespaces: {
              list: ['team-a', 'team-a', 'team-b'],
              selector: { matchLabels: { team: 'a' } },
            },
            secretRef: 'sim-key',
          }),
        ),
      ),
    ).toEqual({
      allowedNamespaces: { list: ['team-a', 'team-b'], selector: { matchLabels: { team: 'a' } } },
      secretRef: 'sim-key',
    });
  });

  it('names every bad field with its path', () => {
    expect(
      lines(
        readSimulatedIdentity(
          SI({
            allowedNamespaces: {
              list: ['ok', 'NO'],
              selector: { matchExpressions: [{ key: 'team', operator: 'Is' }] },
              all: true,
            },
            secretRef: { name: 'x' },
            region: 'x',
          }),
        ),
      ),
    ).toEqual([
      '$.spec.region: unknown field region',
      '$.spec.allowedNamespaces.all: unknown field all',
      '$.spec.allowedNamespaces.list[1]: namespace "NO" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63)',
      '$.spec.allowedNamespaces.selector.matchExpressions[0].operator: operator must be one of In, NotIn, Exists, DoesNotExist (got "Is")',
      '$.spec.secretRef: secretRef (a Secret name) is required',
    ]);
    expect(lines(readSimulatedIdentity(SI('x')))).toEqual([
      '$.spec: must be a map (allowedNamespaces, secretRef)',
    ]);
  });
});

// ----------------------------------------------------------------------------- AccessManagement

describe('readAccessManagement', () => {
  const AM = (spec: unknown, apiVersion = K0) => ({
    apiVersion,
    kind: 'AccessManagement',
    metadata: { name: 'kcm' },
    ...(spec === undefined ? {} : { spec }),
  });

  it("reads k0rdent's stable rule shape into objects of their kinds", () => {
    const accessRules = [
      {
        targetNamespaces: { list: ['dev', 'prod'] },
        clusterTemplateChains: ['aws-standalone-cp-1-0-43'],
        serviceTemplateChains: ['ingress-nginx-4-11-3'],
        credentials: ['aws-cluster-identity-cred'],
      },
      { targetNamespaces: { stringSelector: 'environment=prod,team notin (qa)' }, credentials: ['b'] },
      {
        targetNamespaces: { selector: { matchLabels: { environment: 'dev' } } },
        clusterTemplateChains: ['c'],
      },
      { clusterTemplateChains: ['everywhere'] },
    ];
    const am = AM({ accessRules });
    expect(isAccessManagement(am)).toBe(true);
    const read = specOf(readAccessManagement(am));
    expect(read.accessRules).toEqual(accessRules);
    expect(read.rules).toEqual([
      {
        targets: { list: ['dev', 'prod'] },
        objects: [
          { kind: 'ClusterTemplateChain', names: ['aws-standalone-cp-1-0-43'] },
          { kind: 'ServiceTemplateChain', names: ['ingress-nginx-4-11-3'] },
          { kind: 'Credential', names: ['aws-cluster-identity-cred'] },
        ],
      },
      {
        targets: { stringSelector: 'environment=prod,team notin (qa)' },
        objects: [{ kind: 'Credential', names: ['b'] }],
      },
      {
        targets: { selector: { matchLabels: { environment: 'dev' } } },
        objects: [{ kind: 'ClusterTemplateChain', names: ['c'] }],
      },
      { targets: undefined, objects: [{ kind: 'ClusterTemplateChain', names: ['everywhere'] }] },
    ]);
  });

  it("reads k0rdent's generic resources[] (apiVersion or apiGroup) next to the per-kind lists", () => {
    const read = specOf(
      readAccessManagement(
        AM({
          accessRules: [
            {
              targetNamespaces: {},
              credentials: ['c1'],
              resources: [
                { apiVersion: K0, kind: 'ClusterTemplate', names: ['aws-1', 'aws-1', 'aws-2'] },
                {
                  apiGroup: 'clustermint.io',
                  kind: 'ServiceTemplate',
                  selector: { matchLabels: { tier: 'base' } },
                },
                { kind: 'Credential', stringSelector: 'team=a' },
              ],
              clusterTemplateChainSelector: { matchLabels: { line: 'aws' } },
            },
          ],
        }),
      ),
    );
    expect(read.rules).toEqual([
      {
        targets: undefined,
        objects: [
          { kind: 'Credential', names: ['c1'] },
          { kind: 'ClusterTemplateChain', selector: { matchLabels: { line: 'aws' } } },
          { kind: 'ClusterTemplate', names: ['aws-1', 'aws-2'] },
          { kind: 'ServiceTemplate', selector: { matchLabels: { tier: 'base' } } },
          { kind: 'Credential', stringSelector: 'team=a' },
        ],
      },
    ]);
    expect(read.accessRules[0].resources?.[0]).toEqual({
      apiVersion: K0,
      kind: 'ClusterTemplate',
      names: ['aws-1', 'aws-2'],
    });
  });

  it('an AccessManagement without spec or rules distributes nothing', () => {
    expect(specOf(readAccessManagement(AM(undefined)))).toEqual({ accessRules: [], rules: [] });
    expect(specOf(readAccessManagement(AM({})))).toEqual({ accessRules: [], rules: [] });
    expect(specOf(readAccessManagement(AM({ accessRules: [] }, CM))).rules).toEqual([]);
  });

  it('feeds planDistribution: the normalised rules are what the domain plans with', () => {
    const { rules } = specOf(
      readAccessManagement(
        AM({
          accessRules: [
            { targetNamespaces: { stringSelector: 'team=a' }, credentials: ['aws-cred'] },
            {
              targetNamespaces: { list: ['team-b'] },
              resources: [{ kind: 'ClusterTemplate', names: ['aws-1'] }],
            },
          ],
        }),
      ),
    );
    const plan = planDistribution(
      rules,
      [
        { name: 'team-a', labels: { team: 'a' } },
        { name: 'team-b', labels: { team: 'b' } },
      ],
      [
        { kind: 'Credential', name: 'aws-cred', labels: {} },
        { kind: 'ClusterTemplate', name: 'aws-1', labels: {} },
      ],
    );
    expect(plan.wanted.map((w) => `${w.kind}/${w.name} -> ${w.namespace}`).sort()).toEqual([
      'ClusterTemplate/aws-1 -> team-b',
      'Credential/aws-cred -> team-a',
    ]);
  });

  it("refuses what k0rdent's CEL rules refuse, naming the rule's path", () => {
    expect(
      lines(
        readAccessManagement(
          AM({
            accessRules: [
              {
                targetNamespaces: {
                  list: ['a'],
                  selector: { matchLabels: { a: 'b' } },
                  stringSelector: 'a=b',
                },
              },
              { resources: [{ kind: 'Credential', names: ['a'], stringSelector: 'a=b' }] },
              { resources: [{ kind: 'Credential' }] },
            ],
          }),
        ),
      ),
    ).toEqual([
      '$.spec.accessRules[0].targetNamespaces: only one of list, selector, stringSelector can be specified (got list and selector and stringSelector)',
      '$.spec.accessRules[1].resources[0]: only one of names, selector, stringSelector can be specified (got names and stringSelector)',
      '$.spec.accessRules[2].resources[0]: at least one of names, selector, stringSelector must be set',
    ]);
  });

  it('names an unknown or foreign kind, a bad selector, a bad name and an unsupported list', () => {
    expect(
      lines(
        readAccessManagement(
          AM({
            accessRules: [
              {
                resources: [
                  { kind: 'ClusterAuthentication', names: ['a'] },
                  { kind: 'Secret', names: ['a'] },
                  { apiVersion: 'v1', kind: 'ConfigMap', names: ['a'] },
                  { apiGroup: 'apps', kind: 'ClusterTemplate', names: ['a'] },
                  { names: ['a'] },
                ],
              },
              {
                targetNamespaces: { stringSelector: 'team in (a' },
                clusterTemplateChains: ['Bad_Chain'],
                credentials: 'aws-cred',
                dataSources: ['x'],
              },
              {
                targetNamespaces: { list: ['kcm-system', 'Team'] },
                resources: [{ kind: 'ServiceTemplate', selector: { matchLabels: { 'bad key!': 'x' } } }],
              },
              'a rule',
            ],
          }),
        ),
      ),
    ).toEqual([
      '$.spec.accessRules[0].resources[0].kind: kind "ClusterAuthentication" cannot be distributed: one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential',
      '$.spec.accessRules[0].resources[1].kind: kind "Secret" cannot be distributed: one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential',
      '$.spec.accessRules[0].resources[2].apiVersion: apiVersion "v1" has no kind AccessManagement distributes (clustermint.io/v1alpha1 or k0rdent.mirantis.com/v1beta1)',
      '$.spec.accessRules[0].resources[2].kind: kind "ConfigMap" cannot be distributed: one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential',
      '$.spec.accessRules[0].resources[3].apiGroup: apiGroup "apps" has no kind AccessManagement distributes (clustermint.io or k0rdent.mirantis.com)',
      '$.spec.accessRules[0].resources[4].kind: kind is required: one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential',
      '$.spec.accessRules[1].dataSources: dataSources is not supported by clustermint',
      '$.spec.accessRules[1].targetNamespaces.stringSelector: invalid label selector "team in (a": unable to parse requirement: "team in (a"',
      '$.spec.accessRules[1].clusterTemplateChains[0]: name "Bad_Chain" is not a valid name (lowercase letters, digits, "-" and ".", at most 253)',
      '$.spec.accessRules[1].credentials: must be a list',
      '$.spec.accessRules[2].targetNamespaces.list[1]: namespace "Team" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63)',
      "$.spec.accessRules[2].resources[0].selector.matchLabels[\"bad key!\"]: invalid label key \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      '$.spec.accessRules[3]: must be a map (targetNamespaces, clusterTemplateChains, serviceTemplateChains, credentials, resources)',
    ]);
    expect(lines(readAccessManagement(AM({ rules: [] })))).toEqual(['$.spec.rules: unknown field rules']);
    expect(lines(readAccessManagement(AM({ accessRules: Array.from({ length: 101 }, () => ({})) })))).toEqual(
      ['$.spec.accessRules: at most 100 entries (got 101)'],
    );
  });
});

// ---------------------------------------------------------------------------- ProviderInterface

describe('readProviderInterface', () => {
  const AWS = {
    apiVersion: K0,
    kind: 'ProviderInterface',
    metadata: {
      name: 'cluster-api-provider-aws',
      labels: { 'cluster.x-k8s.io/provider': 'infrastructure-aws' },
      annotations: { 'helm.sh/resource-policy': 'keep' },
    },
    spec: {
      description: 'AWS infrastructure provider for Cluster API',
      clusterIdentities: [
        {
          group: 'infrastructure.cluster.x-k8s.io',
          version: 'v1beta2',
          kind: 'AWSClusterStaticIdentity',
          references: [{ group: '', version: 'v1', kind: 'Secret', nameFieldPath: 'spec.secretRef' }],
        },
        {
          group: 'infrastructure.cluster.x-k8s.io',
          version: 'v1beta2',
          kind: 'AWSClusterRoleIdentity',
          references: [
            {
              group: 'infrastructure.cluster.x-k8s.io',
              version: 'v1beta2',
              kind: 'AWSClusterControllerIdentity',
              nameFieldPath: 'spec.sourceIdentityRef.name',
            },
          ],
        },
        {
          group: 'infrastructure.cluster.x-k8s.io',
          version: 'v1beta2',
          kind: 'AWSClusterControllerIdentity',
        },
      ],
    },
  };

  it("reads k0rdent's AWS ProviderInterface: the provider from the label, the kinds from clusterIdentities", () => {
    expect(isProviderInterface(AWS)).toBe(true);
    const read = specOf(readProviderInterface(AWS));
    expect({ provider: read.provider, kinds: read.kinds }).toEqual({
      provider: 'infrastructure-aws',
      kinds: ['AWSClusterStaticIdentity', 'AWSClusterRoleIdentity', 'AWSClusterControllerIdentity'],
    });
    expect(read.spec.clusterIdentities[0].references).toEqual([
      { group: '', version: 'v1', kind: 'Secret', nameFieldPath: 'spec.secretRef' },
    ]);
  });

  it('extends the built-in table through the domain', () => {
    const read = specOf(
      readProviderInterface({
        ...obj('ProviderInterface', {
          clusterIdentityKinds: ['MyCloudIdentity'],
          clusterIdentities: [{ group: 'infrastructure.example.com', version: 'v1', kind: 'MyCloudKey' }],
          clusterGVKs: [{ group: 'infrastructure.example.com', version: 'v1', kind: 'MyCloudCluster' }],
        }),
        metadata: { name: 'mycloud', labels: { 'cluster.x-k8s.io/provider': 'infrastructure-mycloud' } },
      }),
    );
    expect(read.kinds).toEqual(['MyCloudKey', 'MyCloudIdentity']);
    expect(acceptedIdentityKinds('infrastructure-mycloud', [read])).toEqual(
      expect.arrayContaining(['MyCloudKey', 'MyCloudIdentity']),
    );
  });

  it('an interface without spec adds no kinds', () => {
    const read = specOf(
      readProviderInterface({
        apiVersion: CM,
        kind: 'ProviderInterface',
        metadata: { name: 'p', labels: { 'cluster.x-k8s.io/provider': 'infrastructure-p' } },
      }),
    );
    expect(read.kinds).toEqual([]);
  });

  it('names a missing or bad provider label and every bad identity field', () => {
    expect(lines(readProviderInterface(obj('ProviderInterface', { clusterIdentities: [] })))).toEqual([
      '$.metadata.labels: the label cluster.x-k8s.io/provider is required: the infrastructure provider (e.g. infrastructure-aws)',
    ]);
    expect(
      lines(
        readProviderInterface({
          ...obj('ProviderInterface', {
            clusterIdentities: [
              { group: 'Bad Group', version: 'beta', kind: 'lower' },
              { version: 'v1', kind: 'Secret', references: [{ group: '', version: 'v1', kind: 'Secret' }] },
              {
                group: '',
                version: 'v1',
                kind: 'Secret',
                references: [{ group: '', version: 'v1', kind: 'Secret', nameFieldPath: '.spec.x' }],
                extra: 1,
              },
            ],
            clusterIdentityKinds: [7],
          }),
          metadata: { name: 'p', labels: { 'cluster.x-k8s.io/provider': 'control-plane-k0s' } },
        }),
      ),
    ).toEqual([
      '$.metadata.labels["cluster.x-k8s.io/provider"]: "control-plane-k0s" is not an infrastructure provider name (infrastructure-<name>)',
      '$.spec.clusterIdentities[0].group: group "Bad Group" is not an API group (e.g. infrastructure.cluster.x-k8s.io, "" for core)',
      '$.spec.clusterIdentities[0].version: version "beta" is not an API version (e.g. v1beta2)',
      '$.spec.clusterIdentities[0].kind: kind "lower" is not a kind name (letters and digits, starting with a capital)',
      '$.spec.clusterIdentities[1].references[0].nameFieldPath: nameFieldPath is required: where the identity names the object (e.g. spec.secretRef)',
      '$.spec.clusterIdentities[2].extra: unknown field extra',
      '$.spec.clusterIdentities[2].references[0].nameFieldPath: ".spec.x" is not a field path (e.g. spec.secretRef; it cannot start with a dot)',
      '$.spec.clusterIdentityKinds[0]: kind 7 is not a kind name (letters and digits, starting with a capital)',
    ]);
  });
});

// ---------------------------------------------------------------------------- DeploymentHistory

describe('readDeploymentHistory', () => {
  const entry = {
    time: '2026-03-01T10:00:00Z',
    user: 'system:serviceaccount:team-a:deployer',
    groups: ['system:serviceaccounts'],
    via: 'webhook',
    action: 'created',
    template: 'aws-standalone-cp-1-0-42',
    credential: 'aws-cred',
    generation: 1,
    allowed: true,
    warnings: 0,
  };
  const H = (spec: unknown) => obj('DeploymentHistory', spec, { namespace: 'team-a' });

  it('reads a history: entries oldest first, the deletion and expiry times, the dropped count', () => {
    const spec = {
      deployment: 'prod-1',
      uid: '0b5c7b6e-0c43-4f0e-8a55-8f7a3c1d2e3f',
      deletedAt: '2026-03-02T10:00:00Z',
      expiresAt: '2026-04-01T10:00:00+00:00',
      droppedEntries: 3,
      entries: [
        entry,
        {
          time: '2026-03-01T11:00:00.123Z',
          user: 'alice',
          via: 'cli',
          action: 'denied',
          template: 'aws-standalone-cp-1-0-44',
          fromTemplate: 'aws-standalone-cp-1-0-42',
          allowed: false,
          violations: ['[admission/template-upgrade] ...'],
        },
      ],
    };
    expect(specOf(readDeploymentHistory(H(spec)))).toEqual(spec);
    expect(specOf(readDeploymentHistory(H({ deployment: 'p' })))).toEqual({ deployment: 'p', entries: [] });
  });

  it('names every bad field of the spec and of an entry with its path', () => {
    expect(
      lines(
        readDeploymentHistory(
          H({
            deployment: 'Prod',
            deletedAt: 'yesterday',
            droppedEntries: -1,
            entries: [
              {
                ...entry,
                via: 'kubectl',
                action: 'patched',
                allowed: 'yes',
                time: '2026-03-01 10:00',
                extra: 1,
              },
              { time: '2026-03-01T10:00:00Z', via: 'cli', action: 'created', allowed: true },
              { ...entry, violations: ['x'.repeat(513)], generation: 1.5, groups: [1] },
            ],
          }),
        ),
      ),
    ).toEqual([
      '$.spec.deployment: deployment (the ClusterDeployment name) "Prod" is not a valid name (lowercase letters, digits, "-" and ".", at most 253)',
      '$.spec.deletedAt: must be an RFC 3339 time such as 2026-01-02T15:04:05Z (got "yesterday")',
      '$.spec.droppedEntries: must be a whole number, 0 or more',
      '$.spec.entries[0].extra: unknown field extra',
      '$.spec.entries[0].time: must be an RFC 3339 time such as 2026-01-02T15:04:05Z (got "2026-03-01 10:00")',
      '$.spec.entries[0].via: via must be one of cli, webhook, controller (got "kubectl")',
      '$.spec.entries[0].action: action must be one of created, changed, upgraded, deleted, denied (got "patched")',
      '$.spec.entries[0].allowed: must be a boolean (true or false)',
      '$.spec.entries[1].user: user is required',
      '$.spec.entries[1].template: template is required',
      '$.spec.entries[2].groups[0]: must be a string',
      '$.spec.entries[2].violations[0]: at most 512 characters (got 513)',
      '$.spec.entries[2].generation: must be a whole number, 0 or more',
    ]);
    expect(
      lines(readDeploymentHistory(H({ deployment: 'p', entries: Array.from({ length: 201 }, () => entry) }))),
    ).toEqual(['$.spec.entries: at most 200 entries (got 201)']);
    expect(
      lines(
        readDeploymentHistory(
          H({ deployment: 'p', entries: [{ ...entry, violations: Array(21).fill('v') }] }),
        ),
      ),
    ).toEqual(['$.spec.entries[0].violations: at most 20 entries (got 21)']);
    expect(lines(readDeploymentHistory(H(undefined)))).toEqual(['$.spec: must be a map (spec is required)']);
    expect(lines(readDeploymentHistory(H({})))).toEqual([
      '$.spec.deployment: deployment (the ClusterDeployment name) is required',
    ]);
  });
});

// ---------------------------------------------------------------------- documents and positions

describe('tenancy kinds read from a document', () => {
  const yaml = [
    'apiVersion: k0rdent.mirantis.com/v1beta1',
    'kind: AccessManagement',
    'metadata:',
    '  name: kcm',
    'spec:',
    '  accessRules:',
    '    - targetNamespaces:',
    '        list: [team-a]',
    '      resources:',
    '        - kind: Secret',
    '          names: [s]',
    '---',
    'apiVersion: clustermint.io/v1alpha1',
    'kind: Credential',
    'metadata: {name: c, namespace: team-a}',
    'spec:',
    '  identityRef:',
    '    name: aws-id',
    '  regoin: eu-west-1',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: m}',
  ].join('\n');
  const docs = parseYamlSource(yaml, 'tenancy.yaml');

  it('finds the kind of each document, with the type it is stored as', () => {
    expect(docs.map((d) => tenancyKindOf(d.value)?.type)).toEqual([
      { apiVersion: CM, kind: 'AccessManagement' },
      { apiVersion: CM, kind: 'Credential' },
      undefined,
    ]);
    expect(docs.map((d) => tenancyKindOf(d.value)?.namespaced)).toEqual([false, true, undefined]);
  });

  it('puts each problem on its line and column (an unknown field at its key, a missing one at its map)', () => {
    const located = docs
      .slice(0, 2)
      .flatMap((d) => locateProblems('tenancy.yaml', d, tenancyKindOf(d.value)!.problems(d.value)));
    expect(located.map(formatLocated)).toEqual([
      'tenancy.yaml:10:17: $.spec.accessRules[0].resources[0].kind: kind "Secret" cannot be distributed: one of ClusterTemplate, ServiceTemplate, ClusterTemplateChain, ServiceTemplateChain, Credential',
      'tenancy.yaml:19:3: $.spec.regoin: unknown field regoin',
      'tenancy.yaml:18:5: $.spec.identityRef.kind: kind is required: the identity kind (e.g. AWSClusterStaticIdentity, Secret)',
    ]);
  });
});
