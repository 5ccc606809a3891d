/**
 * The tenancy kinds' JSON schemas and CRDs: the schemas accept what the readers accept (apply
 * checks both), refuse a stray field and what a schema can say of the readers' refusals; the
 * generated CRDs are structural, scoped and printed as the spec says, and their CEL rules say
 * k0rdent's words (Region is immutable; one of list / selector / stringSelector), checked
 * offline with the OpenAPI and CEL code the webhook uses.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAccessManagement } from '../../src/api/access-management.js';
import { readCredential, readSimulatedIdentity } from '../../src/api/credential.js';
import { readDeploymentHistory } from '../../src/api/deployment-history.js';
import { readProviderInterface } from '../../src/api/provider-interface.js';
import type { ReadResult } from '../../src/api/read-problems.js';
import { child, errorText, pathOf } from '../../src/k8s/field.js';
import { compileSchema, type JSONSchemaProps, validateStructural } from '../../src/validate/openapi/index.js';
import { storedKindProblems } from '../../src/validate/stored-kinds.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CM = 'clustermint.io/v1alpha1';
const SIM = 'infrastructure.clustermint.io/v1alpha1';

const ok = (r: ReadResult<unknown>) => ('problems' in r ? r.problems : []);
const o = (apiVersion: string, kind: string, spec: unknown, metadata: object = { name: 'x' }) => ({
  apiVersion,
  kind,
  metadata,
  ...(spec === undefined ? {} : { spec }),
});
const PI_META = { name: 'p', labels: { 'cluster.x-k8s.io/provider': 'infrastructure-aws' } };

/** Objects each reader accepts, at the edges of what it accepts. */
const VALID: { name: string; object: Record<string, unknown>; read: (v: unknown) => ReadResult<unknown> }[] =
  [
    {
      name: 'Credential, every field',
      object: o(CM, 'Credential', {
        identityRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'AWSClusterStaticIdentity',
          name: 'aws-id',
          namespace: '',
          uid: 'u',
          resourceVersion: '1',
          fieldPath: '',
        },
        region: 'eu-west-1',
        description: 'd',
      }),
      read: readCredential,
    },
    {
      name: 'Credential, a Secret',
      object: o(CM, 'Credential', {
        identityRef: { kind: 'Secret', name: 's', namespace: 'team-a', apiVersion: 'v1' },
      }),
      read: readCredential,
    },
    {
      name: 'AccessManagement, every field',
      object: o(CM, 'AccessManagement', {
        accessRules: [
          {
            targetNamespaces: { list: ['a', 'b'] },
            clusterTemplateChains: ['c'],
            clusterTemplateChainSelector: { matchLabels: { a: 'b' } },
            serviceTemplateChains: ['s'],
            serviceTemplateChainSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
            credentials: ['cred'],
            resources: [
              { apiVersion: 'k0rdent.mirantis.com/v1beta1', kind: 'ClusterTemplate', names: ['t'] },
              { apiGroup: 'clustermint.io', kind: 'ServiceTemplate', selector: { matchLabels: { a: 'b' } } },
              { apiGroup: '', kind: 'Credential', stringSelector: 'team=a' },
              { kind: 'ServiceTemplateChain', names: [] },
            ],
          },
          { targetNamespaces: { stringSelector: 'team in (a,b)' } },
          { targetNamespaces: {} },
          {},
        ],
      }),
      read: readAccessManagement,
    },
    {
      name: 'AccessManagement, no spec',
      object: o(CM, 'AccessManagement', undefined),
      read: readAccessManagement,
    },
    {
      name: 'ProviderInterface, every field',
      object: o(
        CM,
        'ProviderInterface',
        {
          description: 'd',
          clusterIdentities: [
            {
              group: 'infrastructure.cluster.x-k8s.io',
              version: 'v1beta2',
              kind: 'AWSClusterStaticIdentity',
              references: [
                {
                  group: '',
                  version: 'v1',
                  kind: 'Secret',
                  nameFieldPath: 'spec.secretRef',
                  namespaceFieldPath: 'spec.ns',
                },
              ],
            },
            { group: '', version: 'v1', kind: 'Secret' },
          ],
          clusterIdentityKinds: ['AWSClusterRoleIdentity'],
          clusterGVKs: [{ group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', kind: 'AWSCluster' }],
        },
        PI_META,
      ),
      read: readProviderInterface,
    },
    {
      name: 'ProviderInterface, no spec',
      object: o(CM, 'ProviderInterface', undefined, PI_META),
      read: readProviderInterface,
    },
    {
      name: 'SimulatedClusterIdentity, every field',
      object: o(SIM, 'SimulatedClusterIdentity', {
        allowedNamespaces: { list: ['team-a'], selector: { matchLabels: { team: 'a' } } },
        secretRef: 'sim-key',
      }),
      read: readSimulatedIdentity,
    },
    {
      name: 'SimulatedClusterIdentity, no spec',
      object: o(SIM, 'SimulatedClusterIdentity', undefined),
      read: readSimulatedIdentity,
    },
    {
      name: 'DeploymentHistory, every field at its bounds',
      object: o(
        CM,
        'DeploymentHistory',
        {
          deployment: 'prod-1',
          uid: 'u',
          deletedAt: '2026-03-02T10:00:00Z',
          expiresAt: '2026-04-01T10:00:00.5+02:00',
          droppedEntries: 7,
          entries: Array.from({ length: 200 }, (_, i) => ({
            time: '2026-03-01T10:00:00Z',
            user: 'alice',
            groups: ['g'],
            via: (['cli', 'webhook', 'controller'] as const)[i % 3],
            action: (['created', 'changed', 'upgraded', 'deleted', 'denied'] as const)[i % 5],
            template: 't',
            fromTemplate: 'f',
            credential: 'c',
            generation: i,
            allowed: i % 2 === 0,
            violations: Array(20).fill('v'.repeat(512)),
            warnings: 0,
          })),
        },
        { name: 'prod-1', namespace: 'team-a' },
      ),
      read: readDeploymentHistory,
    },
  ];

describe('the tenancy kinds’ schemas', () => {
  it.each(VALID.map((v) => [v.name, v] as const))('%s: its reader and its schema accept it', (_, v) => {
    expect(ok(v.read(v.object))).toEqual([]);
    expect(storedKindProblems(v.object)).toEqual([]);
    // the schemas are closed: a stray field anywhere at the top is refused
    expect(storedKindProblems({ ...v.object, bogus: 1 } as object)).not.toEqual([]);
  });

  /** Objects the reader refuses where a schema can say it too. */
  const INVALID: [string, Record<string, unknown>][] = [
    ['Credential without identityRef', o(CM, 'Credential', { region: 'r' })],
    ['Credential without identityRef.kind', o(CM, 'Credential', { identityRef: { name: 'n' } })],
    ['Credential with a lowercase kind', o(CM, 'Credential', { identityRef: { kind: 'secret', name: 'n' } })],
    [
      'Credential with a stray spec field',
      o(CM, 'Credential', { identityRef: { kind: 'Secret', name: 'n' }, x: 1 }),
    ],
    [
      'AccessManagement with a foreign kind',
      o(CM, 'AccessManagement', { accessRules: [{ resources: [{ kind: 'Secret', names: ['s'] }] }] }),
    ],
    [
      'AccessManagement with clusterAuthentications',
      o(CM, 'AccessManagement', { accessRules: [{ clusterAuthentications: ['a'] }] }),
    ],
    [
      'AccessManagement with a bad namespace',
      o(CM, 'AccessManagement', { accessRules: [{ targetNamespaces: { list: ['A'] } }] }),
    ],
    [
      'ProviderInterface with a dotted field path',
      o(
        CM,
        'ProviderInterface',
        {
          clusterIdentities: [
            {
              group: '',
              version: 'v1',
              kind: 'Secret',
              references: [{ group: '', version: 'v1', kind: 'Secret', nameFieldPath: '.x' }],
            },
          ],
        },
        PI_META,
      ),
    ],
    [
      'ProviderInterface without version',
      o(CM, 'ProviderInterface', { clusterIdentities: [{ group: '', kind: 'Secret' }] }, PI_META),
    ],
    ['SimulatedClusterIdentity with a region', o(SIM, 'SimulatedClusterIdentity', { region: 'r' })],
    ['DeploymentHistory without deployment', o(CM, 'DeploymentHistory', { entries: [] })],
    [
      'DeploymentHistory with an unknown action',
      o(CM, 'DeploymentHistory', {
        deployment: 'd',
        entries: [
          {
            time: '2026-03-01T10:00:00Z',
            user: 'u',
            via: 'cli',
            action: 'patched',
            template: 't',
            allowed: true,
          },
        ],
      }),
    ],
    [
      'DeploymentHistory with 201 entries',
      o(CM, 'DeploymentHistory', {
        deployment: 'd',
        entries: Array(201).fill({
          time: '2026-03-01T10:00:00Z',
          user: 'u',
          via: 'cli',
          action: 'created',
          template: 't',
          allowed: true,
        }),
      }),
    ],
    [
      'DeploymentHistory with a long violation',
      o(CM, 'DeploymentHistory', {
        deployment: 'd',
        entries: [
          {
            time: '2026-03-01T10:00:00Z',
            user: 'u',
            via: 'cli',
            action: 'denied',
            template: 't',
            allowed: false,
            violations: ['v'.repeat(513)],
          },
        ],
      }),
    ],
  ];

  it.each(INVALID)('%s: refused by the reader and by the schema', (_, v) => {
    const read = {
      Credential: readCredential,
      AccessManagement: readAccessManagement,
      ProviderInterface: readProviderInterface,
      SimulatedClusterIdentity: readSimulatedIdentity,
      DeploymentHistory: readDeploymentHistory,
    }[v.kind as string]!;
    expect(ok(read(v))).not.toEqual([]);
    expect(storedKindProblems(v)).not.toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------- CRDs

interface Generated {
  file: string;
  crd: {
    spec: {
      names: { kind: string; shortNames?: string[] };
      scope: string;
      versions: {
        subresources?: { status?: object };
        additionalPrinterColumns: { name: string; jsonPath: string }[];
        schema: { openAPIV3Schema: JSONSchemaProps };
      }[];
    };
  };
}
const { generateCrds } = (await import(join(ROOT, 'scripts', 'gen-crds.js'))) as {
  generateCrds: () => Generated[];
};
const generated = generateCrds();
const crdOf = (kind: string): Generated => {
  const g = generated.find((x) => x.crd.spec.names.kind === kind);
  if (!g) throw new Error(`no CRD for ${kind}`);
  return g;
};
const TENANCY = [
  'Credential',
  'AccessManagement',
  'ProviderInterface',
  'DeploymentHistory',
  'SimulatedClusterIdentity',
];

/** The apiserver's verdict: OpenAPI errors, and CEL errors (transition rules when `old` is given). */
function crdErrors(kind: string, value: object, old?: object): string[] {
  const c = compileSchema(crdOf(kind).crd.spec.versions[0].schema.openAPIV3Schema);
  const d = c.defaulted(value);
  return [...c.validate(d, pathOf()), ...c.validateCel(d, old, pathOf())].map(errorText);
}

describe('the tenancy kinds’ CRDs', () => {
  it('go to deploy/crds with the spec’s names, scopes and status subresources', () => {
    expect(
      TENANCY.map((k) => {
        const { file, crd } = crdOf(k);
        return `${file} ${crd.spec.scope} ${crd.spec.names.shortNames?.join(',') ?? '-'} status=${!!crd.spec.versions[0].subresources?.status}`;
      }),
    ).toEqual([
      'clustermint.io_credentials.yaml Namespaced cred status=true',
      'clustermint.io_accessmanagements.yaml Cluster am status=true',
      'clustermint.io_providerinterfaces.yaml Cluster pi status=false',
      'clustermint.io_deploymenthistories.yaml Namespaced cdhist status=false',
      'infrastructure.clustermint.io_simulatedclusteridentities.yaml Cluster - status=false',
    ]);
  });

  it('print the columns the spec names', () => {
    const columns = (k: string) =>
      crdOf(k).crd.spec.versions[0].additionalPrinterColumns.map((c) => `${c.name}=${c.jsonPath}`);
    expect(columns('Credential')).toEqual([
      'Ready=.status.ready',
      'Identity-Kind=.spec.identityRef.kind',
      'Identity=.spec.identityRef.name',
      'Region=.spec.region',
      'Description=.spec.description',
      'Age=.metadata.creationTimestamp',
    ]);
    expect(columns('AccessManagement')).toEqual([
      'Rules=.status.rules',
      'Distributed=.status.distributed',
      'Error=.status.error',
      'Age=.metadata.creationTimestamp',
    ]);
    expect(columns('ProviderInterface')[0]).toBe('Provider=.metadata.labels.cluster\\.x-k8s\\.io/provider');
    expect(columns('DeploymentHistory').slice(0, 3)).toEqual([
      'Last-Action=.spec.entries[-1:].action',
      'User=.spec.entries[-1:].user',
      'Last-Time=.spec.entries[-1:].time',
    ]);
    expect(columns('SimulatedClusterIdentity')).toEqual(['Age=.metadata.creationTimestamp']);
  });

  it('are structural', () => {
    for (const k of TENANCY) {
      const errors = validateStructural(
        crdOf(k).crd.spec.versions[0].schema.openAPIV3Schema,
        child(undefined, 'openAPIV3Schema'),
        'root',
      ).map(errorText);
      expect(errors, k).toEqual([]);
    }
  });

  it('accept every valid object of the readers', () => {
    for (const v of VALID) expect(crdErrors(v.object.kind as string, v.object), v.name).toEqual([]);
  });

  const cred = (region?: string) =>
    o(CM, 'Credential', {
      identityRef: { kind: 'Secret', name: 's' },
      ...(region === undefined ? {} : { region }),
    });

  it('Credential: Region is immutable (a transition rule: creating with any region is fine)', () => {
    expect(crdErrors('Credential', cred('eu-west-1'))).toEqual([]);
    expect(crdErrors('Credential', cred('eu-west-1'), cred('eu-west-1'))).toEqual([]);
    expect(crdErrors('Credential', cred('us-east-1'), cred('eu-west-1')).join('\n')).toContain(
      'Region is immutable',
    );
    expect(crdErrors('Credential', o(CM, 'Credential', { region: 'r' })).join('\n')).toMatch(
      /spec\.identityRef: Required value/,
    );
  });

  it("AccessManagement: k0rdent's one-of rules, in k0rdent's words", () => {
    const am = (rule: object) => o(CM, 'AccessManagement', { accessRules: [rule] });
    expect(
      crdErrors('AccessManagement', am({ targetNamespaces: { list: ['a'], stringSelector: 'a=b' } })).join(
        '\n',
      ),
    ).toContain('only one of list, selector, stringSelector can be specified');
    expect(
      crdErrors(
        'AccessManagement',
        am({ resources: [{ kind: 'Credential', names: ['a'], selector: {} }] }),
      ).join('\n'),
    ).toContain('only one of names, selector, stringSelector can be specified');
    expect(crdErrors('AccessManagement', am({ resources: [{ kind: 'Credential' }] })).join('\n')).toContain(
      'at least one of names, selector, stringSelector must be set',
    );
    expect(
      crdErrors('AccessManagement', am({ resources: [{ kind: 'Secret', names: ['a'] }] })).join('\n'),
    ).toMatch(/kind: Unsupported value: "Secret"/);
  });
});
