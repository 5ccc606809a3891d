/**
 * Cluster API's ClusterResourceSet for the clusters clustermint reaches itself (adopted
 * clusters, and every cluster on the embedded runtime; where Cluster API runs, its own
 * controller serves the clusters it made). As Cluster API defines it: the sets of the cluster's
 * namespace whose selector matches its labels (an empty selector matches nothing), each
 * resource a ConfigMap or a Secret of type `addons.cluster.x-k8s.io/resource-set` holding
 * manifests; `ApplyOnce` applies a resource once and never again, `Reconcile` again whenever its
 * content (hash) changes. Nothing is deleted when a set stops applying (Cluster API's rule). What
 * was applied is recorded in the cluster's ClusterResourceSetBinding.
 */

import { CLUSTER_RESOURCE_SET_BINDING_TYPE } from '../../api/services.js';
import { clusterResourceSetManifests } from '../../services/crs-resources.js';
import { matchesLabelSelector } from '../../services/selection.js';
import { type WorkloadClient, WorkloadError } from '../../services/workload-client.js';
import { getIfExists, isAlreadyExists } from '../../store/errors.js';
import type { KubeObject, Store } from '../../store/types.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';
import { isoSeconds } from '../conditions.js';
import { isForbidden, notGranted } from './access.js';
import { FIELD_MANAGER } from './deliver.js';

const BINDING_TYPE = CLUSTER_RESOURCE_SET_BINDING_TYPE;

interface BoundResource {
  name: string;
  kind: 'Secret' | 'ConfigMap';
  hash?: string;
  applied: boolean;
  lastAppliedTime?: string;
}

export interface ResourceSetReport {
  applied: number;
  events: [string, string, 'Normal' | 'Warning'][];
}

export async function reconcileResourceSets(o: {
  store: Store;
  client: WorkloadClient;
  cd: KubeObject;
  /** The namespace's ClusterResourceSets (the pass listed them). */
  sets: readonly KubeObject[];
  now: number;
}): Promise<ResourceSetReport> {
  const { store, client, cd } = o;
  const ns = cd.metadata.namespace ?? 'default';
  const cluster = cd.metadata.name;
  const report: ResourceSetReport = { applied: 0, events: [] };
  const sets = o.sets.filter((s) => !s.metadata.deletionTimestamp);
  const binding = await getIfExists(store, { ...BINDING_TYPE, namespace: ns, name: cluster });
  const oldBindings = ((binding?.spec as PlainObject | undefined)?.bindings ?? []) as {
    clusterResourceSetName: string;
    resources: BoundResource[];
  }[];
  const bindings: { clusterResourceSetName: string; resources: BoundResource[] }[] = [];

  for (const set of sets) {
    const spec = (set.spec ?? {}) as PlainObject;
    const match = matchesLabelSelector(spec.clusterSelector as never, cd.metadata.labels ?? {}, 'nothing');
    if (typeof match === 'object') {
      await setCondition(store, set, 'False', 'InvalidSelector', match.error, o.now);
      continue;
    }
    if (!match) continue;
    const strategy = spec.strategy === 'Reconcile' ? 'Reconcile' : 'ApplyOnce';
    const old = oldBindings.find((b) => b.clusterResourceSetName === set.metadata.name);
    const resources: BoundResource[] = [];
    const failures: string[] = [];
    for (const r of (Array.isArray(spec.resources) ? spec.resources : []) as {
      name: string;
      kind: 'Secret' | 'ConfigMap';
    }[]) {
      const prev = old?.resources.find((x) => x.name === r.name && x.kind === r.kind);
      if (strategy === 'ApplyOnce' && prev?.applied) {
        resources.push(prev);
        continue;
      }
      let source: KubeObject | undefined;
      try {
        source = await getIfExists(store, { apiVersion: 'v1', kind: r.kind, namespace: ns, name: r.name });
      } catch (e) {
        if (!isForbidden(e)) throw e;
        const message = notGranted(
          r.kind,
          ns,
          r.name,
          `a resource of ClusterResourceSet ${set.metadata.name}`,
        );
        failures.push(message);
        resources.push({ name: r.name, kind: r.kind, applied: false });
        report.events.push(['ClusterResourceSetFailed', message, 'Warning']);
        continue;
      }
      const parsed = clusterResourceSetManifests(source, r);
      if ('error' in parsed) {
        failures.push(`${r.kind} ${r.name}: ${parsed.error.message}`);
        resources.push({ name: r.name, kind: r.kind, applied: false });
        report.events.push([
          'ClusterResourceSetFailed',
          `ClusterResourceSet ${set.metadata.name}: ${r.kind} ${ns}/${r.name}: ${parsed.error.message}`,
          'Warning',
        ]);
        continue;
      }
      if (prev?.applied && prev.hash === parsed.hash) {
        resources.push(prev);
        continue;
      }
      try {
        for (const obj of parsed.objects) {
          const meta = (obj.metadata ?? {}) as PlainObject;
          if (
            !meta.namespace &&
            (await client.namespaced({ apiVersion: String(obj.apiVersion), kind: String(obj.kind) }))
          )
            obj.metadata = { ...meta, namespace: 'default' };
          await client.apply(obj, { fieldManager: FIELD_MANAGER, force: true });
          report.applied++;
        }
        resources.push({
          name: r.name,
          kind: r.kind,
          hash: parsed.hash,
          applied: true,
          lastAppliedTime: isoSeconds(o.now),
        });
        report.events.push([
          'ClusterResourceSetApplied',
          `ClusterResourceSet ${set.metadata.name}: ${r.kind} ${r.name} applied (${parsed.objects.length} objects, ${strategy})`,
          'Normal',
        ]);
      } catch (e) {
        if (!(e instanceof WorkloadError) || e.transient) throw e;
        failures.push(`${r.kind} ${r.name}: ${e.message}`);
        resources.push({ name: r.name, kind: r.kind, hash: parsed.hash, applied: false });
        report.events.push([
          'ClusterResourceSetFailed',
          `ClusterResourceSet ${set.metadata.name}: ${r.kind} ${r.name}: ${e.message}`,
          'Warning',
        ]);
      }
    }
    bindings.push({ clusterResourceSetName: set.metadata.name, resources });
    await setCondition(
      store,
      set,
      failures.length ? 'False' : 'True',
      failures.length ? 'ApplyFailed' : 'Applied',
      failures.length ? failures.join('; ') : `applied to ${ns}/${cluster}`,
      o.now,
    );
  }
  await writeBinding(store, ns, cluster, binding, bindings);
  return report;
}

async function writeBinding(
  store: Store,
  ns: string,
  cluster: string,
  existing: KubeObject | undefined,
  bindings: { clusterResourceSetName: string; resources: BoundResource[] }[],
): Promise<void> {
  const spec = { clusterName: cluster, bindings };
  if (!existing) {
    if (!bindings.length) return;
    try {
      await store.create({
        ...BINDING_TYPE,
        metadata: { namespace: ns, name: cluster, labels: { 'cluster.x-k8s.io/cluster-name': cluster } },
        spec,
      });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    return;
  }
  if (JSON.stringify(existing.spec) === JSON.stringify(spec)) return;
  await store.update({ ...existing, spec });
}

async function setCondition(
  store: Store,
  set: KubeObject,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
): Promise<void> {
  const current = (isPlainObject(set.status) ? set.status : {}) as PlainObject;
  const conds = (Array.isArray(current.conditions) ? current.conditions : []) as PlainObject[];
  const old = conds.find((c) => c.type === 'ResourcesApplied');
  if (old && old.status === status && old.reason === reason && old.message === message) return;
  const next = {
    ...current,
    observedGeneration: set.metadata.generation,
    conditions: [
      ...conds.filter((c) => c.type !== 'ResourcesApplied'),
      {
        type: 'ResourcesApplied',
        status,
        reason,
        message,
        lastTransitionTime: old?.status === status ? old.lastTransitionTime : isoSeconds(now),
      },
    ],
  };
  try {
    await store.updateStatus({ ...set, status: next });
  } catch {
    // another cluster's pass wrote it first: the next pass writes it again
  }
}
