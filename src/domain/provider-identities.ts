/**
 * The identity kinds each infrastructure provider accepts in a Credential's identityRef, as
 * k0rdent's ProviderInterface objects declare them (spec.clusterIdentities). ProviderInterface
 * objects in the cluster add kinds to this table, they never remove any.
 */

/** Identity kinds each infrastructure provider accepts (k0rdent's ProviderInterfaces). */
export const BUILTIN_PROVIDER_IDENTITIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'infrastructure-aws': [
    'AWSClusterStaticIdentity',
    'AWSClusterRoleIdentity',
    'AWSClusterControllerIdentity',
  ],
  'infrastructure-azure': ['AzureClusterIdentity'],
  'infrastructure-vsphere': ['VSphereClusterIdentity'],
  'infrastructure-openstack': ['Secret'],
  'infrastructure-gcp': ['Secret'],
  'infrastructure-hetzner': ['Secret'],
  'infrastructure-docker': ['Secret'],
  'infrastructure-remote': ['Secret'],
  'infrastructure-internal': ['Secret'],
  'infrastructure-simulated': ['SimulatedClusterIdentity', 'Secret'],
});

export interface ProviderInterfaceFact {
  provider: string;
  kinds: readonly string[];
}

/** k0rdent's in-cluster provider: its clusters use a Secret, whatever a ProviderInterface says. */
const INTERNAL = 'infrastructure-internal';

/** The kinds `provider` accepts: the built-in table plus the ProviderInterfaces; undefined: unknown provider. */
export function acceptedIdentityKinds(
  provider: string,
  interfaces: readonly ProviderInterfaceFact[],
): readonly string[] | undefined {
  if (provider === INTERNAL) return BUILTIN_PROVIDER_IDENTITIES[INTERNAL];
  const builtin = Object.hasOwn(BUILTIN_PROVIDER_IDENTITIES, provider)
    ? BUILTIN_PROVIDER_IDENTITIES[provider]
    : undefined;
  const declared = interfaces.filter((i) => i.provider === provider);
  if (!builtin && declared.length === 0) return undefined;
  const kinds = [...(builtin ?? [])];
  for (const i of declared) for (const k of i.kinds) if (!kinds.includes(k)) kinds.push(k);
  return kinds;
}
