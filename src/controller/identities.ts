/**
 * Reading provider identities from the store, for the Credential reconciler and the providers'
 * identity checks: an identityRef's kind gives its API version (when the ref has none) and scope
 * (CAPA's static identities and SimulatedClusterIdentity are cluster-scoped; a Secret or an
 * AzureClusterIdentity lives in a namespace). Missing, or a kind the server does not serve (404):
 * not found. Forbidden (403): not found, with the grant the controller's ServiceAccount lacks.
 */
import type { ObjectReader } from '../providers/contract.js';
import { TerminalProviderError } from '../providers/errors.js';
import { isNotFound } from '../store/errors.js';
import type { KubeObject, Store } from '../store/types.js';
import { isForbidden } from './services/access.js';

/** The resource a grant names: `secrets`, `awsclusterstaticidentities.infrastructure.cluster.x-k8s.io`. */
function resourceName(apiVersion: string, kind: string): string {
  const plural = kind.toLowerCase().endsWith('y')
    ? `${kind.toLowerCase().slice(0, -1)}ies`
    : `${kind.toLowerCase()}s`;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return group ? `${plural}.${group}` : plural;
}

export type IdentityRead = { found: true; object: KubeObject } | { found: false; message?: string };

/** The object an identityRef names, or why it was not found (a message only when the controller may not read it). */
export async function readIdentity(
  store: Pick<Store, 'get'>,
  ref: { apiVersion: string | undefined; kind: string; name: string; namespace?: string },
): Promise<IdentityRead> {
  if (!ref.apiVersion)
    return {
      found: false,
      message: `${ref.kind} ${ref.name} cannot be looked up: spec.identityRef.apiVersion is required for a kind clustermint does not know`,
    };
  try {
    return {
      found: true,
      object: await store.get({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      }),
    };
  } catch (e) {
    if (isNotFound(e) || (e as { code?: unknown }).code === 404) return { found: false };
    if (isForbidden(e))
      return {
        found: false,
        message: `the controller may not read ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}: grant its ServiceAccount get on ${resourceName(ref.apiVersion, ref.kind)}${ref.namespace ? ` in ${ref.namespace}` : ''}`,
      };
    throw e;
  }
}

/** The reader a provider checks identities with: the store; forbidden is a terminal provider error naming the grant. */
export function providerObjectReader(store: Pick<Store, 'get'>): ObjectReader {
  return async (ref) => {
    const r = await readIdentity(store, ref);
    if (r.found) return r.object;
    if (r.message) throw new TerminalProviderError('IdentityUnreadable', r.message);
    return undefined;
  };
}
