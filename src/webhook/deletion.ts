/**
 * Deletion guards (k0rdent's): a ClusterTemplate, ServiceTemplate, chain or Credential that a
 * ClusterDeployment or MultiClusterService uses cannot be deleted. The decision is pure
 * (`admitDeletion`, the domain's texts); the users are listed live by the server
 * (`liveUsers`), never from the snapshot: a deployment created a second ago counts.
 */
import {
  type DeploymentUseFact,
  deletionRefusal,
  type GuardedObject,
  type McsUseFact,
  type UserFact,
  usersOf,
} from '../domain/deletion-guards.js';
import { DISTRIBUTED_FROM_ANNOTATION, MANAGED_LABEL } from '../domain/labels.js';
import { SYSTEM_NAMESPACE } from '../domain/system-namespace.js';
import type { ResourceType, Store } from '../store/types.js';
import { isPlainObject, type PlainObject } from '../util/plain-object.js';
import { type AdmissionRequest, type AdmissionResponse, allow, deny } from './review.js';

const obj = (v: unknown): PlainObject => (isPlainObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const GUARDED = new Set<GuardedObject['kind']>([
  'ClusterTemplate',
  'ServiceTemplate',
  'ClusterTemplateChain',
  'ServiceTemplateChain',
  'Credential',
]);
const GROUPS = new Set(['clustermint.io', 'k0rdent.mirantis.com']);
const V1 = 'clustermint.io/v1alpha1';

/** A DELETE the guards judge (not a subresource, one of the guarded kinds). */
export function isGuardedDeletion(req: AdmissionRequest): boolean {
  return (
    req.operation === 'DELETE' &&
    !req.subResource &&
    GROUPS.has(req.kind.group) &&
    GUARDED.has(req.kind.kind as GuardedObject['kind'])
  );
}

/** The template names a chain's spec lists (supported templates and their upgrade targets). */
function chainTemplates(chain: PlainObject | undefined): string[] {
  const out = new Set<string>();
  for (const e of list(obj(obj(chain).spec).supportedTemplates)) {
    if (str(obj(e).name)) out.add(str(obj(e).name));
    for (const u of list(obj(e).availableUpgrades)) if (str(obj(u).name)) out.add(str(obj(u).name));
  }
  return [...out];
}

/** What is being deleted, from the request (the old object is the one going away). */
export function guardedObject(req: AdmissionRequest): GuardedObject {
  const kind = req.kind.kind as GuardedObject['kind'];
  const chain = kind === 'ClusterTemplateChain' || kind === 'ServiceTemplateChain';
  return {
    kind,
    namespace: req.namespace,
    name: req.name || str(obj(obj(req.oldObject).metadata).name),
    ...(chain ? { chainTemplates: chainTemplates(req.oldObject) } : {}),
  };
}

/** Allowed when nothing uses the object; else denied naming the users (at most five). */
export function admitDeletion(req: AdmissionRequest, users: readonly UserFact[]): AdmissionResponse {
  const refusal = deletionRefusal(guardedObject(req), users);
  return refusal === undefined ? allow(req.uid) : deny(req.uid, refusal);
}

/** The services of a serviceSpec as raw names (a broken object still uses what it names). */
function services(owner: PlainObject): { templates: string[]; chains: string[] } {
  const templates = new Set<string>();
  const chains = new Set<string>();
  for (const s of list(obj(obj(owner.spec).serviceSpec).services)) {
    if (str(obj(s).template)) templates.add(str(obj(s).template));
    if (str(obj(s).templateChain)) chains.add(str(obj(s).templateChain));
  }
  return { templates: [...templates], chains: [...chains] };
}

/** What a ClusterDeployment object uses: its spec, and what the controller applied (status.applied). */
export function deploymentUse(cd: PlainObject): DeploymentUseFact {
  const meta = obj(cd.metadata);
  const spec = obj(cd.spec);
  const applied = obj(obj(cd.status).applied);
  const s = services(cd);
  return {
    namespace: str(meta.namespace),
    name: str(meta.name),
    template: str(spec.template),
    ...(str(applied.template) ? { appliedTemplate: str(applied.template) } : {}),
    ...(str(spec.credential) ? { credential: str(spec.credential) } : {}),
    serviceTemplates: s.templates,
    serviceChains: s.chains,
  };
}

export function mcsUse(mcs: PlainObject): McsUseFact {
  const s = services(mcs);
  return { name: str(obj(mcs.metadata).name), serviceTemplates: s.templates, serviceChains: s.chains };
}

/** Every object of a kind (in a namespace); a kind the server does not serve has none. */
async function listed(
  store: Pick<Store, 'list'>,
  type: ResourceType,
  namespace?: string,
): Promise<PlainObject[]> {
  try {
    return (await store.list(type, namespace ? { namespace } : {})).items as unknown as PlainObject[];
  } catch (e) {
    // the store's discovery answers 404 for a kind whose CRD is not installed
    if ((e as { code?: unknown }).code === 404) return [];
    throw e;
  }
}

/**
 * The users of `o`, listed now: the ClusterDeployments of its namespace (of every namespace for
 * an object of the system namespace, which is used through its distributed copies) and the
 * MultiClusterServices. Throws what the store throws (the server denies: a guard that cannot
 * look must not let the deletion through).
 */
export async function liveUsers(store: Pick<Store, 'list'>, o: GuardedObject): Promise<UserFact[]> {
  const system = o.namespace === SYSTEM_NAMESPACE;
  const [deployments, mcs, copies] = await Promise.all([
    listed(store, { apiVersion: V1, kind: 'ClusterDeployment' }, system ? undefined : o.namespace),
    listed(store, { apiVersion: V1, kind: 'MultiClusterService' }),
    system ? listed(store, { apiVersion: V1, kind: o.kind }) : Promise.resolve([]),
  ]);
  const origin = `${SYSTEM_NAMESPACE}/${o.name}`;
  const copyNamespaces = new Set(
    copies
      .filter((c) => {
        const meta = obj(c.metadata);
        return (
          obj(meta.labels)[MANAGED_LABEL] === 'true' &&
          obj(meta.annotations)[DISTRIBUTED_FROM_ANNOTATION] === origin
        );
      })
      .map((c) => str(obj(c.metadata).namespace)),
  );
  return usersOf(o, deployments.map(deploymentUse), mcs.map(mcsUse), system ? copyNamespaces : undefined);
}
