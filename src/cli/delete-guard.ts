/**
 * The deletion guards on the embedded runtime (the webhook's in a cluster): a ClusterTemplate,
 * ServiceTemplate, chain or Credential that a ClusterDeployment or MultiClusterService uses is
 * not deleted; the users are listed live and the refusal is domain/deletion-guards.ts's.
 */
import { MULTI_CLUSTER_SERVICE_TYPE } from '../api/services.js';
import type { DistributableKind } from '../domain/access.js';
import {
  type DeploymentUseFact,
  deletionRefusal,
  type GuardedObject,
  type McsUseFact,
  usersOf,
} from '../domain/deletion-guards.js';
import { DISTRIBUTED_FROM_ANNOTATION } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
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
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The templates and chains a serviceSpec names. */
function serviceUses(spec: unknown): { serviceTemplates: string[]; serviceChains: string[] } {
  const services = rec(rec(spec).serviceSpec).services;
  const list = Array.isArray(services) ? services.map(rec) : [];
  return {
    serviceTemplates: list.map((s) => str(s.template)).filter((x): x is string => x !== undefined),
    serviceChains: list.map((s) => str(s.templateChain)).filter((x): x is string => x !== undefined),
  };
}

export function deploymentUse(o: KubeObject): DeploymentUseFact {
  const spec = rec(o.spec);
  const applied = str(rec(rec(o.status).applied).template);
  const credential = str(spec.credential);
  return {
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name,
    template: str(spec.template) ?? '',
    ...(applied !== undefined ? { appliedTemplate: applied } : {}),
    ...(credential !== undefined ? { credential } : {}),
    ...serviceUses(spec),
  };
}

export const mcsUse = (o: KubeObject): McsUseFact => ({ name: o.metadata.name, ...serviceUses(o.spec) });

/** Why `o` may not be deleted now, or undefined. */
export async function refuseDeletion(
  store: Pick<Store, 'get' | 'list'>,
  type: ResourceType,
  o: KubeObject,
): Promise<string | undefined> {
  if (!isGuardedKind(type.kind)) return undefined;
  const namespace = o.metadata.namespace ?? 'default';
  const spec = rec(o.spec);
  const chainTemplates = type.kind.endsWith('Chain')
    ? (Array.isArray(spec.supportedTemplates) ? spec.supportedTemplates.map(rec) : []).flatMap((t) => [
        ...(str(t.name) ? [str(t.name) as string] : []),
        ...(Array.isArray(t.availableUpgrades) ? t.availableUpgrades.map(rec) : [])
          .map((u) => str(u.name))
          .filter((x): x is string => x !== undefined),
      ])
    : undefined;
  const guarded: GuardedObject = {
    kind: type.kind,
    namespace,
    name: o.metadata.name,
    ...(chainTemplates ? { chainTemplates } : {}),
  };
  const deployments = (await store.list(CD_TYPE)).items.map(deploymentUse);
  const mcs = (await store.list(MULTI_CLUSTER_SERVICE_TYPE)).items.map(mcsUse);
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
