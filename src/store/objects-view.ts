/**
 * A read-only view of objects given in files over a store (or over nothing): `get` and `list`
 * answer from the given objects first, then from the store. What `clustermint plan` reads
 * services through, so that a ServiceTemplate or ConfigMap in the files being planned is seen
 * as if it had been applied.
 */
import { matchesSelector, parseSelector } from '../k8s/label-selector.js';
import { groupOf, notFound } from './errors.js';
import type { KubeObject, ListOptions, ListResult, ObjectRef, ResourceType, Store } from './types.js';

const sameType = (o: { apiVersion: string; kind: string }, t: ResourceType) =>
  o.kind === t.kind && groupOf(o.apiVersion) === groupOf(t.apiVersion);
const idOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function objectsView(
  objects: readonly KubeObject[],
  under?: Pick<Store, 'get' | 'list'>,
): Pick<Store, 'get' | 'list'> {
  return {
    async get(ref: ObjectRef): Promise<KubeObject> {
      const hit = objects.find(
        (o) =>
          sameType(o, ref) &&
          o.metadata.name === ref.name &&
          (o.metadata.namespace ?? undefined) === (ref.namespace ?? undefined),
      );
      if (hit) return hit;
      if (under) return under.get(ref);
      throw notFound(ref);
    },
    async list(type: ResourceType, options: ListOptions = {}): Promise<ListResult> {
      const requirements = options.labelSelector ? parseSelector(options.labelSelector) : [];
      const mine = objects.filter(
        (o) =>
          sameType(o, type) &&
          (options.namespace === undefined || o.metadata.namespace === options.namespace) &&
          matchesSelector(requirements, o.metadata.labels ?? {}),
      );
      const theirs = under ? (await under.list(type, options)).items : [];
      const ids = new Set(mine.map(idOf));
      const items = [...mine, ...theirs.filter((o) => !ids.has(idOf(o)))].sort((a, b) =>
        idOf(a).localeCompare(idOf(b)),
      );
      return { items, resourceVersion: '0' };
    },
  };
}
