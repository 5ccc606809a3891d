/**
 * Deletion guards (k0rdent's): a template, chain or Credential a ClusterDeployment or
 * MultiClusterService uses cannot be deleted; the refusal names the users. One rule for the
 * webhook and the embedded runtime.
 */
import type { DistributableKind } from './access.js';
import { SYSTEM_NAMESPACE } from './system-namespace.js';

export interface UserFact {
  kind: 'ClusterDeployment' | 'MultiClusterService';
  namespace?: string;
  name: string;
}

export interface GuardedObject {
  kind: DistributableKind;
  namespace: string;
  name: string;
  chainTemplates?: readonly string[];
}

export interface DeploymentUseFact {
  namespace: string;
  name: string;
  template: string;
  appliedTemplate?: string;
  credential?: string;
  serviceTemplates: readonly string[];
  serviceChains: readonly string[];
}

export interface McsUseFact {
  name: string;
  serviceTemplates: readonly string[];
  serviceChains: readonly string[];
}

/** Users named in a refusal; the rest are counted. */
const MAX_NAMED = 5;

function deploymentUses(o: GuardedObject, d: DeploymentUseFact): boolean {
  switch (o.kind) {
    case 'ClusterTemplate':
      return d.template === o.name || d.appliedTemplate === o.name;
    case 'ClusterTemplateChain': {
      const names = o.chainTemplates ?? [];
      return (
        names.includes(d.template) || (d.appliedTemplate !== undefined && names.includes(d.appliedTemplate))
      );
    }
    case 'ServiceTemplate':
      return d.serviceTemplates.includes(o.name);
    case 'ServiceTemplateChain':
      return d.serviceChains.includes(o.name);
    case 'Credential':
      return d.credential === o.name;
  }
}

function mcsUses(o: GuardedObject, m: McsUseFact): boolean {
  if (o.kind === 'ServiceTemplate') return m.serviceTemplates.includes(o.name);
  if (o.kind === 'ServiceTemplateChain') return m.serviceChains.includes(o.name);
  return false;
}

/**
 * Who uses the object; objects of the system namespace are also used through their distributed
 * copies (same name, any namespace, when `copies` says a copy exists there). MultiClusterServices
 * (cluster-scoped) take their templates from the system namespace.
 */
export function usersOf(
  o: GuardedObject,
  deployments: readonly DeploymentUseFact[],
  mcs: readonly McsUseFact[],
  copies?: ReadonlySet<string>,
): UserFact[] {
  const system = o.namespace === SYSTEM_NAMESPACE;
  const sees = (ns: string) => ns === o.namespace || (system && copies?.has(ns) === true);
  const users: UserFact[] = deployments
    .filter((d) => sees(d.namespace) && deploymentUses(o, d))
    .map((d) => ({ kind: 'ClusterDeployment', namespace: d.namespace, name: d.name }));
  if (system)
    for (const m of mcs) if (mcsUses(o, m)) users.push({ kind: 'MultiClusterService', name: m.name });
  return users;
}

const userName = (u: UserFact) => (u.namespace ? `${u.namespace}/${u.name}` : u.name);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The denial text, or undefined when nothing uses the object. At most five users are named. */
export function deletionRefusal(o: GuardedObject, users: readonly UserFact[]): string | undefined {
  if (users.length === 0) return undefined;
  const sorted = [...users].sort((a, b) => compare(a.kind, b.kind) || compare(userName(a), userName(b)));
  const named = sorted.slice(0, MAX_NAMED);
  const groups: string[] = [];
  for (const kind of ['ClusterDeployment', 'MultiClusterService'] as const) {
    const of = named.filter((u) => u.kind === kind).map(userName);
    if (of.length) groups.push(`${kind} ${of.join(', ')}`);
  }
  const more = sorted.length - named.length;
  return `${o.kind} ${o.namespace}/${o.name} is in use and cannot be deleted: used by ${groups.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
