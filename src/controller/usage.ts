/**
 * Who uses what, read leniently from stored ClusterDeployments and MultiClusterServices: the
 * facts of domain/deletion-guards.ts (a revoked copy that is still used stays, labelled).
 */
import type { DeploymentUseFact, McsUseFact } from '../domain/deletion-guards.js';
import type { KubeObject } from '../store/types.js';
import { isPlainObject } from '../util/plain-object.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The templates and chains of a serviceSpec's services. */
function servicesOf(spec: unknown): { serviceTemplates: string[]; serviceChains: string[] } {
  const ss = isPlainObject(spec) && isPlainObject(spec.serviceSpec) ? spec.serviceSpec : {};
  const services = Array.isArray(ss.services) ? ss.services.filter(isPlainObject) : [];
  return {
    serviceTemplates: services.flatMap((s) => str(s.template) ?? []),
    serviceChains: services.flatMap((s) => str(s.templateChain) ?? []),
  };
}

export function deploymentUseFact(cd: KubeObject): DeploymentUseFact {
  const spec = isPlainObject(cd.spec) ? cd.spec : {};
  const applied = isPlainObject(cd.status) && isPlainObject(cd.status.applied) ? cd.status.applied : {};
  const appliedTemplate = str(applied.template);
  const credential = str(spec.credential);
  return {
    namespace: cd.metadata.namespace ?? 'default',
    name: cd.metadata.name,
    template: str(spec.template) ?? '',
    ...(appliedTemplate ? { appliedTemplate } : {}),
    ...(credential ? { credential } : {}),
    ...servicesOf(spec),
  };
}

export function mcsUseFact(m: KubeObject): McsUseFact {
  return { name: m.metadata.name, ...servicesOf(m.spec) };
}
