/**
 * The deletion guards on the embedded runtime (the webhook's in a cluster): a ClusterTemplate,
 * ServiceTemplate, chain or Credential that a ClusterDeployment or MultiClusterService uses is
 * not deleted; the users are listed live and the refusal is domain/deletion-guards.ts's.
 */
import { MULTI_CLUSTER_SERVICE_TYPE } from '../api/services.js';
import { deploymentUseFact, mcsUseFact } from '../controller/usage.js';
import type { DistributableKind } from '../domain/access.js';
import { deletionRefusal, type GuardedObject, usersOf } from '../domain/deletion-guards.js';
import { DISTRIBUTED_FROM_ANNOTATION } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import { chainTemplateNames } from '../gate/admission-inputs.js';
import type { KubeObject, ResourceType, Store } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';
import { CD_TYPE } from './embedded-run.js';

const GUARDED = new Set<string>([
  'ClusterTemplate',
  'ServiceTemplate',
  'ClusterTemplateChain',
  'ServiceTemplateChain',
  'Credential',
]);

export const isGuardedKind = (kind: string): kind is DistributableKind => GUARDED.has(kind);

const rec = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});

/** Why `o` may not be deleted now, or undefined. */
export async function refuseDeletion(
  store: Pick<Store, 'get' | 'list'>,
  type: ResourceType,
  o: KubeObject,
): Promise<string | undefined> {
  if (!isGuardedKind(type.kind)) return undefined;
  const namespace = o.metadata.namespace ?? 'default';
  const chainTemplates = type.kind.endsWith('Chain') ? chainTemplateNames(rec(o)) : undefined;
  const guarded: GuardedObject = {
    kind: type.kind,
    namespace,
    name: o.metadata.name,
    ...(chainTemplates ? { chainTemplates } : {}),
  };
  const deployments = (await store.list(CD_TYPE)).items.map(deploymentUseFact);
  const mcs = (await store.list(MULTI_CLUSTER_SERVICE_TYPE)).items.map(mcsUseFact);
  // an object of the system namespace is also used through its distributed copies
  let copies: Set<string> | undefined;
  if (namespace === SYSTEM_NAMESPACE) {
    const from = `${SYSTEM_NAMESPACE}/${o.metadata.name}`;
    copies = new Set(
      (await store.list(type)).items
        .filter((c) => c.metadata.namespace !== SYSTEM_NAMESPACE)
        .filter((c) => c.metadata.annotations?.[DISTRIBUTED_FROM_ANNOTATION] === from)
        .map((c) => c.metadata.namespace ?? 'default'),
    );
  }
  return deletionRefusal(guarded, usersOf(guarded, deployments, mcs, copies));
}
