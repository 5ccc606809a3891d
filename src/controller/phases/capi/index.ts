/** Which deployments the capi provider runs: a topology Cluster, or one no built-in plugin serves. */
import type { RenderedObject } from '../../../k8s/object.js';
import type { ManagementCluster } from '../../../providers/capi/management-cluster.js';
import { isPlainObject, type PlainObject } from '../../../util/plain-object.js';
import type { PassContext } from '../context.js';
import { type CapiSet, capiSet } from './objects.js';

export { deleteCapiCluster } from './deletion.js';
export { reconcileCapi } from './pass.js';

export function capiFor(
  ctx: PassContext,
  objects: readonly PlainObject[],
): { capi: ManagementCluster; set: CapiSet } | undefined {
  const capi = ctx.o.capi;
  if (!capi) return undefined;
  // The gate's objects passed their schemas: apiVersion, kind and metadata are there.
  const set = capiSet(objects as unknown as readonly RenderedObject[]);
  if (!set) return undefined;
  if (set.topology) return { capi, set };
  const ref = (set.cluster.spec as Record<string, unknown> | undefined)?.infrastructureRef;
  if (!isPlainObject(ref) || typeof ref.kind !== 'string') return { capi, set };
  const served = ctx.o.registry.servesInfrastructure({
    kind: ref.kind,
    ...(typeof ref.apiGroup === 'string' ? { apiGroup: ref.apiGroup } : {}),
    ...(typeof ref.apiVersion === 'string' ? { apiVersion: ref.apiVersion } : {}),
    name: typeof ref.name === 'string' ? ref.name : '',
  });
  return served ? undefined : { capi, set };
}
