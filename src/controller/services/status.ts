/**
 * Where services' states are written: the deployment's `status.services` and conditions
 * (`ServicesInReadyState` "2/3", `WorkloadReachable`, ...), and, for services a
 * MultiClusterService owns, that MultiClusterService's `status.matchingClusters` and
 * `status.services` entries for the cluster, with `ClusterInReadyState` "deployed/matching".
 * A state keeps its lastStateTransitionTime until the state changes. Writes retry on a conflict
 * (the deployment reconciler writes the same status).
 */

import { MULTI_CLUSTER_SERVICE_TYPE } from '../../api/services.js';
import type { ServiceState } from '../../services/types.js';
import { isNotFound } from '../../store/errors.js';
import { retryOnConflict } from '../../store/modify.js';
import type { KubeObject, Store } from '../../store/types.js';
import { append } from '../../util/append.js';
import type { PlainObject } from '../../util/plain-object.js';
import { type Condition, setCondition } from '../conditions.js';
import { sameJson } from '../machines.js';

const CD_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };
const MCS_TYPE = MULTI_CLUSTER_SERVICE_TYPE;
type ConditionInput = { type: string; status: 'True' | 'False'; reason: string; message: string };

function withTimes(
  next: Omit<ServiceState, 'lastStateTransitionTime'>[],
  previous: ServiceState[],
  nowIso: string,
): ServiceState[] {
  const prev = new Map(previous.map((s) => [`${s.namespace}/${s.name}`, s]));
  return next.map((s) => {
    const p = prev.get(`${s.namespace}/${s.name}`);
    return {
      ...s,
      lastStateTransitionTime: p && p.state === s.state ? p.lastStateTransitionTime : nowIso,
    } as ServiceState;
  });
}

export async function writeServiceStatus(
  store: Store,
  cd: KubeObject,
  states: Omit<ServiceState, 'lastStateTransitionTime'>[],
  conditions: ConditionInput[],
  nowIso: string,
): Promise<void> {
  const ref = { ...CD_TYPE, namespace: cd.metadata.namespace ?? 'default', name: cd.metadata.name };
  let written: ServiceState[] = [];
  await retryOnConflict(async () => {
    let current: KubeObject;
    try {
      current = await store.get(ref);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const status = { ...((current.status ?? {}) as PlainObject) };
    written = withTimes(states, (status.services ?? []) as ServiceState[], nowIso);
    let conds = (status.conditions ?? []) as Condition[];
    for (const c of conditions)
      conds = setCondition(conds, { ...c, observedGeneration: current.metadata.generation }, nowIso);
    // a condition about services that no longer applies goes away with the services
    if (states.length === 0) conds = conds.filter((c) => c.type !== 'ServicesInReadyState');
    const next = { ...status, conditions: conds, ...(written.length ? { services: written } : {}) };
    if (!written.length) delete (next as PlainObject).services;
    if (sameJson(current.status ?? {}, next)) return;
    await store.updateStatus({ ...current, status: next });
  });
  await writeMultiClusterStatus(store, cd, written, nowIso);
}

/** The cluster's entries in every MultiClusterService's status. */
async function writeMultiClusterStatus(
  store: Store,
  cd: KubeObject,
  states: ServiceState[],
  nowIso: string,
): Promise<void> {
  const ns = cd.metadata.namespace ?? 'default';
  const cluster = cd.metadata.name;
  const list = (await store.list(MCS_TYPE)).items;
  for (const m of list) {
    const owner = `MultiClusterService/${m.metadata.name}`;
    const mine = states
      .filter((s) => s.owner === owner)
      .map((s) => ({ ...s, clusterName: cluster, clusterNamespace: ns }));
    await retryOnConflict(async () => {
      let current: KubeObject;
      try {
        current = await store.get({ ...MCS_TYPE, name: m.metadata.name });
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      const status = { ...((current.status ?? {}) as PlainObject) };
      const isThis = (x: {
        clusterName?: string;
        clusterNamespace?: string;
        objectRef?: { name?: string; namespace?: string };
      }) =>
        (x.clusterName === cluster && x.clusterNamespace === ns) ||
        (x.objectRef?.name === cluster && x.objectRef?.namespace === ns);
      const services = ((status.services ?? []) as PlainObject[]).filter((s) => !isThis(s as never));
      const matching = ((status.matchingClusters ?? []) as PlainObject[]).filter((s) => !isThis(s as never));
      if (mine.length) {
        append(services, mine as unknown as PlainObject[]);
        const deployed = mine.every((s) => s.state === 'Deployed');
        const failed = mine.find((s) => s.state === 'Failed');
        matching.push({
          objectRef: {
            apiVersion: CD_TYPE.apiVersion,
            kind: 'ClusterDeployment',
            namespace: ns,
            name: cluster,
          },
          deployed,
          ...(deployed
            ? {}
            : {
                reason: failed ? failed.reason : 'Provisioning',
                message: (failed ?? mine.find((s) => s.state !== 'Deployed'))?.message ?? '',
              }),
        });
      }
      const key = (x: PlainObject) =>
        JSON.stringify([
          (x.objectRef as PlainObject | undefined)?.namespace ?? x.clusterNamespace,
          (x.objectRef as PlainObject | undefined)?.name ?? x.clusterName,
          x.namespace,
          x.name,
        ]);
      services.sort((a, b) => key(a).localeCompare(key(b)));
      matching.sort((a, b) => key(a).localeCompare(key(b)));
      const ready = matching.filter((x) => x.deployed === true).length;
      const conds = setCondition(
        (status.conditions ?? []) as Condition[],
        {
          type: 'ClusterInReadyState',
          status: ready === matching.length ? 'True' : 'False',
          reason: ready === matching.length ? 'Succeeded' : 'ClustersNotReady',
          message: `${ready}/${matching.length}`,
          observedGeneration: current.metadata.generation,
        },
        nowIso,
      );
      const next = {
        ...status,
        services,
        matchingClusters: matching,
        conditions: conds,
        observedGeneration: current.metadata.generation,
      };
      if (sameJson(current.status ?? {}, next)) return;
      await store.updateStatus({ ...current, status: next });
    });
  }
}
