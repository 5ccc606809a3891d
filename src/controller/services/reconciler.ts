/**
 * The services reconciler: for one workload cluster (a ClusterDeployment; work-queue key
 * `services:<namespace>/<name>`) it works out which services the cluster should run (its own
 * `spec.serviceSpec`, every MultiClusterService whose selector matches its labels, every
 * ClusterResourceSet of its namespace that selects it), renders each through the gate (the
 * team's policies see the values and every object), then delivers them in dependency order
 * (deliver.ts), removes what is no longer wanted, and writes k0rdent's per-service states on
 * the deployment and the MultiClusterServices. Level-based: everything it needs to know about
 * what it installed before is on the workload cluster (the inventories).
 */

import { CLUSTER_RESOURCE_SET_TYPE } from '../../api/services.js';
import { blockedBy, orderServices } from '../../services/dependencies.js';
import { objectConflicts } from '../../services/selection.js';
import type { ServiceState, ServiceStateName } from '../../services/types.js';
import { type WorkloadClient, WorkloadError } from '../../services/workload-client.js';
import { isNotFound } from '../../store/errors.js';
import type { KubeObject, Store } from '../../store/types.js';
import { append } from '../../util/append.js';
import type { PlainObject } from '../../util/plain-object.js';
import { isoSeconds } from '../conditions.js';
import type { EventRecorder } from '../events.js';
import type { GateRunner } from '../gate.js';
import { type ReconcileResult, type Reconciler, SERVICES_KEY_PREFIX, splitKey } from '../runtime.js';
import { isTenancyMode } from '../tenancy.js';
import { readKubeconfig, workloadAccessOf } from './access.js';
import type { WorkloadClients } from './clients.js';
import { reconcileResourceSets } from './crs.js';
import { deliverService, type RenderedService, readInventories, uninstallService } from './deliver.js';
import { serviceResult as base, renderService, type ServiceResult } from './render.js';
import { SYSTEM_NAMESPACE } from './service-templates.js';
import { writeServiceStatus } from './status.js';
import { MCS_TYPE, wantedServices } from './wanted.js';

export { MCS_TYPE };

const CD_TYPE = { apiVersion: 'clustermint.io/v1alpha1', kind: 'ClusterDeployment' };

export interface ServicesReconcilerOptions {
  store: Store;
  clock: { now(): number };
  events: EventRecorder;
  gate: GateRunner;
  clients: WorkloadClients;
  allowKubeconfigFiles: boolean;
  /** How often a cluster's services are checked for drift and readiness (ms, default 30 s). */
  driftIntervalMs?: number;
  /** How often services that are becoming ready are looked at (ms, default 2 s). */
  pollMs?: number;
  /** Whether Cluster API runs in the management cluster (it delivers ClusterResourceSets to its own clusters). */
  capiManagesResourceSets?: boolean;
  /** Told after each pass: the cluster, its services' states, objects applied, drift found. */
  onDelivered?: (
    cluster: string,
    report: { states: ServiceState[]; applied: number; drifted: number },
  ) => void;
}

export class ServicesReconciler implements Reconciler {
  constructor(readonly o: ServicesReconcilerOptions) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key.slice(SERVICES_KEY_PREFIX.length));
    let cd: KubeObject;
    try {
      cd = await this.o.store.get({ ...CD_TYPE, namespace, name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.o.clients.drop(`${namespace}/${name}`);
      return {};
    }
    if (cd.metadata.deletionTimestamp) return {};
    this.o.events.defer();
    try {
      return await this.pass(cd);
    } finally {
      await this.o.events.flush();
    }
  }

  private event(cd: KubeObject, reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal') {
    const ns = cd.metadata.namespace ?? 'default';
    return this.o.events.record({
      deployment: cd.metadata.name,
      namespace: ns,
      involved: {
        apiVersion: cd.apiVersion,
        kind: cd.kind,
        name: cd.metadata.name,
        namespace: ns,
        uid: cd.metadata.uid,
      },
      reason,
      message,
      type,
    });
  }

  private async pass(cd: KubeObject): Promise<ReconcileResult> {
    const ns = cd.metadata.namespace ?? 'default';
    const clusterKey = `${ns}/${cd.metadata.name}`;
    const drift = this.o.driftIntervalMs ?? 30_000;
    const results = new Map<string, ServiceResult>();
    const conditions: { type: string; status: 'True' | 'False'; reason: string; message: string }[] = [];

    // What the cluster should run.
    const wanted = await wantedServices(this.o.store, cd);
    append(conditions, wanted.conditions);
    if (wanted.invalid) {
      await writeServiceStatus(this.o.store, cd, [], conditions, isoSeconds(this.o.clock.now()));
      return { requeueAfterMs: drift };
    }
    const desired = wanted.desired;
    for (const w of wanted.warnings) await this.event(cd, 'ServiceConflict', w, 'Warning');
    const previousStates = ((cd.status as PlainObject | undefined)?.services ?? []) as ServiceState[];

    // Where the cluster is.
    const access = workloadAccessOf(cd);
    const ready = (
      (cd.status as PlainObject | undefined)?.conditions as { type: string; status: string }[] | undefined
    )?.some((c) => c.type === 'Ready' && c.status === 'True');
    const pendingAll = (reason: string, message: string) => {
      for (const d of desired) results.set(`${d.namespace}/${d.name}`, base(d, 'Pending', reason, message));
    };
    const resourceSets = await this.resourceSetsMayApply(cd);
    if (desired.length === 0 && previousStates.length === 0 && resourceSets.length === 0) return {};
    if ('none' in access) {
      pendingAll('NoWorkloadAPI', access.none);
      return this.finish(cd, results, conditions, drift);
    }
    if (!ready) {
      pendingAll('ClusterNotReady', 'waiting for the cluster to be Ready');
      return this.finish(cd, results, conditions, Math.min(drift, 5_000));
    }
    let client: WorkloadClient;
    let version: string;
    try {
      const kubeconfig = await readKubeconfig(this.o.store, access, this.o.allowKubeconfigFiles);
      client = await this.o.clients.clientFor(clusterKey, kubeconfig, access.kind === 'file');
      version = (await client.version()).gitVersion;
    } catch (e) {
      if (!(e instanceof WorkloadError)) throw e;
      return this.unreachable(cd, e, previousStates, conditions);
    }

    try {
      const { inventories, corrupt } = await readInventories(client);
      for (const [k, why] of corrupt)
        await this.event(
          cd,
          'InventoryCorrupt',
          `service ${k}: the inventory on the cluster cannot be read (${why}); its objects are not pruned until it is rewritten`,
          'Warning',
        );

      // Render every wanted service; order them.
      const order = orderServices(
        desired.map((d) => ({ name: d.name, namespace: d.namespace, dependsOn: d.dependsOn ?? [] })),
      );
      const rendered = new Map<string, RenderedService>();
      const tenancy = await isTenancyMode(this.o.store);
      const failedOrder = 'error' in order ? order.error : undefined;
      for (const d of desired) {
        const k = `${d.namespace}/${d.name}`;
        if (failedOrder?.services.includes(k)) {
          results.set(k, base(d, 'Failed', failedOrder.reason, failedOrder.message));
          continue;
        }
        const r = await renderService(
          {
            store: this.o.store,
            loader: this.o.gate.loader,
            policies: this.o.gate.policies,
            namespaced: (t) => client.namespaced(t),
          },
          { namespace: ns, name: cd.metadata.name, tenancy },
          d,
          version,
          inventories.get(k)?.template,
        );
        if ('state' in r) results.set(k, r);
        else rendered.set(k, r);
      }
      for (const c of objectConflicts(
        [...rendered.values()].map((r) => ({
          service: r.key,
          priority: r.desired.priority ?? 100,
          objects: r.objects.map(refOfObject),
        })),
      )) {
        for (const loser of c.owners.filter((o) => o !== c.winner)) {
          const r = rendered.get(loser);
          if (!r) continue;
          rendered.delete(loser);
          results.set(
            loser,
            base(
              r.desired,
              'Failed',
              'ObjectConflict',
              `${objectText(c.object)} is also rendered by service ${c.winner}, which keeps it (higher priority or first)`,
            ),
          );
        }
      }

      // Deliver in dependency order.
      let applied = 0;
      let drifted = 0;
      const waves = 'waves' in order ? order.waves : [[...rendered.keys()]];
      // what the last pass found, until this pass gets to a service (a MultiClusterService's
      // dependsOn may point at services later in this pass's order)
      const states = new Map<string, ServiceStateName>(
        previousStates.map((p) => [`${p.namespace}/${p.name}`, p.state]),
      );
      for (const [k, r] of results) states.set(k, r.state);
      for (const wave of waves) {
        for (const k of wave) {
          const r = rendered.get(k);
          if (!r) continue;
          const blocked = blockedBy(
            { name: r.desired.name, namespace: r.desired.namespace, dependsOn: r.desired.dependsOn ?? [] },
            states,
          );
          if (blocked.length) {
            results.set(
              k,
              base(
                r.desired,
                'Pending',
                'WaitingForDependencies',
                `waiting for ${blocked.join(', ')} to be Deployed`,
              ),
            );
            states.set(k, 'Pending');
            continue;
          }
          // A MultiClusterService's dependsOn: its services wait for the other's on this cluster.
          const waitingFor = r.desired.ownerDependsOn.filter((m) =>
            desired.some((o) => o.owner === `MultiClusterService/${m}` && states.get(o.key) !== 'Deployed'),
          );
          if (waitingFor.length) {
            results.set(
              k,
              base(
                r.desired,
                'Pending',
                'WaitingForDependencies',
                `waiting for MultiClusterService ${waitingFor.join(', ')} to be Deployed on the cluster`,
              ),
            );
            states.set(k, 'Pending');
            continue;
          }
          if (r.desired.syncMode === 'DryRun') {
            results.set(
              k,
              base(
                r.desired,
                'Pending',
                'DryRun',
                `syncMode DryRun: ${r.objects.length} objects would be applied (template ${r.template}); nothing applied`,
              ),
            );
            states.set(k, 'Pending');
            continue;
          }
          try {
            const out = await deliverService(client, r, inventories.get(k), { driftCheck: true, clusterKey });
            applied += out.applied;
            if (out.drift?.length) drifted += out.drift.length;
            for (const [reason, message, type] of out.events) await this.event(cd, reason, message, type);
            results.set(k, {
              ...base(r.desired, out.state, out.reason, out.message),
              template: r.template,
              ...(r.version ? { version: r.version } : {}),
              objects: out.objects,
              ...(out.drift?.length ? { drift: out.drift } : {}),
            });
            states.set(k, out.state);
          } catch (e) {
            if (!(e instanceof WorkloadError)) throw e;
            if (e.transient) throw e;
            results.set(k, base(r.desired, 'Failed', e.reason, e.message));
            states.set(k, 'Failed');
          }
        }
      }

      // Remove what is no longer wanted.
      const wantedKeys = new Set(desired.map((d) => d.key));
      const keep = wanted.keepOwners;
      for (const [k, inv] of inventories) {
        if (wantedKeys.has(k)) continue;
        // another deployment naming the same cluster installed it: its to remove
        if (inv.deliveredFor && inv.deliveredFor !== clusterKey) continue;
        if (keep.has(inv.owner)) {
          // the MultiClusterService keeps its services on clusters it no longer selects: left, no longer managed
          await client.delete({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            namespace: k.slice(0, k.indexOf('/')),
            name: `clustermint-svc-${k.slice(k.indexOf('/') + 1)}`,
          });
          await this.event(
            cd,
            'ServiceReleased',
            `service ${k} (${inv.owner}) left on the cluster: keepServicesOnSelectorMismatch`,
          );
          continue;
        }
        let n: number;
        try {
          n = await uninstallService(client, k, inv);
        } catch (e) {
          if (!(e instanceof WorkloadError) || e.transient) throw e;
          // stays listed, Deleting, until its objects are gone
          const [namespace, name] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
          results.set(k, {
            name,
            namespace,
            template: inv.template,
            owner: inv.owner,
            state: 'Deleting',
            reason: e.reason,
            message: `uninstall: ${e.message}`,
          });
          continue;
        }
        await this.event(
          cd,
          'ServiceRemoved',
          `service ${k} (template ${inv.template}, ${inv.owner}) uninstalled: ${n} objects deleted`,
        );
      }

      // ClusterResourceSets of the namespace that select the cluster.
      if (resourceSets.length) {
        const crs = await reconcileResourceSets({
          store: this.o.store,
          client,
          cd,
          sets: resourceSets,
          now: this.o.clock.now(),
        });
        applied += crs.applied;
        for (const [reason, message, type] of crs.events) await this.event(cd, reason, message, type);
      }

      conditions.push({
        type: 'WorkloadReachable',
        status: 'True',
        reason: 'Reachable',
        message: `${client.server} answers (Kubernetes ${version})`,
      });
      const list = [...results.values()];
      this.o.onDelivered?.(clusterKey, { states: list as ServiceState[], applied, drifted });
      const busy = list.some(
        (s) => s.state === 'Provisioning' || (s.state === 'Pending' && s.reason === 'WaitingForDependencies'),
      );
      return this.finish(cd, results, conditions, busy ? (this.o.pollMs ?? 2_000) : drift);
    } catch (e) {
      if (!(e instanceof WorkloadError)) throw e;
      return this.unreachable(cd, e, previousStates, conditions);
    }
  }

  /** Whether a ClusterResourceSet of the namespace may apply to this cluster (not one Cluster API runs itself). */
  private async resourceSetsMayApply(cd: KubeObject): Promise<KubeObject[]> {
    const status = (cd.status ?? {}) as PlainObject;
    if (this.o.capiManagesResourceSets && status.capi) return [];
    try {
      return (
        await this.o.store.list(CLUSTER_RESOURCE_SET_TYPE, { namespace: cd.metadata.namespace ?? 'default' })
      ).items;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (isNotFound(e) || code === 404) return []; // the kind is not served here
      throw e;
    }
  }

  /** The cluster does not answer: every service keeps its state, with why; a condition and an event say so. */
  private async unreachable(
    cd: KubeObject,
    e: WorkloadError,
    previous: ServiceState[],
    conditions: { type: string; status: 'True' | 'False'; reason: string; message: string }[],
  ): Promise<ReconcileResult> {
    conditions.push({ type: 'WorkloadReachable', status: 'False', reason: e.reason, message: e.message });
    await this.event(cd, 'WorkloadUnreachable', `services not delivered: ${e.message}`, 'Warning');
    const results = new Map<string, ServiceResult>();
    for (const s of previous)
      results.set(`${s.namespace}/${s.name}`, {
        ...s,
        reason: e.reason,
        message: `cluster unreachable: ${e.message}`,
      });
    return this.finish(cd, results, conditions, e.transient ? 10_000 : (this.o.driftIntervalMs ?? 30_000));
  }

  private async finish(
    cd: KubeObject,
    results: Map<string, ServiceResult>,
    conditions: { type: string; status: 'True' | 'False'; reason: string; message: string }[],
    requeueAfterMs: number,
  ): Promise<ReconcileResult> {
    const list = [...results.values()].sort((a, b) =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
    const deployed = list.filter((s) => s.state === 'Deployed').length;
    if (list.length)
      conditions.push({
        type: 'ServicesInReadyState',
        status: deployed === list.length ? 'True' : 'False',
        reason: deployed === list.length ? 'ServicesDeployed' : 'ServicesNotReady',
        message: `${deployed}/${list.length}`,
      });
    // the pass's events are stored before its status: whoever sees the status sees why
    await this.o.events.flush();
    await writeServiceStatus(this.o.store, cd, list, conditions, isoSeconds(this.o.clock.now()));
    return { requeueAfterMs };
  }
}

function refOfObject(o: PlainObject): { apiVersion: string; kind: string; namespace?: string; name: string } {
  const m = (o.metadata ?? {}) as PlainObject;
  return {
    apiVersion: String(o.apiVersion),
    kind: String(o.kind),
    name: String(m.name),
    ...(typeof m.namespace === 'string' ? { namespace: m.namespace } : {}),
  };
}

export { SYSTEM_NAMESPACE };

/** An inventory key (`group/Kind/namespace/name`) as people write it: `Kind namespace/name`. */
function objectText(key: string): string {
  const [, kind = '', ns = '', ...name] = key.split('/');
  return `${kind} ${ns ? `${ns}/` : ''}${name.join('/')}`;
}
