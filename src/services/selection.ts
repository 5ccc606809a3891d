/**
 * Which services a cluster should run: its ClusterDeployment's own serviceSpec plus those of the
 * MultiClusterServices whose clusterSelector matches its labels (an empty selector matches no
 * cluster, as in k0rdent and Cluster API's ClusterResourceSet). Two owners wanting one service
 * (namespace and name): the higher priority wins; on a tie the ClusterDeployment's own wins, then
 * the MultiClusterService first by name, and the tie is reported. Likewise for two services
 * rendering one object.
 */
import { matchesSelector, type Requirement } from '../k8s/label-selector.js';
import { LABEL_VALUE, qualifiedNameErrors } from '../k8s/names.js';
import { append } from '../util/append.js';
import { entryKey } from './inventory.js';
import {
  DEFAULT_PRIORITY,
  DEFAULT_SERVICE_NAMESPACE,
  DEFAULT_SYNC_MODE,
  type DesiredService,
  type LabelSelector,
  type ServiceSpec,
  serviceKey,
} from './types.js';

export type { DesiredService } from './types.js';

/**
 * metav1.LabelSelector matching. An absent selector counts as an empty one (the kinds' selectors
 * are not pointers); `emptyMatches` says what an empty one matches. A selector that
 * LabelSelectorAsSelector refuses is an error.
 */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
  emptyMatches: 'everything' | 'nothing',
): boolean | { error: string } {
  const reqs = requirements(selector ?? {});
  if ('error' in reqs) return reqs;
  if (reqs.length === 0) return emptyMatches === 'everything';
  return matchesSelector(reqs, labels);
}

function requirements(selector: LabelSelector): Requirement[] | { error: string } {
  const reqs: Requirement[] = [];
  const keyError = (path: string, key: string) => {
    const errs = typeof key === 'string' ? qualifiedNameErrors(key) : ['must be a string'];
    return errs.length > 0
      ? { error: `${path}: Invalid value: ${JSON.stringify(key)}: ${errs.join('; ')}` }
      : undefined;
  };
  const valueError = (path: string, v: string) =>
    typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)
      ? {
          error: `${path}: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters`,
        }
      : undefined;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const err =
      keyError(`matchLabels[${JSON.stringify(k)}]`, k) ?? valueError(`matchLabels[${JSON.stringify(k)}]`, v);
    if (err) return err;
    reqs.push({ key: k, op: 'in', values: [v] });
  }
  for (const [i, expr] of (selector.matchExpressions ?? []).entries()) {
    const path = `matchExpressions[${i}]`;
    const err = keyError(`${path}.key`, expr.key);
    if (err) return err;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          return { error: `${path}.values: for 'In', 'NotIn' operators, values set can't be empty` };
        for (const [j, v] of values.entries()) {
          const verr = valueError(`${path}.values[${j}]`, v);
          if (verr) return verr;
        }
        reqs.push({ key: expr.key, op: expr.operator === 'In' ? 'in' : 'notin', values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          return { error: `${path}.values: values set must be empty for Exists and DoesNotExist` };
        reqs.push({ key: expr.key, op: expr.operator === 'Exists' ? 'exists' : 'notexists' });
        break;
      default:
        return {
          error: `${path}.operator: ${JSON.stringify(expr.operator)} is not a valid label selector operator`,
        };
    }
  }
  return reqs;
}

export interface ServiceConflict {
  /** `namespace/name` of the contested service. */
  key: string;
  winner: string;
  losers: string[];
  message: string;
}

export interface MultiClusterServiceInput {
  name: string;
  spec: { clusterSelector?: LabelSelector; serviceSpec?: ServiceSpec; dependsOn?: string[] };
}

export function desiredServicesFor(
  cluster: { namespace: string; name: string; labels: Record<string, string> },
  own: { owner: string; spec: ServiceSpec } | undefined,
  multiClusterServices: readonly MultiClusterServiceInput[],
): {
  services: DesiredService[];
  conflicts: ServiceConflict[];
  /** MultiClusterServices whose clusterSelector is invalid (they match nothing). */
  invalidSelectors: { owner: string; message: string }[];
} {
  // Candidates in precedence order for ties: the ClusterDeployment's own, then MCS by name.
  const candidates: DesiredService[] = [];
  const invalidSelectors: { owner: string; message: string }[] = [];
  if (own) append(candidates, fromSpec(own.owner, own.spec, []));
  const sorted = [...multiClusterServices].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const mcs of sorted) {
    const owner = `MultiClusterService/${mcs.name}`;
    const match = matchesLabelSelector(mcs.spec.clusterSelector, cluster.labels, 'nothing');
    if (typeof match === 'object') {
      invalidSelectors.push({ owner, message: `clusterSelector.${match.error}` });
      continue;
    }
    if (match) append(candidates, fromSpec(owner, mcs.spec.serviceSpec ?? {}, mcs.spec.dependsOn ?? []));
  }

  const byKey = new Map<string, DesiredService[]>();
  for (const c of candidates) {
    const list = byKey.get(c.key) ?? [];
    // One owner naming a service twice: its first entry counts.
    if (!list.some((x) => x.owner === c.owner)) list.push(c);
    byKey.set(c.key, list);
  }
  const services: DesiredService[] = [];
  const conflicts: ServiceConflict[] = [];
  for (const [key, list] of byKey) {
    const top = Math.max(...list.map((c) => c.priority));
    const tied = list.filter((c) => c.priority === top);
    const winner = tied[0];
    services.push(winner);
    if (tied.length > 1) {
      const losers = tied.slice(1).map((c) => c.owner);
      conflicts.push({
        key,
        winner: winner.owner,
        losers,
        message: `service ${key} on cluster ${cluster.namespace}/${cluster.name} is wanted by ${[winner.owner, ...losers].join(', ')} with the same priority ${top}: ${winner.owner} wins`,
      });
    }
  }
  return { services, conflicts, invalidSelectors };
}

function fromSpec(owner: string, spec: ServiceSpec, ownerDependsOn: string[]): DesiredService[] {
  return (spec.services ?? [])
    .filter((s) => !s.disable)
    .map((s) => ({
      ...s,
      namespace: s.namespace || DEFAULT_SERVICE_NAMESPACE,
      key: serviceKey(s),
      owner,
      priority: spec.priority ?? DEFAULT_PRIORITY,
      syncMode: spec.syncMode ?? DEFAULT_SYNC_MODE,
      driftExclusions: spec.driftExclusions ?? [],
      stopOnConflict: spec.stopOnConflict ?? false,
      continueOnError: spec.continueOnError ?? false,
      ownerDependsOn: [...ownerDependsOn],
    }));
}

export interface ObjectConflict {
  /** The object's key, `group/kind/namespace/name`. */
  object: string;
  /** The services rendering it, in the order given. */
  owners: string[];
  winner: string;
}

/**
 * Objects rendered by more than one service: the highest priority keeps it, a tie goes to the
 * first service given. Each contested object is reported once.
 */
export function objectConflicts(
  rendered: readonly {
    service: string;
    priority: number;
    objects: readonly { apiVersion: string; kind: string; namespace?: string; name: string }[];
  }[],
): ObjectConflict[] {
  const claims = new Map<string, { service: string; priority: number }[]>();
  for (const r of rendered) {
    for (const o of r.objects) {
      const key = entryKey(o);
      const list = claims.get(key) ?? [];
      if (!list.some((c) => c.service === r.service)) list.push({ service: r.service, priority: r.priority });
      claims.set(key, list);
    }
  }
  const out: ObjectConflict[] = [];
  for (const [object, list] of claims) {
    if (list.length < 2) continue;
    const winner = list.reduce((best, c) => (c.priority > best.priority ? c : best));
    out.push({ object, owners: list.map((c) => c.service), winner: winner.service });
  }
  return out;
}
