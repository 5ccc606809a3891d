/**
 * The Store over a Kubernetes API server (see ../types.ts for the contract). The apiserver
 * enforces the semantics itself (optimistic concurrency, generation, finalizers, the status
 * subresource, watch history); this backend maps kinds to resources, shapes requests and maps
 * failures to the Store's errors. Beyond the Store: server-side apply (`apply`).
 */

import type { KubeConfig } from '@kubernetes/client-node';
import { SERVER_METADATA_FIELDS } from '../../k8s/object.js';
import { ClustermintError } from '../../util/errors.js';
import { isConflict, StoreError } from '../errors.js';
import type {
  DeleteOptions,
  DeleteResult,
  KubeObject,
  ListOptions,
  ListResult,
  NewObject,
  ObjectRef,
  ResourceType,
  Store,
  Watch,
  WatchOptions,
} from '../types.js';
import { fromKubeConfig, inClusterConfig, type KubeTarget, loadKubeconfig } from './config.js';
import { KubeHttp, type KubeHttpOptions, type Query } from './http.js';
import { type ResourceEntry, type ResourceInfo, ResourceMapper } from './resources.js';
import { KubeWatch } from './watch.js';

export interface KubeStoreOptions extends KubeHttpOptions {
  /** Field manager of writes and the default of apply(). Default `clustermint`. */
  fieldManager?: string;
  /** Keep metadata.managedFields in returned objects (dropped by default, as the Store's ObjectMeta has none). */
  keepManagedFields?: boolean;
  /** Server-side watch timeout: the stream ends after it and the caller watches again. Default 300 s. */
  watchTimeoutSeconds?: number;
  /** Page size of list calls. Default 500. */
  listPageSize?: number;
  /** Kinds to resources without discovery: key `<group>/<Kind>` (`/<Kind>` for the core group). */
  resources?: Record<string, ResourceEntry>;
}

export interface ApplyOptions {
  /** Owner of the applied fields. Default: the store's fieldManager. */
  fieldManager?: string;
  /** Take over fields other managers own instead of failing with Conflict. */
  force?: boolean;
  /** Apply to the status subresource. */
  subresource?: 'status';
  /** Server-side dry run: validated and admitted, not stored. */
  dryRun?: boolean;
}

const SERVER_FIELDS = SERVER_METADATA_FIELDS;

const seg = encodeURIComponent;

export class KubeStore implements Store {
  readonly http: KubeHttp;
  private readonly mapper: ResourceMapper;
  private readonly fieldManager: string;
  private readonly keepManagedFields: boolean;
  private readonly watchTimeoutSeconds: number;
  private readonly pageSize: number;
  private readonly watches = new Set<Watch>();
  private closed = false;

  /** `target`: from loadKubeconfig or inClusterConfig, or a @kubernetes/client-node KubeConfig (its current context). */
  constructor(target: KubeTarget | KubeConfig, options: KubeStoreOptions = {}) {
    this.http = new KubeHttp('kubeConfig' in target ? target : fromKubeConfig(target), options);
    this.mapper = new ResourceMapper(this.http, options.resources);
    this.fieldManager = options.fieldManager ?? 'clustermint';
    this.keepManagedFields = options.keepManagedFields ?? false;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.pageSize = options.listPageSize ?? 500;
  }

  /** The resource serving a kind (discovery, cached). */
  resource(type: ResourceType): Promise<ResourceInfo> {
    return this.mapper.resolve(type);
  }

  private check(): void {
    if (this.closed) throw new StoreError('BadRequest', 'the store is closed');
  }

  private collectionPath(r: ResourceInfo, namespace: string | undefined): string {
    if (!r.namespaced || namespace === undefined || namespace === '') return `${r.prefix}/${r.plural}`;
    return `${r.prefix}/namespaces/${seg(namespace)}/${r.plural}`;
  }

  private objectPath(r: ResourceInfo, ref: { namespace?: string; name: string }, sub?: string): string {
    if (r.namespaced && !ref.namespace)
      throw new StoreError('BadRequest', `${r.kind} "${ref.name}" is namespaced: a namespace is required`);
    if (!ref.name) throw new StoreError('BadRequest', `${r.kind}: a name is required`);
    const base = r.namespaced
      ? `${r.prefix}/namespaces/${seg(ref.namespace!)}/${r.plural}/${seg(ref.name)}`
      : `${r.prefix}/${r.plural}/${seg(ref.name)}`;
    return sub ? `${base}/${sub}` : base;
  }

  /** A stored object as the Store returns it: managedFields and selfLink dropped. */
  private clean = (o: KubeObject): KubeObject => {
    if (!this.keepManagedFields && o.metadata) {
      const m = o.metadata as unknown as Record<string, unknown>;
      delete m.managedFields;
      delete m.selfLink;
    }
    return o;
  };

  private typed(o: KubeObject, type: ResourceType): KubeObject {
    // Items of core lists come without apiVersion and kind.
    o.apiVersion ??= type.apiVersion;
    o.kind ??= type.kind;
    return this.clean(o);
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    this.check();
    const r = await this.resource(ref);
    const o = await this.http.request<KubeObject>({ method: 'GET', path: this.objectPath(r, ref) });
    return this.typed(o, ref);
  }

  async list(type: ResourceType, options: ListOptions = {}): Promise<ListResult> {
    this.check();
    const r = await this.resource(type);
    const path = this.collectionPath(r, options.namespace);
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const page = await this.http.request<{
        metadata?: { resourceVersion?: string; continue?: string };
        items?: KubeObject[];
      }>({
        method: 'GET',
        path,
        query: {
          labelSelector: options.labelSelector || undefined,
          fieldSelector: options.fieldSelector || undefined,
          limit: this.pageSize,
          continue: cont,
        },
      });
      // Every page is read at the first page's version: that is the list's version.
      if (cont === undefined) resourceVersion = page.metadata?.resourceVersion ?? '';
      for (const o of page.items ?? []) items.push(this.typed(o, type));
      cont = page.metadata?.continue || undefined;
    } while (cont !== undefined);
    items.sort((a, b) => {
      const na = a.metadata.namespace ?? '';
      const nb = b.metadata.namespace ?? '';
      if (na !== nb) return na < nb ? -1 : 1;
      return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
    });
    return { items, resourceVersion };
  }

  async watch(type: ResourceType, options: WatchOptions = {}): Promise<Watch> {
    this.check();
    const r = await this.resource(type);
    // Without a version the apiserver streams the current objects as ADDED first (watch-list),
    // then a BOOKMARK marking their end, then changes.
    const initial = !options.resourceVersion;
    const query: Query = {
      watch: 'true',
      allowWatchBookmarks: 'true',
      timeoutSeconds: this.watchTimeoutSeconds,
      resourceVersion: options.resourceVersion || undefined,
      sendInitialEvents: initial ? 'true' : undefined,
      resourceVersionMatch: initial ? 'NotOlderThan' : undefined,
      labelSelector: options.labelSelector || undefined,
      fieldSelector: options.fieldSelector || undefined,
    };
    const res = await this.http.stream({
      method: 'GET',
      path: this.collectionPath(r, options.namespace),
      query,
    });
    if (this.closed) {
      res.destroy();
      throw new StoreError('BadRequest', 'the store is closed');
    }
    const w: Watch = new KubeWatch(
      res,
      (o) => this.typed(o, type),
      () => this.watches.delete(w),
    );
    this.watches.add(w);
    return w;
  }

  async create(object: NewObject): Promise<KubeObject> {
    this.check();
    const r = await this.resource(object);
    const metadata: Record<string, unknown> = { ...object.metadata };
    for (const f of SERVER_FIELDS) delete metadata[f];
    if (!r.namespaced) delete metadata.namespace;
    const o = await this.http.request<KubeObject>({
      method: 'POST',
      path: this.collectionPath(r, object.metadata.namespace),
      query: { fieldManager: this.fieldManager },
      body: { ...object, metadata },
    });
    return this.typed(o, object);
  }

  private async replace(object: KubeObject, sub?: 'status'): Promise<KubeObject> {
    this.check();
    const r = await this.resource(object);
    const metadata: Record<string, unknown> = { ...object.metadata };
    // Absent managedFields keep the stored ones.
    delete metadata.managedFields;
    const o = await this.http.request<KubeObject>({
      method: 'PUT',
      path: this.objectPath(r, object.metadata, sub),
      query: { fieldManager: this.fieldManager },
      body: { ...object, metadata },
    });
    return this.typed(o, object);
  }

  update(object: KubeObject): Promise<KubeObject> {
    return this.replace(object);
  }

  updateStatus(object: KubeObject): Promise<KubeObject> {
    return this.replace(object, 'status');
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<DeleteResult> {
    this.check();
    const r = await this.resource(ref);
    const path = this.objectPath(r, ref);
    for (;;) {
      // The apiserver answers an immediate delete of a custom resource with a Status, not the
      // object: read it first and delete exactly that version, so the last state is known.
      const current = await this.get(ref);
      const preconditions = {
        uid: options.preconditions?.uid ?? current.metadata.uid,
        resourceVersion: options.preconditions?.resourceVersion ?? current.metadata.resourceVersion,
      };
      let answer: KubeObject | { kind: 'Status' };
      try {
        answer = await this.http.request<KubeObject | { kind: 'Status' }>({
          method: 'DELETE',
          path,
          body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions },
        });
      } catch (e) {
        // Changed since the read, and the caller did not pin a version: read again.
        const mine =
          options.preconditions?.resourceVersion === undefined && options.preconditions?.uid === undefined;
        if (mine && isConflict(e)) continue;
        throw e;
      }
      if (answer.kind === 'Status' || !('metadata' in answer)) return { object: current, deleted: true };
      const object = this.typed(answer as KubeObject, ref);
      // Held by finalizers: deletionTimestamp set, finalizers left. Otherwise it is gone.
      const deleted = !(object.metadata.deletionTimestamp && (object.metadata.finalizers?.length ?? 0) > 0);
      return { object, deleted };
    }
  }

  /**
   * Server-side apply: the fields in `object` become owned by the field manager; fields it
   * owned before and left out are removed. metadata.resourceVersion and uid, when given, are
   * preconditions (Conflict when stale). Conflict when another manager owns a field with a
   * different value, unless `force`.
   */
  async apply(object: NewObject, options: ApplyOptions = {}): Promise<KubeObject> {
    this.check();
    const r = await this.resource(object);
    const metadata: Record<string, unknown> = { ...object.metadata };
    for (const f of SERVER_FIELDS) if (f !== 'resourceVersion' && f !== 'uid') delete metadata[f];
    if (!r.namespaced) delete metadata.namespace;
    const o = await this.http.request<KubeObject>({
      method: 'PATCH',
      path: this.objectPath(
        r,
        { name: object.metadata.name ?? '', namespace: object.metadata.namespace },
        options.subresource,
      ),
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: options.fieldManager ?? this.fieldManager,
        force: options.force ? 'true' : undefined,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      body: { ...object, metadata },
    });
    return this.typed(o, object);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    this.http.close();
  }
}

export interface OpenKubeStoreOptions extends KubeStoreOptions {
  /** A kubeconfig file. Absent: the in-cluster service account inside a pod, else $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
  /** Only the pod's service account: fail outside a pod instead of reading a kubeconfig. */
  inCluster?: boolean;
}

/** A KubeStore from a kubeconfig file, the pod's service account, or the default rules of client tools. */
export async function openKubeStore(options: OpenKubeStoreOptions = {}): Promise<KubeStore> {
  let target: KubeTarget | undefined;
  if (options.kubeconfig !== undefined) target = await loadKubeconfig(options.kubeconfig, options.context);
  else if (options.inCluster) {
    target = await inClusterConfig();
    if (!target)
      throw new ClustermintError(
        'USAGE',
        'in-cluster: no service account here (KUBERNETES_SERVICE_HOST/PORT or the token are missing)',
      );
  } else
    target =
      (options.context === undefined ? await inClusterConfig() : undefined) ??
      (await loadKubeconfig(undefined, options.context));
  return new KubeStore(target, options);
}
