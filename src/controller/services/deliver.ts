/**
 * One service onto one workload cluster, as a careful add-on controller does it: server-side
 * apply with field manager `clustermint`, an inventory kept on the workload cluster (a ConfigMap
 * `clustermint-svc-<name>` in the service's namespace) so that objects a new version no longer
 * renders are pruned, drift found and put back (or reported), readiness by kstatus rules.
 *
 * Crash safety: the inventory is written as the union of the old and new objects before anything
 * is applied, and narrowed to the new ones after the prune, so a controller killed at any point
 * leaves an inventory that names every object it may have created; the next pass converges.
 */
import { createHash } from 'node:crypto';
import { driftOf } from '../../services/drift.js';
import {
  decodeInventory,
  encodeInventory,
  entryKey,
  type InventoryEntry,
  installOrder,
  inventoryOf,
  pruneList,
} from '../../services/inventory.js';
import { objectReadiness } from '../../services/readiness.js';
import type { DesiredService, ServiceStateName } from '../../services/types.js';
import { type WorkloadClient, WorkloadError } from '../../services/workload-client.js';
import type { KubeObject } from '../../store/types.js';
import { isPlainObject, type PlainObject } from '../../util/plain-object.js';

export const FIELD_MANAGER = 'clustermint';
export const SERVICE_ANNOTATION = 'clustermint.io/service';
export const INVENTORY_LABEL = 'clustermint.io/inventory';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' };

export const inventoryName = (service: string): string => `clustermint-svc-${service}`;
/** The hash of an inventory written before its objects are applied: the delivery has not finished. */
export const PENDING_HASH = 'pending';

export interface RenderedService {
  desired: DesiredService;
  /** `namespace/name` of the service on the cluster. */
  key: string;
  template: string;
  version?: string;
  objects: PlainObject[];
  /** Digest of the objects: the same digest, nothing to apply. */
  hash: string;
}

export interface Inventory {
  entries: InventoryEntry[];
  owner: string;
  template: string;
  version?: string;
  hash: string;
  /**
   * The ClusterDeployment (`namespace/name`) that installed it: two deployments may name one
   * cluster (adopted twice), and each removes only what it installed.
   */
  deliveredFor?: string;
}

export const DELIVERED_FOR_ANNOTATION = 'clustermint.io/delivered-for';

export interface DeliveryOutcome {
  state: ServiceStateName;
  reason: string;
  message: string;
  objects: number;
  drift?: string[];
  /** Events to record on the deployment: [reason, message, type]. */
  events: [string, string, 'Normal' | 'Warning'][];
  /** Objects written to the cluster in this pass. */
  applied: number;
}

export function objectsHash(objects: readonly PlainObject[]): string {
  return createHash('sha256').update(JSON.stringify(objects)).digest('hex').slice(0, 16);
}

const refText = (o: { kind?: unknown; metadata?: unknown }): string => {
  const m = (isPlainObject(o.metadata) ? o.metadata : {}) as PlainObject;
  return `${String(o.kind)} ${m.namespace ? `${String(m.namespace)}/` : ''}${String(m.name)}`;
};

const refOf = (o: PlainObject | InventoryEntry) => {
  if ('metadata' in o) {
    const m = o.metadata as PlainObject;
    return {
      apiVersion: String(o.apiVersion),
      kind: String(o.kind),
      name: String(m.name),
      ...(typeof m.namespace === 'string' ? { namespace: m.namespace } : {}),
    };
  }
  const e = o as InventoryEntry;
  return {
    apiVersion: e.apiVersion,
    kind: e.kind,
    name: e.name,
    ...(e.namespace ? { namespace: e.namespace } : {}),
  };
};

/**
 * The rendered objects made ready to apply: namespaced kinds without a namespace get the
 * service's (as `helm install -n` does), every object is marked with its service.
 */
export async function prepareObjects(
  namespaced: (type: { apiVersion: string; kind: string }) => Promise<boolean>,
  serviceKey: string,
  namespace: string,
  objects: readonly PlainObject[],
): Promise<PlainObject[]> {
  const out: PlainObject[] = [];
  for (const o of objects) {
    const meta = { ...((o.metadata ?? {}) as PlainObject) };
    if (!meta.namespace && (await namespaced({ apiVersion: String(o.apiVersion), kind: String(o.kind) })))
      meta.namespace = namespace;
    meta.annotations = {
      ...((meta.annotations as PlainObject | undefined) ?? {}),
      [SERVICE_ANNOTATION]: serviceKey,
    };
    meta.labels = { ...((meta.labels as PlainObject | undefined) ?? {}), [MANAGED_BY_LABEL]: 'clustermint' };
    out.push({ ...o, metadata: meta });
  }
  return installOrder(out);
}

/** Every inventory on the cluster, by service key; a corrupted one is reported, not dropped. */
export async function readInventories(
  client: WorkloadClient,
): Promise<{ inventories: Map<string, Inventory>; corrupt: Map<string, string> }> {
  const inventories = new Map<string, Inventory>();
  const corrupt = new Map<string, string>();
  for (const cm of await client.list(CONFIG_MAP, { labelSelector: `${INVENTORY_LABEL}=true` })) {
    const ns = cm.metadata.namespace ?? 'default';
    const name = cm.metadata.name.replace(/^clustermint-svc-/, '');
    const decoded = decodeInventory(
      ((cm as { data?: Record<string, string> }).data ?? {}) as Record<string, string>,
    );
    const deliveredFor = cm.metadata.annotations?.[DELIVERED_FOR_ANNOTATION];
    if ('error' in decoded) corrupt.set(`${ns}/${name}`, decoded.error);
    else inventories.set(`${ns}/${name}`, { ...decoded, ...(deliveredFor ? { deliveredFor } : {}) });
  }
  return { inventories, corrupt };
}

async function writeInventory(
  client: WorkloadClient,
  namespace: string,
  service: string,
  inv: Inventory,
): Promise<void> {
  await client.apply({
    ...CONFIG_MAP,
    metadata: {
      name: inventoryName(service),
      namespace,
      labels: { [INVENTORY_LABEL]: 'true', [MANAGED_BY_LABEL]: 'clustermint' },
      ...(inv.deliveredFor ? { annotations: { [DELIVERED_FOR_ANNOTATION]: inv.deliveredFor } } : {}),
    },
    data: encodeInventory(inv.entries, {
      owner: inv.owner,
      template: inv.template,
      ...(inv.version ? { version: inv.version } : {}),
      hash: inv.hash,
    }),
  });
}

/** Objects of another service among the live ones: the object and the service that has it. */
function ownershipConflicts(svc: RenderedService, live: Map<string, KubeObject | undefined>): string[] {
  const out: string[] = [];
  for (const o of svc.objects) {
    const l = live.get(entryKey(refOf(o) as InventoryEntry));
    const owner = l?.metadata.annotations?.[SERVICE_ANNOTATION];
    if (owner && owner !== svc.key) out.push(`${refText(o)} belongs to service ${owner}`);
  }
  return out;
}

async function liveObjects(
  client: WorkloadClient,
  objects: readonly (PlainObject | InventoryEntry)[],
): Promise<Map<string, KubeObject | undefined>> {
  const live = new Map<string, KubeObject | undefined>();
  await inParallel(objects, APPLY_CONCURRENCY, async (o) => {
    const ref = refOf(o);
    live.set(entryKey(ref as InventoryEntry), await client.get(ref));
  });
  return live;
}

/** Requests in flight at once to one workload cluster, per service. */
const APPLY_CONCURRENCY = 8;

/** Consecutive objects of the same kind. */
function kindRuns(objects: readonly PlainObject[]): PlainObject[][] {
  const runs: PlainObject[][] = [];
  for (const o of objects) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.kind === o.kind) last.push(o);
    else runs.push([o]);
  }
  return runs;
}

/** `fn` over `items`, at most `limit` at a time; the first error is thrown once all have settled. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let error: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        error ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (error !== undefined) throw error;
}

/** Applies (if needed), prunes, checks drift and readiness. WorkloadErrors of the cluster as a whole propagate. */
export async function deliverService(
  client: WorkloadClient,
  svc: RenderedService,
  previous: Inventory | undefined,
  options: { driftCheck: boolean; clusterKey: string },
): Promise<DeliveryOutcome> {
  const d = svc.desired;
  const events: DeliveryOutcome['events'] = [];
  const entries = inventoryOf(svc.objects);
  let applied = 0;
  const changed = !previous || previous.hash !== svc.hash || previous.owner !== d.owner;
  let live = await liveObjects(client, svc.objects);
  // OneTime: applied once, completely; a delivery a crash cut short is finished first
  const oneTimeDone = d.syncMode === 'OneTime' && previous !== undefined && previous.hash !== PENDING_HASH;

  if (changed && !oneTimeDone) {
    const conflicts = ownershipConflicts(svc, live);
    if (conflicts.length)
      return {
        state: 'Failed',
        reason: 'ObjectConflict',
        message: `not applied: ${conflicts.join('; ')}`,
        objects: 0,
        events: [['ServiceConflict', `service ${svc.key}: ${conflicts.join('; ')}`, 'Warning']],
        applied,
      };
    const namespaces = new Set([d.namespace]);
    for (const o of svc.objects) {
      const ns = (o.metadata as PlainObject).namespace;
      if (typeof ns === 'string') namespaces.add(ns);
    }
    for (const ns of namespaces) await client.ensureNamespace(ns);
    const union = [
      ...entries,
      ...(previous?.entries ?? []).filter((e) => !entries.some((n) => entryKey(n) === entryKey(e))),
    ];
    const meta = {
      owner: d.owner,
      template: svc.template,
      ...(svc.version ? { version: svc.version } : {}),
      deliveredFor: options.clusterKey,
    };
    await writeInventory(client, d.namespace, d.name, { entries: union, ...meta, hash: PENDING_HASH });
    // Objects of one kind go together (install order keeps kinds together), a few at a time;
    // the next kind starts once they are all in (a CRD before its resources).
    const appliedLive = new Map<string, KubeObject>();
    let failure: { o: PlainObject; e: WorkloadError } | undefined;
    for (const run of kindRuns(svc.objects)) {
      await inParallel(run, APPLY_CONCURRENCY, async (o) => {
        if (failure) return;
        try {
          const got = await client.apply(o, { fieldManager: FIELD_MANAGER, force: true });
          appliedLive.set(entryKey(refOf(o) as InventoryEntry), got);
          applied++;
        } catch (e) {
          if (!(e instanceof WorkloadError) || e.transient) throw e;
          failure ??= { o, e };
        }
      });
      if (failure) {
        const { o, e } = failure;
        return {
          state: 'Failed',
          reason: 'ApplyFailed',
          message: `${refText(o)}: ${e.message} (${applied} of ${svc.objects.length} objects applied)`,
          objects: applied,
          events: [['ServiceApplyFailed', `service ${svc.key}: ${refText(o)}: ${e.message}`, 'Warning']],
          applied,
        };
      }
    }
    const pruned = previous ? pruneList(previous.entries, entries) : [];
    for (const e of pruned) await client.delete(refOf(e), { propagationPolicy: 'Background' });
    await writeInventory(client, d.namespace, d.name, { entries, ...meta, hash: svc.hash });
    const upgraded = previous && previous.template !== svc.template;
    events.push([
      upgraded ? 'ServiceUpgraded' : 'ServiceApplied',
      `service ${svc.key}: ${upgraded ? `${previous.template} -> ${svc.template}, ` : `template ${svc.template}, `}${applied} objects applied${pruned.length ? `, ${pruned.length} pruned (${pruned.map((p) => `${p.kind} ${p.name}`).join(', ')})` : ''}`,
      'Normal',
    ]);
    // what the apply returned is the live object
    live = appliedLive;
  } else if (options.driftCheck && d.syncMode !== 'OneTime') {
    const drifted: string[] = [];
    for (const o of svc.objects) {
      const l = live.get(entryKey(refOf(o) as InventoryEntry));
      const drift = driftOf(o, l, d.driftExclusions ?? []);
      if (!drift.missing && drift.fields.length === 0) continue;
      const what = drift.missing
        ? `${refText(o)} was deleted`
        : `${refText(o)}: ${drift.fields.join(', ')} changed`;
      drifted.push(what);
      if (d.syncMode === 'ContinuousWithDriftDetection') {
        await client.apply(o, { fieldManager: FIELD_MANAGER, force: true });
        applied++;
        events.push(['DriftCorrected', `service ${svc.key}: ${what}; put back`, 'Warning']);
      } else
        events.push([
          'DriftDetected',
          `service ${svc.key}: ${what} (syncMode ${d.syncMode}: reported, not corrected)`,
          'Warning',
        ]);
    }
    if (applied) live = await liveObjects(client, svc.objects);
    else if (drifted.length) {
      const readiness = readinessOf(svc, live);
      return { ...readiness, drift: drifted, events, applied, objects: svc.objects.length };
    }
  }
  return { ...readinessOf(svc, live), events, applied, objects: svc.objects.length };
}

function readinessOf(
  svc: RenderedService,
  live: Map<string, KubeObject | undefined>,
): Pick<DeliveryOutcome, 'state' | 'reason' | 'message'> {
  const waiting: string[] = [];
  for (const o of svc.objects) {
    const r = objectReadiness(live.get(entryKey(refOf(o) as InventoryEntry)));
    if (r.status === 'Failed')
      return { state: 'Failed', reason: 'NotReady', message: `${refText(o)}: ${r.message}` };
    if (r.status !== 'Current') waiting.push(`${refText(o)}: ${r.message}`);
  }
  if (waiting.length)
    return {
      state: 'Provisioning',
      reason: 'WaitingForReadiness',
      message: `${svc.objects.length - waiting.length}/${svc.objects.length} objects ready; ${waiting.slice(0, 3).join('; ')}${waiting.length > 3 ? `; and ${waiting.length - 3} more` : ''}`,
    };
  return {
    state: 'Deployed',
    reason: 'Deployed',
    message: `${svc.objects.length} objects ready (template ${svc.template})`,
  };
}

/** Deletes a service's objects (reverse install order), then its inventory. */
export async function uninstallService(
  client: WorkloadClient,
  key: string,
  inventory: Inventory | undefined,
): Promise<number> {
  const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
  const entries = inventory ? pruneList(inventory.entries, []) : [];
  for (const e of entries) await client.delete(refOf(e), { propagationPolicy: 'Background' });
  await client.delete({ ...CONFIG_MAP, namespace, name: inventoryName(name) });
  return entries.length;
}
