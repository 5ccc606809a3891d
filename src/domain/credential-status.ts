/**
 * Whether a Credential is Ready (its identity exists and the Credential may use it), and the
 * `clusterIdentity` value a Ready Credential gives the chart, as k0rdent's fillHelmValues does.
 */
import { type LabelSelectorFact, labelSelectorMatches } from './label-selector.js';
import { SYSTEM_NAMESPACE } from './system-namespace.js';

export interface IdentityRefFact {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface CredentialFact {
  namespace: string;
  name: string;
  identity?: IdentityRefFact;
  /** carries clustermint.io/managed */
  managed: boolean;
  /** the identity object: found, or why not */
  identityFound: boolean;
  identityScope: 'namespaced' | 'cluster';
  /** a cluster-scoped identity's allowedNamespaces (CAPA's): undefined = not set */
  allowedNamespaces?: { list?: readonly string[]; selector?: LabelSelectorFact };
  /** why the identity was not found, when the gatherer knows more than "absent" (e.g. forbidden) */
  identityError?: string;
}

export interface CredentialReadiness {
  ready: boolean;
  reason: 'IdentityFound' | 'IdentityNotFound' | 'IdentityOutOfScope' | 'InvalidSpec';
  message: string;
}

function describe(id: IdentityRefFact, namespace: string, scope: 'namespaced' | 'cluster'): string {
  return scope === 'cluster' ? `${id.kind} ${id.name}` : `${id.kind} ${id.namespace ?? namespace}/${id.name}`;
}

/**
 * CAPA's rule for a cluster-scoped identity: unset admits no namespace; set with neither a list
 * nor a selector admits every namespace; otherwise the list, or a non-empty selector matching the
 * namespace's labels (an empty selector matches nothing).
 */
export function allowedNamespacesAdmit(
  allowed: CredentialFact['allowedNamespaces'],
  namespace: string,
  namespaceLabels: Record<string, string>,
): boolean {
  if (allowed === undefined) return false;
  const list = allowed.list ?? [];
  const sel = allowed.selector;
  const emptySel =
    !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (list.length === 0 && emptySel) return true;
  if (list.includes(namespace)) return true;
  return !emptySel && sel !== undefined && labelSelectorMatches(sel, namespaceLabels);
}

/**
 * Ready iff the identity exists and the Credential may use it. In tenancy mode a Credential
 * outside the system namespace that is not a distributed copy (verified: `distributed`) may
 * reference only an identity in its own namespace, or a cluster-scoped one whose
 * allowedNamespaces admit its namespace; otherwise IdentityOutOfScope, naming the identity.
 */
export function credentialReadiness(
  c: CredentialFact,
  o: { tenancy: boolean; distributed: boolean; namespaceLabels: Record<string, string> },
): CredentialReadiness {
  const id = c.identity;
  if (!id?.kind || !id.name)
    return {
      ready: false,
      reason: 'InvalidSpec',
      message: 'spec.identityRef with a kind and a name is required',
    };
  const what = describe(id, c.namespace, c.identityScope);
  if (!c.identityFound)
    return {
      ready: false,
      reason: 'IdentityNotFound',
      message: c.identityError ?? `ClusterIdentity ${what} not found`,
    };
  const exempt = !o.tenancy || c.namespace === SYSTEM_NAMESPACE || (c.managed && o.distributed);
  if (!exempt) {
    const inScope =
      c.identityScope === 'namespaced'
        ? (id.namespace ?? c.namespace) === c.namespace
        : allowedNamespacesAdmit(c.allowedNamespaces, c.namespace, o.namespaceLabels);
    if (!inScope)
      return {
        ready: false,
        reason: 'IdentityOutOfScope',
        message:
          c.identityScope === 'namespaced'
            ? `ClusterIdentity ${what} is outside namespace ${c.namespace}: a Credential may reference only an identity of its own namespace`
            : `ClusterIdentity ${what} does not admit namespace ${c.namespace} (its spec.allowedNamespaces)`,
      };
  }
  return { ready: true, reason: 'IdentityFound', message: `ClusterIdentity ${what} found` };
}

/** The `clusterIdentity` value k0rdent's fillHelmValues gives a chart. */
export interface ClusterIdentityValue {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace: string;
}

/**
 * The identityRef as the chart's `clusterIdentity` value. A reference without a namespace means
 * the Credential's own namespace (where a namespaced identity such as a Secret must live).
 */
export function identityValues(
  identityRef: IdentityRefFact,
  credentialNamespace: string,
): ClusterIdentityValue {
  return {
    ...(identityRef.apiVersion ? { apiVersion: identityRef.apiVersion } : {}),
    kind: identityRef.kind,
    name: identityRef.name,
    namespace: identityRef.namespace || credentialNamespace,
  };
}
