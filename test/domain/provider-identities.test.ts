// The identity kinds each provider accepts (src/domain/provider-identities.ts).
import { describe, expect, it } from 'vitest';
import { acceptedIdentityKinds } from '../../src/domain/provider-identities.js';

describe('acceptedIdentityKinds', () => {
  it.each([
    [
      'infrastructure-aws',
      ['AWSClusterStaticIdentity', 'AWSClusterRoleIdentity', 'AWSClusterControllerIdentity'],
    ],
    ['infrastructure-azure', ['AzureClusterIdentity']],
    ['infrastructure-vsphere', ['VSphereClusterIdentity']],
    ['infrastructure-openstack', ['Secret']],
    ['infrastructure-gcp', ['Secret']],
    ['infrastructure-hetzner', ['Secret']],
    ['infrastructure-docker', ['Secret']],
    ['infrastructure-remote', ['Secret']],
    ['infrastructure-internal', ['Secret']],
    ['infrastructure-simulated', ['SimulatedClusterIdentity', 'Secret']],
  ])('%s', (provider, kinds) => expect(acceptedIdentityKinds(provider, [])).toEqual(kinds));

  it('an unknown provider: undefined', () => {
    expect(acceptedIdentityKinds('infrastructure-nowhere', [])).toBeUndefined();
    expect(acceptedIdentityKinds('toString', [])).toBeUndefined();
  });
  it('ProviderInterfaces add kinds, once each, and make a provider known', () => {
    const pis = [
      { provider: 'infrastructure-aws', kinds: ['AWSClusterStaticIdentity', 'MyIdentity'] },
      { provider: 'infrastructure-aws', kinds: ['Other'] },
      { provider: 'infrastructure-new', kinds: ['NewIdentity'] },
    ];
    expect(acceptedIdentityKinds('infrastructure-aws', pis)).toEqual([
      'AWSClusterStaticIdentity',
      'AWSClusterRoleIdentity',
      'AWSClusterControllerIdentity',
      'MyIdentity',
      'Other',
    ]);
    expect(acceptedIdentityKinds('infrastructure-new', pis)).toEqual(['NewIdentity']);
  });
  it('infrastructure-internal stays Secret only', () => {
    expect(
      acceptedIdentityKinds('infrastructure-internal', [
        { provider: 'infrastructure-internal', kinds: ['X'] },
      ]),
    ).toEqual(['Secret']);
  });
});
