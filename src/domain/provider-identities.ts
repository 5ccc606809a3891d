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

const CAPI_INFRA = 'infrastructure.cluster.x-k8s.io';

/**
 * The identity kinds clustermint knows where to find: their API version (for an identityRef
 * without one) and scope (CAPA's static identities and SimulatedClusterIdentity are
 * cluster-scoped; a Secret or an AzureClusterIdentity lives in a namespace).
 */
export const KNOWN_IDENTITY_KINDS: Readonly<Record<string, { apiVersion: string; cluster: boolean }>> =
  Object.freeze({
    SimulatedClusterIdentity: { apiVersion: 'infrastructure.clustermint.io/v1alpha1', cluster: true },
    Secret: { apiVersion: 'v1', cluster: false },
    AWSClusterStaticIdentity: { apiVersion: `${CAPI_INFRA}/v1beta2`, cluster: true },
    AWSClusterRoleIdentity: { apiVersion: `${CAPI_INFRA}/v1beta2`, cluster: true },
    AWSClusterControllerIdentity: { apiVersion: `${CAPI_INFRA}/v1beta2`, cluster: true },
    AzureClusterIdentity: { apiVersion: `${CAPI_INFRA}/v1beta1`, cluster: false },
    VSphereClusterIdentity: { apiVersion: `${CAPI_INFRA}/v1beta1`, cluster: true },
  });

export interface IdentityRefLike {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface IdentityLocation {
  /** undefined: a kind clustermint does not know, named without an apiVersion */
  apiVersion: string | undefined;
  kind: string;
  name: string;
  namespace?: string;
  scope: 'namespaced' | 'cluster';
}

/**
 * Where an identityRef points, for every reader of identities (the controller, `check`/`apply`):
 * a ref with a namespace, or a namespaced kind, is in a namespace (the Credential's when the ref
 * names none); any other is cluster-scoped.
 */
export function identityLocation(ref: IdentityRefLike, credentialNamespace: string): IdentityLocation {
  const known = Object.hasOwn(KNOWN_IDENTITY_KINDS, ref.kind) ? KNOWN_IDENTITY_KINDS[ref.kind] : undefined;
  const apiVersion = ref.apiVersion ?? known?.apiVersion;
  const namespaced = ref.namespace !== undefined || known?.cluster === false;
  return namespaced
    ? {
        apiVersion,
        kind: ref.kind,
        name: ref.name,
        namespace: ref.namespace ?? credentialNamespace,
        scope: 'namespaced',
      }
    : { apiVersion, kind: ref.kind, name: ref.name, scope: 'cluster' };
}
