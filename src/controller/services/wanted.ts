/**
 * Which services a cluster should run: its ClusterDeployment's own `spec.serviceSpec`, and every
 * MultiClusterService whose selector matches its labels (priority decides between two that want
 * the same service; MultiClusterServices in a dependsOn cycle or naming a missing one are left
 * out, with a condition). Read the same way by the controller and by `clustermint plan`.
 */
import { MULTI_CLUSTER_SERVICE_TYPE, readServiceSpec } from '../../api/services.js';
import { multiClusterServiceCycle } from '../../services/dependencies.js';
import { desiredServicesFor } from '../../services/selection.js';
import type { DesiredService, LabelSelector, ServiceSpec } from '../../services/types.js';
import type { KubeObject, Store } from '../../store/types.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';

export const MCS_TYPE = MULTI_CLUSTER_SERVICE_TYPE;

export interface ConditionInput {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface WantedServices {
  desired: DesiredService[];
  /** Conditions for the deployment (an invalid serviceSpec, a MultiClusterService cycle, ...). */
  conditions: ConditionInput[];
  /** Two owners with the same priority wanting one service: [reason, message] for an event. */
  warnings: string[];
  /** Owners whose services stay on clusters they no longer select (keepServicesOnSelectorMismatch). */
  keepOwners: Set<string>;
  /** The deployment's own serviceSpec does not read: nothing is delivered or removed. */
  invalid: boolean;
}

export async function wantedServices(store: Pick<Store, 'list'>, cd: KubeObject): Promise<WantedServices> {
  const ns = cd.metadata.namespace ?? 'default';
  const out: WantedServices = {
    desired: [],
    conditions: [],
    warnings: [],
    keepOwners: new Set(),
    invalid: false,
  };
  const spec = (isPlainObject(cd.spec) ? cd.spec : {}) as PlainObject;
  const own =
    spec.serviceSpec !== undefined ? readServiceSpec(spec.serviceSpec, ['spec', 'serviceSpec']) : undefined;
  if (own && 'problems' in own) {
    out.invalid = true;
    out.conditions.push({
      type: 'ServicesReferencesValidation',
      status: 'False',
      reason: 'InvalidServiceSpec',
      message: own.problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    });
    return out;
  }
  const mcs: {
    name: string;
    spec: { clusterSelector?: LabelSelector; serviceSpec: ServiceSpec; dependsOn: string[] };
  }[] = [];
  for (const m of (await store.list(MCS_TYPE)).items) {
    if (m.metadata.deletionTimestamp) continue;
    const mspec = (isPlainObject(m.spec) ? m.spec : {}) as PlainObject;
    const read = readServiceSpec(mspec.serviceSpec ?? {}, ['spec', 'serviceSpec']);
    if ('problems' in read) {
      out.warnings.push(
        `MultiClusterService ${m.metadata.name} is not delivered: ${read.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
      continue;
    }
    if (mspec.keepServicesOnSelectorMismatch === true)
      out.keepOwners.add(`MultiClusterService/${m.metadata.name}`);
    mcs.push({
      name: m.metadata.name,
      spec: {
        ...(isPlainObject(mspec.clusterSelector)
          ? { clusterSelector: mspec.clusterSelector as LabelSelector }
          : {}),
        serviceSpec: read.spec as ServiceSpec,
        dependsOn: Array.isArray(mspec.dependsOn)
          ? mspec.dependsOn.filter((d): d is string => typeof d === 'string')
          : [],
      },
    });
  }
  const cycle = multiClusterServiceCycle(mcs.map((m) => ({ name: m.name, dependsOn: m.spec.dependsOn })));
  const left = new Set('error' in cycle ? cycle.error.services : []);
  if ('error' in cycle)
    out.conditions.push({
      type: 'MultiClusterServiceDependencyValidation',
      status: 'False',
      reason: cycle.error.reason,
      message: `MultiClusterServices ${[...left].join(', ')} are not delivered: ${cycle.error.message}`,
    });
  const selection = desiredServicesFor(
    { namespace: ns, name: cd.metadata.name, labels: cd.metadata.labels ?? {} },
    own && 'spec' in own
      ? { owner: `ClusterDeployment/${ns}/${cd.metadata.name}`, spec: own.spec as ServiceSpec }
      : undefined,
    mcs.filter((m) => !left.has(m.name)),
  );
  for (const c of selection.conflicts)
    for (const loser of c.losers)
      out.warnings.push(`service ${c.key}: ${c.message} (${c.winner} wins over ${loser})`);
  for (const s of selection.invalidSelectors) out.warnings.push(`${s.owner}: ${s.message}`);
  out.desired = selection.services;
  return out;
}
