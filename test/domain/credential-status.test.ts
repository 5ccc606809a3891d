// Credential readiness (src/domain/credential-status.ts) and the clusterIdentity value it gives charts.
import { describe, expect, it } from 'vitest';
import {
  type CredentialFact,
  credentialReadiness,
  identityValues,
} from '../../src/domain/credential-status.js';

const base: CredentialFact = {
  namespace: 'team-a',
  name: 'cred',
  identity: { kind: 'Secret', name: 'aws-secret' },
  managed: false,
  identityFound: true,
  identityScope: 'namespaced',
};
type Mode = { tenancy: boolean; distributed: boolean; namespaceLabels: Record<string, string> };
const tenancy: Mode = { tenancy: true, distributed: false, namespaceLabels: { team: 'a' } };
const open: Mode = { tenancy: false, distributed: false, namespaceLabels: {} };
const cluster = (over: Partial<CredentialFact>): CredentialFact => ({
  ...base,
  identity: {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'AWSClusterStaticIdentity',
    name: 'aws-id',
  },
  identityScope: 'cluster',
  ...over,
});

describe('credentialReadiness', () => {
  const cases: Array<[string, CredentialFact, Mode, string]> = [
    [
      'an identity of its own namespace',
      base,
      tenancy,
      'true IdentityFound: ClusterIdentity Secret team-a/aws-secret found',
    ],
    [
      'no identityRef',
      { ...base, identity: undefined },
      tenancy,
      'false InvalidSpec: spec.identityRef with a kind and a name is required',
    ],
    [
      'an identityRef without a name',
      { ...base, identity: { kind: 'Secret', name: '' } },
      open,
      'false InvalidSpec: spec.identityRef with a kind and a name is required',
    ],
    [
      'a missing identity',
      { ...base, identityFound: false },
      tenancy,
      'false IdentityNotFound: ClusterIdentity Secret team-a/aws-secret not found',
    ],
    [
      'a missing identity, with the gatherer reason',
      {
        ...base,
        identityFound: false,
        identityError: 'the controller may not read Secret team-a/aws-secret',
      },
      tenancy,
      'false IdentityNotFound: the controller may not read Secret team-a/aws-secret',
    ],
    [
      "another namespace's identity in tenancy mode",
      { ...base, identity: { kind: 'Secret', name: 's', namespace: 'team-b' } },
      tenancy,
      'false IdentityOutOfScope: ClusterIdentity Secret team-b/s is outside namespace team-a: a Credential may reference only an identity of its own namespace',
    ],
    [
      "another namespace's identity in open mode",
      { ...base, identity: { kind: 'Secret', name: 's', namespace: 'team-b' } },
      open,
      'true IdentityFound: ClusterIdentity Secret team-b/s found',
    ],
    [
      'the system namespace may reference any',
      {
        ...base,
        namespace: 'clustermint-system',
        identity: { kind: 'Secret', name: 's', namespace: 'team-b' },
      },
      tenancy,
      'true IdentityFound: ClusterIdentity Secret team-b/s found',
    ],
    [
      'a verified distributed copy may reference the origin identity',
      { ...base, managed: true, identity: { kind: 'Secret', name: 's', namespace: 'clustermint-system' } },
      { ...tenancy, distributed: true },
      'true IdentityFound: ClusterIdentity Secret clustermint-system/s found',
    ],
    [
      'a managed label alone is not enough',
      { ...base, managed: true, identity: { kind: 'Secret', name: 's', namespace: 'clustermint-system' } },
      tenancy,
      'false IdentityOutOfScope: ClusterIdentity Secret clustermint-system/s is outside namespace team-a: a Credential may reference only an identity of its own namespace',
    ],
    [
      'a cluster-scoped identity without allowedNamespaces',
      cluster({}),
      tenancy,
      'false IdentityOutOfScope: ClusterIdentity AWSClusterStaticIdentity aws-id does not admit namespace team-a (its spec.allowedNamespaces)',
    ],
    [
      'allowedNamespaces {}: every namespace',
      cluster({ allowedNamespaces: {} }),
      tenancy,
      'true IdentityFound: ClusterIdentity AWSClusterStaticIdentity aws-id found',
    ],
    [
      'allowedNamespaces list',
      cluster({ allowedNamespaces: { list: ['team-a'] } }),
      tenancy,
      'true IdentityFound: ClusterIdentity AWSClusterStaticIdentity aws-id found',
    ],
    [
      'allowedNamespaces list of others',
      cluster({ allowedNamespaces: { list: ['team-b'] } }),
      tenancy,
      'false IdentityOutOfScope: ClusterIdentity AWSClusterStaticIdentity aws-id does not admit namespace team-a (its spec.allowedNamespaces)',
    ],
    [
      'allowedNamespaces selector',
      cluster({ allowedNamespaces: { selector: { matchLabels: { team: 'a' } } } }),
      tenancy,
      'true IdentityFound: ClusterIdentity AWSClusterStaticIdentity aws-id found',
    ],
    [
      'a list with an empty selector: the empty selector matches nothing',
      cluster({ allowedNamespaces: { list: ['team-b'], selector: {} } }),
      tenancy,
      'false IdentityOutOfScope: ClusterIdentity AWSClusterStaticIdentity aws-id does not admit namespace team-a (its spec.allowedNamespaces)',
    ],
    [
      'a cluster-scoped identity in open mode',
      cluster({}),
      open,
      'true IdentityFound: ClusterIdentity AWSClusterStaticIdentity aws-id found',
    ],
  ];
  it.each(cases)('%s', (_n, c, o, expected) => {
    const r = credentialReadiness(c, o);
    expect(`${r.ready} ${r.reason}: ${r.message}`).toBe(expected);
  });
});

describe('identityValues', () => {
  it('passes the reference as k0rdent fillHelmValues does', () => {
    expect(
      identityValues(
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'AWSClusterStaticIdentity',
          name: 'aws-id',
          namespace: 'ns',
        },
        'team-a',
      ),
    ).toEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'AWSClusterStaticIdentity',
      name: 'aws-id',
      namespace: 'ns',
    });
  });
  it("a reference without a namespace means the Credential's, and no apiVersion is left out", () => {
    expect(identityValues({ kind: 'Secret', name: 's' }, 'team-a')).toEqual({
      kind: 'Secret',
      name: 's',
      namespace: 'team-a',
    });
  });
});
