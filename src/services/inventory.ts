/**
 * What a service has put on a workload cluster: its inventory (one entry per object, identified
 * by group, kind, namespace and name, whatever the version), kept in a ConfigMap's data as
 * versioned JSON. Decides what to prune when a service's objects change (what the previous
 * inventory has and the next lacks, deleted in reverse install order) and the order to apply in
 * (Helm's install order of kinds).
 */
import { compareInstallOrder } from '../k8s/install-order.js';
import { isPlainObject } from '../util/plain-object.js';

export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface InventoryMeta {
  /** The service's owner, e.g. `ClusterDeployment/team-a/dev` or `MultiClusterService/ingress`. */
  owner: string;
  template: string;
  version?: string;
  /** The hash of what was applied (the controller's choice of input). */
  hash: string;
}

/** A decoded inventory: its meta and its entries. */
export interface Inventory extends InventoryMeta {
  entries: InventoryEntry[];
}

/** The ConfigMap data key that holds the inventory. */
export const INVENTORY_KEY = 'inventory';
export const INVENTORY_FORMAT = 'v1';

const groupOf = (apiVersion: string) => {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
};

/** `group/kind/namespace/name` (core group and cluster scope as empty parts). */
export function entryKey(e: InventoryEntry): string {
  return `${groupOf(e.apiVersion)}/${e.kind}/${e.namespace ?? ''}/${e.name}`;
}

/** An object as rendered: apiVersion, kind and metadata are read as strings where they are. */
type ObjectHead = { apiVersion?: unknown; kind?: unknown; metadata?: unknown };

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The entries of objects, once each (the first of two with one key), in the objects' order. */
export function inventoryOf(objects: readonly ObjectHead[]): InventoryEntry[] {
  const seen = new Set<string>();
  const out: InventoryEntry[] = [];
  for (const o of objects) {
    const md = isPlainObject(o.metadata) ? o.metadata : {};
    const e: InventoryEntry = { apiVersion: text(o.apiVersion), kind: text(o.kind), name: text(md.name) };
    if (text(md.namespace)) e.namespace = text(md.namespace);
    if (seen.has(entryKey(e))) continue;
    seen.add(entryKey(e));
    out.push(e);
  }
  return out;
}

/** Stably sorted by Helm's install order of kinds. */
export function installOrder<T extends { kind?: unknown }>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => compareInstallOrder(text(a.kind), text(b.kind)));
}

/** The entries of `previous` that `next` lacks, in the order to delete them (reverse install order). */
export function pruneList(
  previous: readonly InventoryEntry[],
  next: readonly InventoryEntry[],
): InventoryEntry[] {
  const keep = new Set(next.map(entryKey));
  return installOrder(previous.filter((e) => !keep.has(entryKey(e)))).reverse();
}

/** The ConfigMap data holding an inventory. */
export function encodeInventory(
  entries: readonly InventoryEntry[],
  meta: InventoryMeta,
): Record<string, string> {
  const clean = entries.map((e) => ({
    apiVersion: e.apiVersion,
    kind: e.kind,
    ...(e.namespace ? { namespace: e.namespace } : {}),
    name: e.name,
  }));
  const doc = {
    format: INVENTORY_FORMAT,
    owner: meta.owner,
    template: meta.template,
    ...(meta.version !== undefined ? { version: meta.version } : {}),
    hash: meta.hash,
    entries: clean,
  };
  return { [INVENTORY_KEY]: JSON.stringify(doc) };
}

/** Reads an inventory ConfigMap's data back; a damaged one is an error saying what is wrong. */
export function decodeInventory(data: Record<string, string> | undefined): Inventory | { error: string } {
  const fail = (what: string) => ({ error: `the inventory is damaged: ${what}` });
  if (!isPlainObject(data) || !Object.hasOwn(data, INVENTORY_KEY))
    return fail(`its ConfigMap has no data key ${JSON.stringify(INVENTORY_KEY)}`);
  const text = data[INVENTORY_KEY];
  if (typeof text !== 'string') return fail(`data key ${JSON.stringify(INVENTORY_KEY)} is not a string`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(`it is not JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(doc)) return fail('it is not a JSON object');
  if (doc.format !== INVENTORY_FORMAT)
    return fail(
      `its format is ${JSON.stringify(doc.format)}, and this version reads ${JSON.stringify(INVENTORY_FORMAT)}`,
    );
  for (const k of ['owner', 'template', 'hash'] as const)
    if (typeof doc[k] !== 'string') return fail(`${k} is not a string`);
  if (doc.version !== undefined && typeof doc.version !== 'string') return fail('version is not a string');
  if (!Array.isArray(doc.entries)) return fail('entries is not a list');
  const entries: InventoryEntry[] = [];
  for (const [i, raw] of doc.entries.entries()) {
    if (!isPlainObject(raw)) return fail(`entries[${i}] is not an object`);
    for (const k of ['apiVersion', 'kind', 'name'] as const)
      if (typeof raw[k] !== 'string' || raw[k] === '')
        return fail(`entries[${i}].${k} is not a non-empty string`);
    if (raw.namespace !== undefined && typeof raw.namespace !== 'string')
      return fail(`entries[${i}].namespace is not a string`);
    const e: InventoryEntry = {
      apiVersion: raw.apiVersion as string,
      kind: raw.kind as string,
      name: raw.name as string,
    };
    if (raw.namespace) e.namespace = raw.namespace as string;
    entries.push(e);
  }
  return {
    owner: doc.owner as string,
    template: doc.template as string,
    ...(doc.version !== undefined ? { version: doc.version as string } : {}),
    hash: doc.hash as string,
    entries,
  };
}
