/**
 * `$teamLabels`, one rule for every entry point (check, apply, the controller, the webhook): the
 * labels of the team's Namespace object as the platform stored it, in the embedded state or in
 * the cluster. A submission never sets them: `apply` refuses Namespace documents, and the
 * platform labels a namespace with `clustermint namespace label` or on the cluster.
 */
import { isPlainObject } from '../util/plain-object.js';
import { isNotFound } from './errors.js';
import type { Store } from './types.js';

export const NAMESPACE_TYPE = { apiVersion: 'v1', kind: 'Namespace' } as const;

/** Whether a document is a core/v1 Namespace. */
export function isNamespaceDocument(v: unknown): boolean {
  return isPlainObject(v) && v.kind === 'Namespace' && v.apiVersion === 'v1';
}

/** The team labels a Namespace object gives: its string-valued labels, copied. */
export function namespaceTeamLabels(namespace: unknown): Record<string, string> {
  const meta = isPlainObject(namespace) && isPlainObject(namespace.metadata) ? namespace.metadata : {};
  const labels: Record<string, string> = {};
  if (isPlainObject(meta.labels))
    for (const [k, v] of Object.entries(meta.labels)) if (typeof v === 'string') labels[k] = v;
  return labels;
}

/** The team labels of a namespace in a store, undefined when the store has no such Namespace. */
export async function storedTeamLabels(
  store: Pick<Store, 'get'>,
  namespace: string,
): Promise<Record<string, string> | undefined> {
  try {
    return namespaceTeamLabels(await store.get({ ...NAMESPACE_TYPE, name: namespace }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
