/**
 * The Store contract: the subset of the Kubernetes API that clustermint's reconciler needs,
 * with the apiserver's semantics, so the embedded SQLite backend and a Kubernetes backend
 * (client-node against a real kube-apiserver) pass one conformance suite
 * (test/store/conformance.ts).
 *
 * Semantics every backend keeps (as the apiserver does for custom resources with a status
 * subresource):
 * - identity is (API group, kind, namespace, name); the version in apiVersion is not part of it;
 * - resourceVersion is an opaque string: compare it only for equality, never order or parse it;
 * - create: AlreadyExists when the name is taken; status is dropped; generation starts at 1;
 * - update: needs metadata.resourceVersion, Conflict when stale; status changes are ignored;
 *   generation is bumped when anything outside metadata and status changes; an update that
 *   changes nothing writes nothing (same resourceVersion, no watch event);
 * - updateStatus: only status changes are kept (metadata, spec are ignored);
 * - delete: without finalizers the object is gone at once (DELETED event); with finalizers it
 *   gets deletionTimestamp (and generation + 1) and stays until an update removes the last
 *   finalizer, then it is gone (DELETED event); no finalizer can be added while deleting;
 * - watch: events in resourceVersion order; a resourceVersion older than the retained history
 *   gives an Expired (410) error and the caller lists again.
 */

import type { KubeObject, NewObject, ResourceType } from '../k8s/object.js';

export type { KubeObject, NewObject, ObjectMeta, OwnerReference, ResourceType } from '../k8s/object.js';

/** One object: its kind, namespace (absent for cluster-scoped objects) and name. */
export interface ObjectRef extends ResourceType {
  namespace?: string;
  name: string;
}

export interface ListOptions {
  /** Only this namespace; absent: all namespaces. */
  namespace?: string;
  /** Kubernetes label selector syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
  labelSelector?: string;
  /** `metadata.name=x`, `metadata.namespace!=y`, comma-separated (the fields every backend supports). */
  fieldSelector?: string;
}

export interface ListResult {
  /** Sorted by namespace, then name. */
  items: KubeObject[];
  /** The store's version at the time of the list: watch from it to see every later change. */
  resourceVersion: string;
}

export interface WatchOptions extends ListOptions {
  /**
   * Events after this version (from a list or an object). Absent or `"0"`: first a synthetic
   * ADDED event for every current object, then every later change (as the apiserver does).
   */
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/**
 * With a selector, an object that starts matching arrives as ADDED and one that stops
 * matching as DELETED (as the apiserver's watch cache does). BOOKMARK events carry only
 * apiVersion, kind and metadata.resourceVersion; a backend may send them at any time.
 */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/**
 * A stream of watch events in order. Iteration ends (done) after close(), after the store is
 * closed, or when the backend ends the stream (a Kubernetes watch times out): the caller then
 * watches again from the last resourceVersion it saw. An expired version makes the iteration
 * throw a StoreError with reason `Expired` (410): the caller lists again.
 */
export interface Watch extends AsyncIterable<WatchEvent> {
  next(): Promise<IteratorResult<WatchEvent, undefined>>;
  close(): void;
}

export interface DeleteOptions {
  /** Delete only if the object still has this uid / resourceVersion (Conflict otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The object as last stored (with deletionTimestamp when finalizers hold it). */
  object: KubeObject;
  /** True when the object is gone now; false when finalizers keep it until they are removed. */
  deleted: boolean;
}

/** A backend: the embedded SQLite store (sqlite/) or a Kubernetes API server. */
export interface Store {
  /** NotFound when absent. */
  get(ref: ObjectRef): Promise<KubeObject>;
  list(type: ResourceType, options?: ListOptions): Promise<ListResult>;
  /** Invalid / BadRequest for bad options; Expired for a version older than the retained history. */
  watch(type: ResourceType, options?: WatchOptions): Promise<Watch>;
  /** AlreadyExists, Invalid. Returns the stored object (uid, resourceVersion, generation 1, no status). */
  create(object: NewObject): Promise<KubeObject>;
  /**
   * Replaces everything but status. NotFound, Conflict (stale metadata.resourceVersion),
   * Invalid (no resourceVersion, immutable field changed, finalizer added while deleting).
   * Removing the last finalizer of a deleting object deletes it; the last stored state is
   * returned.
   */
  update(object: KubeObject): Promise<KubeObject>;
  /** Replaces status only. NotFound, Conflict, Invalid as update. */
  updateStatus(object: KubeObject): Promise<KubeObject>;
  /** NotFound, Conflict (failed precondition). */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteResult>;
  /** Ends every open watch and releases the backend. */
  close(): Promise<void>;
}

export type { Clock } from '../domain/clock.js';
export { systemClock } from '../domain/clock.js';
