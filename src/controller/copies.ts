/**
 * Distributed copies (access-management.ts): a managed object's origin in the system namespace.
 * A copy's chart or manifests are read through its origin, whose sources (HelmRepository,
 * ConfigMap, ...) live in the system namespace, not in the team's.
 */
import { DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { getIfExists } from '../store/errors.js';
import type { KubeObject, Store } from '../store/types.js';

export function isManagedCopy(o: KubeObject): boolean {
  return (
    o.metadata.labels?.[MANAGED_LABEL] === 'true' && (o.metadata.namespace ?? 'default') !== SYSTEM_NAMESPACE
  );
}

/** The object a managed copy was made from, when it still exists (a catalog template's copy has none). */
export async function originOf(store: Pick<Store, 'get'>, o: KubeObject): Promise<KubeObject | undefined> {
  if (!isManagedCopy(o)) return undefined;
  const from = o.metadata.annotations?.[DISTRIBUTED_FROM_ANNOTATION];
  if (from !== `${SYSTEM_NAMESPACE}/${o.metadata.name}`) return undefined;
  return getIfExists(store, {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: SYSTEM_NAMESPACE,
    name: o.metadata.name,
  });
}
